// DataDictionary fields: dataType, optype, the declared valid / invalid / missing values and the
// valid intervals, parsed once so that a request value is checked with set lookups.
import type { Value } from './model.js';
import { categoryKey, isDataType, parseNumber, parseText, toNumber, type DataType } from './values.js';
import { childrenNamed, type XmlElement } from './xml.js';

export type Optype = 'categorical' | 'ordinal' | 'continuous';

export interface Interval {
  readonly left: number;
  readonly right: number;
  readonly closedLeft: boolean;
  readonly closedRight: boolean;
}

/** A field any expression or model can see: data, derived or output field. */
export interface FieldDef {
  readonly name: string;
  readonly dataType: DataType;
  readonly optype: Optype;
  /** Declared valid values as written in the file (categories in model order). */
  readonly values: readonly string[];
}

/** A DataDictionary field with what decides whether a value is valid or missing. */
export interface DataField extends FieldDef {
  /** Valid values parsed per dataType. */
  readonly validValues: readonly Exclude<Value, null>[];
  readonly validKeys: ReadonlySet<string>;
  /** Valid values by their trimmed text, for requests that leave out the padding of space-padded categories. */
  readonly trimmedValid: ReadonlyMap<string, Exclude<Value, null>>;
  readonly invalidKeys: ReadonlySet<string>;
  /** Values that mean missing, as text (compared before parsing) and as canonical keys. */
  readonly missingTexts: ReadonlySet<string>;
  readonly missingKeys: ReadonlySet<string>;
  readonly intervals: readonly Interval[];
  /** displayValue per category key. */
  readonly displayValues: ReadonlyMap<string, string>;
}

export class PmmlError extends Error {
  override readonly name = 'PmmlError';
}

export function dataTypeOf(el: XmlElement, fallback?: DataType): DataType {
  const t = el.attrs['dataType'];
  if (t === undefined) {
    if (fallback !== undefined) return fallback;
    throw new PmmlError(`${el.name} "${el.attrs['name'] ?? ''}" has no dataType`);
  }
  if (!isDataType(t)) throw new PmmlError(`${el.name} "${el.attrs['name'] ?? ''}" has unknown dataType "${t}"`);
  return t;
}

export function optypeOf(el: XmlElement, dataType: DataType): Optype {
  const o = el.attrs['optype'];
  if (o === 'categorical' || o === 'ordinal' || o === 'continuous') return o;
  if (o !== undefined) throw new PmmlError(`${el.name} "${el.attrs['name'] ?? ''}" has unknown optype "${o}"`);
  return dataType === 'string' || dataType === 'boolean' ? 'categorical' : 'continuous';
}

/** The number in attribute `attr`, undefined when it is absent; `owner` names the element in errors. */
export function optionalNumberAttr(el: XmlElement, attr: string, owner: string = el.name): number | undefined {
  const text = el.attrs[attr];
  if (text === undefined) return undefined;
  const n = parseNumber(text);
  if (n === undefined) throw new PmmlError(`${owner} has a non-numeric ${attr} "${text}"`);
  return n;
}

/** The number in attribute `attr`, `fallback` when it is absent. */
export function numberAttr(el: XmlElement, attr: string, fallback: number): number {
  return optionalNumberAttr(el, attr) ?? fallback;
}

/** The number in attribute `attr`, which must be there. */
export function requiredNumberAttr(el: XmlElement, attr: string, owner: string = el.name): number {
  const n = optionalNumberAttr(el, attr, owner);
  if (n === undefined) throw new PmmlError(`${owner} has no ${attr}`);
  return n;
}

export function parseInterval(el: XmlElement): Interval {
  const closure = el.attrs['closure'] ?? 'closedClosed';
  return {
    left: numberAttr(el, 'leftMargin', -Infinity),
    right: numberAttr(el, 'rightMargin', Infinity),
    closedLeft: closure.startsWith('closed'),
    closedRight: closure.endsWith('Closed'),
  };
}

export function inInterval(iv: Interval, x: number): boolean {
  const aboveLeft = iv.closedLeft ? x >= iv.left : x > iv.left;
  const belowRight = iv.closedRight ? x <= iv.right : x < iv.right;
  return aboveLeft && belowRight;
}

export function parseDataField(el: XmlElement): DataField {
  const name = el.attrs['name'];
  if (name === undefined) throw new PmmlError('a DataField has no name');
  const dataType = dataTypeOf(el);
  const optype = optypeOf(el, dataType);
  const values: string[] = [];
  const validValues: Exclude<Value, null>[] = [];
  const validKeys = new Set<string>();
  const trimmedValid = new Map<string, Exclude<Value, null>>();
  const invalidKeys = new Set<string>();
  const missingTexts = new Set<string>();
  const missingKeys = new Set<string>();
  const displayValues = new Map<string, string>();
  for (const v of childrenNamed(el, 'Value')) {
    const text = v.attrs['value'] ?? '';
    const parsed = parseText(dataType, text);
    const key = parsed === undefined || parsed === null ? text : categoryKey(parsed);
    const display = v.attrs['displayValue'];
    if (display !== undefined) displayValues.set(key, display);
    switch (v.attrs['property'] ?? 'valid') {
      case 'valid':
        if (parsed === undefined || parsed === null) throw new PmmlError(`DataField "${name}" declares value "${text}" that is not a ${dataType}`);
        values.push(text);
        validValues.push(parsed);
        validKeys.add(key);
        if (typeof parsed === 'string') trimmedValid.set(parsed.trim(), parsed);
        break;
      case 'invalid':
        invalidKeys.add(key);
        break;
      case 'missing':
        missingTexts.add(text);
        missingTexts.add(text.trim());
        missingKeys.add(key);
        break;
      default:
        throw new PmmlError(`DataField "${name}" has a Value with unknown property "${v.attrs['property']}"`);
    }
  }
  const intervals = childrenNamed(el, 'Interval').map(parseInterval);
  return { name, dataType, optype, values, validValues, validKeys, trimmedValid, invalidKeys, missingTexts, missingKeys, intervals, displayValues };
}

/** Whether a present value is valid for a DataDictionary field (declared values and intervals). */
export function isValidValue(f: DataField, v: Exclude<Value, null>): boolean {
  const categorical = f.optype !== 'continuous' && f.validKeys.size > 0;
  if (f.invalidKeys.size > 0 || categorical) {
    const key = categoryKey(v);
    if (f.invalidKeys.has(key)) return false;
    if (categorical) return f.validKeys.has(key);
  }
  if (f.intervals.length > 0) {
    const x = typeof v === 'number' ? v : toNumber(v);
    return x !== undefined && f.intervals.some((iv) => inInterval(iv, x));
  }
  return true;
}
