// AssociationModel: Items, Itemsets and AssociationRules. A transaction's items (the values of
// the active field over the rows grouped by the group field, or, without a group field, the
// active fields whose value is "T") give per rule whether its antecedent and its consequent are
// contained in the input. The OutputFields then pick rules by algorithm:
//   recommendation            antecedent ⊆ input
//   exclusiveRecommendation   antecedent ⊆ input and consequent ⊄ input
//   ruleAssociation           antecedent ⊆ input and consequent ⊆ input
// ranked by rankBasis (confidence, support, lift, leverage, affinity) in rankOrder; the orders are
// sorted once at load, so a row only walks them.
import type { CompileEnv, CompiledModel, ModelResult, Scope, Value } from '../model.js';
import { optionalNumberAttr, PmmlError, requiredNumberAttr } from '../fields.js';
import { parseMiningSchema } from '../mining-schema.js';
import { valueText } from '../values.js';
import { childrenNamed, type XmlElement } from '../xml.js';

/** Where an association model puts its per-row match in ModelResult.extras. */
export const ASSOCIATION = 'association';

const BASES = ['confidence', 'support', 'lift', 'leverage', 'affinity'] as const;
type RankBasis = (typeof BASES)[number];
const ALGORITHMS = ['recommendation', 'exclusiveRecommendation', 'ruleAssociation'] as const;
type Algorithm = (typeof ALGORITHMS)[number];
const RULE_FEATURES = ['antecedent', 'consequent', 'rule', 'ruleId', 'confidence', 'support', 'lift', 'leverage', 'affinity'] as const;
type RuleFeature = (typeof RULE_FEATURES)[number];

interface AssociationRule {
  readonly id: string;
  readonly antecedent: number;
  readonly consequent: number;
  readonly measures: Readonly<Record<RankBasis, number | undefined>>;
}

/** The rules of a model with what output features need: item values of each itemset, and rule orders by basis. */
export class RuleBook {
  readonly rules: readonly AssociationRule[];
  /** Item values of each itemset, in ItemRef order. */
  readonly itemsetValues: readonly (readonly string[])[];
  readonly #orders = new Map<string, Int32Array>();

  constructor(rules: readonly AssociationRule[], itemsetValues: readonly (readonly string[])[]) {
    this.rules = rules;
    this.itemsetValues = itemsetValues;
  }

  /** Rule indices by `basis` in `order`; equal values keep document order. */
  order(basis: RankBasis, descending: boolean): Int32Array {
    const key = `${basis}/${descending}`;
    let out = this.#orders.get(key);
    if (out === undefined) {
      const value = (i: number): number => {
        const v = (this.rules[i] as AssociationRule).measures[basis];
        if (v === undefined) throw new PmmlError(`an AssociationRule has no ${basis}, which an OutputField ranks by`);
        return v;
      };
      const idx = Array.from({ length: this.rules.length }, (_, i) => i);
      idx.sort((a, b) => (descending ? value(b) - value(a) : value(a) - value(b)) || a - b);
      out = Int32Array.from(idx);
      this.#orders.set(key, out);
    }
    return out;
  }
}

/** One transaction's match: per rule, whether its antecedent and its consequent are in the input. */
export interface AssociationMatch {
  readonly book: RuleBook;
  readonly antecedentIn: Uint8Array;
  readonly consequentIn: Uint8Array;
}

function selected(m: AssociationMatch, algorithm: Algorithm, i: number): boolean {
  if (m.antecedentIn[i] !== 1) return false;
  switch (algorithm) {
    case 'recommendation':
      return true;
    case 'exclusiveRecommendation':
      return m.consequentIn[i] !== 1;
    case 'ruleAssociation':
      return m.consequentIn[i] === 1;
  }
}

