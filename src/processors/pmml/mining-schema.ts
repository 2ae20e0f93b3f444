// MiningSchema: which fields a model uses and how their values are treated before it sees them
// (missing value replacement, invalid values, outliers). At the top model this turns request
// values into field values, throwing RowError where the model says an invalid value is an error.
import type { RawValue } from '../tabular/model.js';
import { RowError } from '../tabular/model.js';
import type { Value } from './model.js';
import { isValidValue, optionalNumberAttr, PmmlError, type DataField, type FieldDef } from './fields.js';
import { categoryKey, coerce, formatNumber, parseText, type DataType } from './values.js';
import { childrenNamed, type XmlElement } from './xml.js';

export type InvalidTreatment = 'returnInvalid' | 'asIs' | 'asMissing' | 'asValue';
export type OutlierTreatment = 'asIs' | 'asMissingValues' | 'asExtremeValues';

export interface MiningField {
  readonly name: string;
  /** active, target, predicted, supplementary, group, order, frequencyWeight, analysisWeight. */
  readonly usage: string;
  readonly missingReplacement: string | undefined;
  readonly invalidTreatment: InvalidTreatment;
  readonly invalidReplacement: string | undefined;
  readonly outliers: OutlierTreatment;
  readonly low: number | undefined;
  readonly high: number | undefined;
}

function oneOf<T extends string>(el: XmlElement, attr: string, allowed: readonly T[], fallback: T): T {
  const v = el.attrs[attr];
  if (v === undefined) return fallback;
  // PMML 3.x spelled the treatment "asMissingValues"; 4.x "asMissing".
  const normalized = attr === 'invalidValueTreatment' && v === 'asMissingValues' ? 'asMissing' : v;
  if ((allowed as readonly string[]).includes(normalized)) return normalized as T;
  throw new PmmlError(`MiningField "${el.attrs['name'] ?? ''}" has unknown ${attr} "${v}"`);
}

const optionalNumber = (el: XmlElement, attr: string): number | undefined => optionalNumberAttr(el, attr, `MiningField "${el.attrs['name'] ?? ''}"`);

export function parseMiningSchema(model: XmlElement): MiningField[] {
  const schema = model.children.find((c) => c.name === 'MiningSchema');
  if (schema === undefined) throw new PmmlError(`${model.name} has no MiningSchema`);
  return childrenNamed(schema, 'MiningField').map((el) => {
    const name = el.attrs['name'];
    if (name === undefined) throw new PmmlError('a MiningField has no name');
    return {
      name,
      usage: el.attrs['usageType'] ?? 'active',
      missingReplacement: el.attrs['missingValueReplacement'],
      invalidTreatment: oneOf(el, 'invalidValueTreatment', ['returnInvalid', 'asIs', 'asMissing', 'asValue'], 'returnInvalid'),
      invalidReplacement: el.attrs['invalidValueReplacement'],
      outliers: oneOf(el, 'outliers', ['asIs', 'asMissingValues', 'asExtremeValues'], 'asIs'),
      low: optionalNumber(el, 'lowValue'),
      high: optionalNumber(el, 'highValue'),
    };
  });
}

/** The target fields of a model element (usageType target or predicted). */
export function miningTargets(model: XmlElement): string[] {
  return parseMiningSchema(model)
    .filter((f) => f.usage === 'target' || f.usage === 'predicted')
    .map((f) => f.name);
}

function replacement(text: string | undefined, type: DataType, what: string, field: string): Value {
  if (text === undefined) return null;
  const v = parseText(type, text);
  if (v === undefined) throw new PmmlError(`MiningField "${field}": ${what} "${text}" is not a ${type}`);
  return v;
}

/** Whether the field needs treatment at all (nested models without any get no slot of their own). */
export function hasTreatment(mf: MiningField): boolean {
  return mf.missingReplacement !== undefined || mf.outliers !== 'asIs' || mf.invalidTreatment === 'asValue';
}

function outlierStep(mf: MiningField, def: FieldDef): ((v: Value) => Value) | undefined {
  if (mf.outliers === 'asIs' || def.optype !== 'continuous') return undefined;
  const low = mf.low ?? -Infinity;
  const high = mf.high ?? Infinity;
  const asMissing = mf.outliers === 'asMissingValues';
  return (v) => {
    if (typeof v !== 'number') return v;
    if (v < low) return asMissing ? null : low;
    if (v > high) return asMissing ? null : high;
    return v;
  };
}

