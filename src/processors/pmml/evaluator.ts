// The compiled PMML document as a TabularModel: request values → field values (all rows checked
// before any is scored) → the top model → one result object per row with the target(s) and
// every OutputField.
import type { InputField, InputType, OutputField, RawValue, TabularModel } from '../tabular/model.js';
import type { ModelResult, Value } from './model.js';
import type { DataField, FieldDef } from './fields.js';
import { inputConverter } from './mining-schema.js';
import { predictedOf } from './output-features.js';
import { FieldScope } from './scope.js';
import type { ModelUnit } from './unit.js';
import { categoryKey } from './values.js';

/** One scored row: the result object, and the model result it came from (for tools and tests). */
export interface DetailedRow {
  readonly record: Record<string, unknown>;
  readonly result: ModelResult;
}

/** Key of the prediction of a model that has no target field (clustering, association rules). */
export const NO_TARGET_KEY = 'prediction';

function inputType(def: FieldDef, data: DataField | undefined): InputType {
  if (def.dataType === 'boolean') return 'boolean';
  if (def.optype !== 'continuous') {
    if (data !== undefined && data.validValues.length > 0) return 'category';
    if (def.dataType === 'string') return 'string';
  }
  if (def.dataType === 'integer') return 'integer';
  if (def.dataType === 'double' || def.dataType === 'float') return 'number';
  return 'string';
}

function jsonType(def: FieldDef): string {
  switch (def.dataType) {
    case 'string':
      return 'string';
    case 'boolean':
      return 'boolean';
    default:
      return 'number';
  }
}

function json(v: Value): unknown {
  return typeof v === 'number' && !Number.isFinite(v) ? null : v;
}

export interface EvaluatorParts {
  readonly unit: ModelUnit;
  readonly dataFields: ReadonlyMap<string, DataField>;
  readonly details: Readonly<Record<string, unknown>>;
}

export class PmmlModel implements TabularModel {
  readonly processor = 'pmml' as const;
  readonly inputs: readonly InputField[];
  readonly outputs: readonly OutputField[];
  readonly details: Readonly<Record<string, unknown>>;
  readonly #unit: ModelUnit;
  readonly #converters: ((raw: RawValue, row: number) => Value)[];
  /** Slot of each input in the top layout. */
  readonly #slots: Int32Array;
  readonly #targets: readonly string[];
  readonly #outputNames: readonly string[];
  /** Index (in inputs) of the field grouping rows into transactions, or -1. */
  readonly #group: number;

  constructor(parts: EvaluatorParts) {
    const { unit, dataFields } = parts;
    this.#unit = unit;
    this.details = parts.details;
    // A residual needs the actual target value: the target becomes an (optional) input.
    const hasResidual = unit.output?.features.includes('residual') === true;
    const used = unit.miningFields.filter((mf) => mf.usage === 'active' || mf.usage === 'group' || (hasResidual && (mf.usage === 'target' || mf.usage === 'predicted')));
    const inputs: InputField[] = [];
    this.#converters = [];
    const slots: number[] = [];
    for (const mf of used) {
      const data = dataFields.get(mf.name);
      if (data === undefined) continue;
      const type = inputType(data, data);
      inputs.push(type === 'category' ? { name: mf.name, type, values: data.validValues } : { name: mf.name, type });
      this.#converters.push(inputConverter(mf, data, data));
      slots.push(unit.layout.slot(mf.name) ?? -1);
    }
    this.inputs = inputs;
    this.#slots = Int32Array.from(slots);
    this.#group = used.findIndex((mf) => mf.usage === 'group');
    this.#targets = unit.targets.length > 0 ? unit.targets : [];
    this.#outputNames = unit.output?.fields.map((f) => f.name) ?? [];
    const outputs: OutputField[] = [];
    for (const t of this.#targets) {
      const def = dataFields.get(t);
      outputs.push({ name: t, type: def === undefined ? 'number' : jsonType(def), description: 'predicted value' });
    }
    if (this.#targets.length === 0) outputs.push({ name: NO_TARGET_KEY, type: 'string', description: 'predicted entity' });
    for (const f of unit.output?.fields ?? []) {
      if (!outputs.some((o) => o.name === f.name)) outputs.push({ name: f.name, type: jsonType(f) });
    }
    this.outputs = outputs;
  }

  predict(rows: readonly (readonly RawValue[])[]): Record<string, unknown>[] {
    return this.predictDetailed(rows).map((r) => r.record);
  }

  /** Scores rows like predict() and also returns each row's model result. */
  predictDetailed(rows: readonly (readonly RawValue[])[]): DetailedRow[] {
    const values = this.#convert(rows);
    if (this.#group < 0) return values.map((row) => this.#score(row, undefined));
    return this.#scoreTransactions(values);
  }

  #convert(rows: readonly (readonly RawValue[])[]): Value[][] {
    const n = this.#converters.length;
    return rows.map((row, r) => {
      const out = new Array<Value>(n);
      for (let i = 0; i < n; i++) out[i] = (this.#converters[i] as (raw: RawValue, row: number) => Value)(row[i] ?? null, r);
      return out;
    });
  }

  #score(row: readonly Value[], groups: ReadonlyMap<string, readonly Value[]> | undefined): DetailedRow {
    const scope = new FieldScope(this.#unit.layout, undefined);
    scope.groups = groups;
    for (let i = 0; i < row.length; i++) {
      const slot = this.#slots[i] as number;
      if (slot >= 0) scope.set(slot, row[i] ?? null);
    }
    const { result, outputs } = this.#unit.run(scope);
    const record: Record<string, unknown> = {};
    if (this.#targets.length === 0) record[NO_TARGET_KEY] = json(result.value);
    for (const t of this.#targets) record[t] = json(predictedOf(result, t));
    if (outputs !== undefined) {
      for (let i = 0; i < outputs.length; i++) record[this.#outputNames[i] as string] = json(outputs[i] ?? null);
    }
    return { record, result };
  }

  /** Consecutive rows with the same group value form one transaction, scored once; each of its rows gets the result. */
  #scoreTransactions(values: readonly Value[][]): DetailedRow[] {
    const out: DetailedRow[] = [];
    const g = this.#group;
    let start = 0;
    while (start < values.length) {
      const first = values[start] as Value[];
      const key = first[g] ?? null;
      let end = start + 1;
      while (end < values.length && sameGroup((values[end] as Value[])[g] ?? null, key)) end++;
      const groups = new Map<string, Value[]>();
      this.inputs.forEach((f, i) => {
        if (i === g) return;
        const items: Value[] = [];
        for (let r = start; r < end; r++) {
          const v = (values[r] as Value[])[i] ?? null;
          if (v !== null) items.push(v);
        }
        groups.set(f.name, items);
      });
      const scored = this.#score(first, groups);
      for (let r = start; r < end; r++) out.push(scored);
      start = end;
    }
    return out;
  }
}

function sameGroup(a: Value, b: Value): boolean {
  if (a === null || b === null) return a === b;
  return a === b || categoryKey(a) === categoryKey(b);
}