function featureValue(book: RuleBook, rule: AssociationRule, feature: RuleFeature): Value {
  switch (feature) {
    case 'antecedent':
      return (book.itemsetValues[rule.antecedent] as readonly string[]).join(',');
    case 'consequent':
      return (book.itemsetValues[rule.consequent] as readonly string[]).join(',');
    case 'rule':
      return `{${(book.itemsetValues[rule.antecedent] as readonly string[]).join(',')}}->{${(book.itemsetValues[rule.consequent] as readonly string[]).join(',')}}`;
    case 'ruleId':
      return rule.id;
    default:
      return rule.measures[feature] ?? null;
  }
}

function oneOf<T extends string>(el: XmlElement, attr: string, allowed: readonly T[], fallback: T): T {
  const v = el.attrs[attr];
  if (v === undefined) return fallback;
  if ((allowed as readonly string[]).includes(v)) return v as T;
  throw new PmmlError(`OutputField "${el.attrs['name'] ?? ''}" has unknown ${attr} "${v}"`);
}

/** The data type of an association OutputField's value where the feature fixes it. */
export function ruleFeatureDataType(el: XmlElement, feature: string): string | undefined {
  const f = feature === 'ruleValue' ? (el.attrs['ruleFeature'] ?? 'consequent') : feature;
  if (el.attrs['isMultiValued'] === '1') return 'string';
  return f === 'confidence' || f === 'support' || f === 'lift' || f === 'leverage' || f === 'affinity' ? 'double' : 'string';
}

/**
 * An OutputField feature over association rules (ruleValue, rule, antecedent, consequent, and entityId,
 * ruleId, confidence, support, lift, leverage of the selected rule). Returns undefined for a result
 * that holds no association match, so the caller can fall back to the feature's general meaning.
 * A multi-valued field (isMultiValued="1") gives its values as a JSON array text; rank 0 means all.
 */
export function ruleOutput(el: XmlElement, feature: string): (r: ModelResult) => Value | undefined {
  const name = el.attrs['name'] ?? '';
  const ruleFeatureText = feature === 'ruleValue' ? (el.attrs['ruleFeature'] ?? 'consequent') : feature === 'entityId' ? 'ruleId' : feature;
  if (!(RULE_FEATURES as readonly string[]).includes(ruleFeatureText)) throw new PmmlError(`OutputField "${name}" has unknown ruleFeature "${ruleFeatureText}"`);
  const ruleFeature = ruleFeatureText as RuleFeature;
  const algorithm = oneOf(el, 'algorithm', ALGORITHMS, 'exclusiveRecommendation');
  const basis = oneOf(el, 'rankBasis', BASES, 'confidence');
  const descending = oneOf(el, 'rankOrder', ['descending', 'ascending'] as const, 'descending') === 'descending';
  const multi = el.attrs['isMultiValued'] === '1';
  const rank = el.attrs['rank'] === undefined ? 1 : Number(el.attrs['rank']);
  if (!Number.isInteger(rank) || rank < (multi ? 0 : 1)) throw new PmmlError(`OutputField "${name}" has an invalid rank "${el.attrs['rank'] ?? ''}"`);
  return (r) => {
    const m = r.extras?.[ASSOCIATION] as AssociationMatch | undefined;
    if (m === undefined) return undefined;
    const order = m.book.order(basis, descending);
    const picked: Value[] = [];
    let seen = 0;
    for (const i of order) {
      if (!selected(m, algorithm, i)) continue;
      seen++;
      if (multi) picked.push(featureValue(m.book, m.book.rules[i] as AssociationRule, ruleFeature));
      else if (seen === rank) return featureValue(m.book, m.book.rules[i] as AssociationRule, ruleFeature);
      if (multi && rank > 0 && picked.length === rank) break;
    }
    return multi ? JSON.stringify(picked) : null;
  };
}

function measure(el: XmlElement, attr: string, required: boolean): number | undefined {
  return (required ? requiredNumberAttr : optionalNumberAttr)(el, attr, 'an AssociationRule');
}

const PRESENT = new Set(['T', 'true', '1']);