/** Treatment of an already typed value (models nested in a MiningModel). */
export function valueTreatment(mf: MiningField, def: FieldDef): (v: Value) => Value {
  const missing = replacement(mf.missingReplacement, def.dataType, 'missingValueReplacement', mf.name);
  const outliers = outlierStep(mf, def);
  return (v) => {
    if (v === null) return missing;
    return outliers === undefined ? v : outliers(v);
  };
}

const LIST_LIMIT = 12;

/** How a valid value of the field reads, for RowError messages. */
export function expectedForm(def: FieldDef, data: DataField | undefined): string {
  if (data !== undefined && def.optype !== 'continuous' && data.validValues.length > 0) {
    const shown = data.validValues.slice(0, LIST_LIMIT).map((v) => JSON.stringify(v));
    return `one of ${shown.join(', ')}${data.validValues.length > LIST_LIMIT ? `, ... (${data.validValues.length} values)` : ''}`;
  }
  const range = data !== undefined && data.intervals.length === 1 ? data.intervals[0] : undefined;
  const within =
    range === undefined
      ? ''
      : ` in ${range.closedLeft ? '[' : '('}${formatNumber(range.left, false)}, ${formatNumber(range.right, false)}${range.closedRight ? ']' : ')'}`;
  switch (def.dataType) {
    case 'integer':
      return `an integer${within}`;
    case 'float':
    case 'double':
      return `a number${within}`;
    case 'boolean':
      return 'true or false';
    case 'date':
      return 'a date (YYYY-MM-DD)';
    case 'time':
      return 'a time (hh:mm:ss)';
    case 'dateTime':
      return 'a date and time (YYYY-MM-DDThh:mm:ss)';
    case 'string':
      return 'a string';
    default:
      return `a number or a date (${def.dataType})`;
  }
}

function describe(raw: RawValue): string {
  return typeof raw === 'string' ? JSON.stringify(raw) : String(raw);
}

/** Converts one request value of a top-level mining field: type, missing and invalid values, outliers. */
export function inputConverter(mf: MiningField, def: FieldDef, data: DataField | undefined): (raw: RawValue, row: number) => Value {
  const type = def.dataType;
  const missing = replacement(mf.missingReplacement, type, 'missingValueReplacement', mf.name);
  const invalidValue = mf.invalidTreatment === 'asValue' ? replacement(mf.invalidReplacement, type, 'invalidValueReplacement', mf.name) : null;
  const outliers = outlierStep(mf, def);
  const checkValid = data !== undefined && (data.invalidKeys.size > 0 || data.intervals.length > 0 || (def.optype !== 'continuous' && data.validKeys.size > 0));
  const expected = expectedForm(def, data);
  const missingTexts = data?.missingTexts;
  const missingKeys = data?.missingKeys;

  const invalid = (raw: RawValue, row: number, parsed: Value | undefined): Value => {
    switch (mf.invalidTreatment) {
      case 'asMissing':
        return missing;
      case 'asValue':
        return invalidValue;
      case 'asIs':
        if (parsed !== undefined) return parsed;
        break;
      default:
        break;
    }
    throw new RowError(row, mf.name, expected, describe(raw));
  };

  return (raw, row) => {
    if (raw === null || raw === undefined) return missing;
    let parsed: Value | undefined;
    if (typeof raw === 'string') {
      if (missingTexts !== undefined && missingTexts.size > 0 && (missingTexts.has(raw) || missingTexts.has(raw.trim()))) return missing;
      if (raw.trim() === '' && type !== 'string') return missing;
      if (raw === '') return missing;
      parsed = parseText(type, raw);
    } else if (typeof raw === 'number' || typeof raw === 'boolean') {
      parsed = coerce(type, raw);
    } else {
      throw new RowError(row, mf.name, expected, typeof raw);
    }
    if (parsed === undefined || parsed === null) return invalid(raw, row, undefined);
    if (missingKeys !== undefined && missingKeys.size > 0 && missingKeys.has(categoryKey(parsed))) return missing;
    if (checkValid && !isValidValue(data, parsed)) {
      // Space-padded categories match a request that leaves the padding out.
      const padded = typeof parsed === 'string' ? data.trimmedValid.get(parsed.trim()) : undefined;
      if (padded === undefined) return invalid(raw, row, parsed);
      parsed = padded;
    }
    return outliers === undefined ? parsed : outliers(parsed);
  };
}
