// The contract between the tabular runner (request parsing, batching, signature) and the
// tree and PMML evaluators. An evaluator is built once from the model file; predict() runs
// per request (or per merged batch) on rows of raw values.

/** One input value as the request gave it: a JSON scalar, CSV cell text, or null when missing
 * (JSON null, an absent key, an empty CSV cell). */
export type RawValue = number | string | boolean | null;

export type InputType = 'number' | 'integer' | 'boolean' | 'category' | 'string';

export interface InputField {
  readonly name: string;
  readonly type: InputType;
  /** The accepted values of a categorical input, when the model lists them. */
  readonly values?: readonly (string | number | boolean)[];
}

export interface OutputField {
  readonly name: string;
  /** JSON form of the value: "number", "string", "number[]", "string[]", "object", ... */
  readonly type: string;
  readonly description?: string;
}

export interface TabularModel {
  readonly processor: 'xgboost' | 'lightgbm' | 'pmml';
  /** Inputs in the model's own feature order: positional rows follow it. */
  readonly inputs: readonly InputField[];
  readonly outputs: readonly OutputField[];
  /** Facts for the signature (format, version, objective, number of trees, classes, ...). */
  readonly details: Readonly<Record<string, unknown>>;
  /**
   * Scores rows whose values are in `inputs` order; one result object per row. Each value is
   * converted and checked for every row before any row is scored, and a value the model cannot
   * take throws a RowError; nothing else is thrown for bad input.
   */
  predict(rows: readonly (readonly RawValue[])[]): Record<string, unknown>[];
}

/** A row value the model cannot take. `row` is the index in the rows given to predict(). */
export class RowError extends Error {
  readonly row: number;
  readonly field: string;
  readonly expected: string;
  /** The offending value as text, e.g. `"abc"` or `an object`. */
  readonly got: string;

  constructor(row: number, field: string, expected: string, got: string) {
    super(`row ${row}, field "${field}": expected ${expected}, got ${got}`);
    this.name = 'RowError';
    this.row = row;
    this.field = field;
    this.expected = expected;
    this.got = got;
  }
}

/** Why a model file cannot be used: names the file and the problem. */
export class ModelLoadError extends Error {
  constructor(file: string, problem: string) {
    super(`model file ${file}: ${problem}`);
    this.name = 'ModelLoadError';
  }
}