export function compileAssociationModel(el: XmlElement, _env: CompileEnv): CompiledModel {
  const functionName = el.attrs['functionName'] ?? 'associationRules';
  const itemIndex = new Map<string, number>();
  const itemByValue = new Map<string, number>();
  const itemValues: string[] = [];
  for (const item of childrenNamed(el, 'Item')) {
    const id = item.attrs['id'];
    const value = item.attrs['value'];
    if (id === undefined || value === undefined) throw new PmmlError('an Item needs id and value');
    itemIndex.set(id, itemValues.length);
    if (!itemByValue.has(value)) itemByValue.set(value, itemValues.length);
    itemValues.push(value);
  }
  const itemsetIndex = new Map<string, number>();
  const itemsets: Int32Array[] = childrenNamed(el, 'Itemset').map((s, i) => {
    const id = s.attrs['id'];
    if (id === undefined) throw new PmmlError('an Itemset has no id');
    itemsetIndex.set(id, i);
    return Int32Array.from(
      childrenNamed(s, 'ItemRef').map((ref) => {
        const k = itemIndex.get(ref.attrs['itemRef'] ?? '');
        if (k === undefined) throw new PmmlError(`Itemset "${id}" refers to item "${ref.attrs['itemRef'] ?? ''}", which is not an Item`);
        return k;
      }),
    );
  });
  const itemsetOf = (id: string | undefined, what: string): number => {
    const k = itemsetIndex.get(id ?? '');
    if (k === undefined) throw new PmmlError(`an AssociationRule's ${what} "${id ?? ''}" is not an Itemset`);
    return k;
  };
  const rules: AssociationRule[] = childrenNamed(el, 'AssociationRule').map((r, i) => ({
    id: r.attrs['id'] ?? String(i + 1),
    antecedent: itemsetOf(r.attrs['antecedent'], 'antecedent'),
    consequent: itemsetOf(r.attrs['consequent'], 'consequent'),
    measures: {
      confidence: measure(r, 'confidence', true),
      support: measure(r, 'support', true),
      lift: measure(r, 'lift', false),
      leverage: measure(r, 'leverage', false),
      affinity: measure(r, 'affinity', false),
    },
  }));
  const book = new RuleBook(
    rules,
    itemsets.map((s) => Array.from(s, (k) => itemValues[k] as string)),
  );

  const schema = parseMiningSchema(el);
  const groups = schema.filter((f) => f.usage === 'group');
  const active = schema.filter((f) => f.usage === 'active').map((f) => f.name);
  if (groups.length > 1) throw new PmmlError('AssociationModel has more than one group field');
  if (groups.length === 1 && active.length !== 1) throw new PmmlError('a transactional AssociationModel needs exactly one active field (the item)');
  if (active.length === 0) throw new PmmlError('AssociationModel has no active field');
  // Transactional input: the item field's values; otherwise each active field is an item flagged "T".
  const inputItems =
    groups.length === 1
      ? (scope: Scope, into: Uint8Array): void => {
          for (const v of scope.values(active[0] as string)) {
            const k = v === null ? undefined : itemByValue.get(valueText(v));
            if (k !== undefined) into[k] = 1;
          }
        }
      : (scope: Scope, into: Uint8Array): void => {
          for (const name of active) {
            const v = scope.get(name);
            const k = itemByValue.get(name);
            if (v !== null && k !== undefined && PRESENT.has(valueText(v))) into[k] = 1;
          }
        };

  const evaluate = (scope: Scope): ModelResult => {
    const input = new Uint8Array(itemValues.length);
    inputItems(scope, input);
    const contained = itemsets.map((s) => s.every((k) => input[k] === 1));
    const antecedentIn = new Uint8Array(rules.length);
    const consequentIn = new Uint8Array(rules.length);
    rules.forEach((r, i) => {
      antecedentIn[i] = contained[r.antecedent] === true ? 1 : 0;
      consequentIn[i] = contained[r.consequent] === true ? 1 : 0;
    });
    const match: AssociationMatch = { book, antecedentIn, consequentIn };
    return { value: null, extras: { [ASSOCIATION]: match } };
  };
  return { functionName, targets: [], evaluate };
}
