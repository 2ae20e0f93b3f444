// The objective line of a model decides how raw scores become what Booster.predict() returns
// (ObjectiveFunction::ConvertOutput in LightGBM). Each link repeats LightGBM's arithmetic
// step for step, with glibc's exp, so the results agree to the last bit.
import { exp } from './exp.js';
import { FormatError } from './format-error.js';
import { parseDecimal, parseInteger } from './numbers.js';

export type Link =
  | { readonly kind: 'identity' }
  /** regression objectives written with "sqrt" (reg_sqrt): sign(x)·x². */
  | { readonly kind: 'signed-square' }
  | { readonly kind: 'exp' }
  | { readonly kind: 'sigmoid'; readonly sigmoid: number }
  | { readonly kind: 'log1p-exp' }
  | { readonly kind: 'softmax' }
  | { readonly kind: 'ova-sigmoid'; readonly sigmoid: number };

export interface Objective {
  /** The canonical objective name ("binary", "multiclass", ...; "custom" when the file has none). */
  readonly name: string;
  readonly link: Link;
}

const ALIASES: Readonly<Record<string, string>> = {
  regression_l2: 'regression', l2: 'regression', mean_squared_error: 'regression', mse: 'regression',
  l2_root: 'regression', root_mean_squared_error: 'regression', rmse: 'regression',
  l1: 'regression_l1', mean_absolute_error: 'regression_l1', mae: 'regression_l1',
  mean_absolute_percentage_error: 'mape',
  softmax: 'multiclass', multiclass_ova: 'multiclassova', ova: 'multiclassova', ovr: 'multiclassova',
  xentropy: 'cross_entropy', xentlambda: 'cross_entropy_lambda',
  xendcg: 'rank_xendcg', xe_ndcg: 'rank_xendcg', xe_ndcg_mart: 'rank_xendcg', xendcg_mart: 'rank_xendcg',
};

const REGRESSION = new Set(['regression', 'regression_l1', 'huber', 'fair', 'quantile', 'mape']);
const LOG_LINK = new Set(['poisson', 'gamma', 'tweedie']);
const RANKING = new Set(['lambdarank', 'rank_xendcg']);

/** Reads an objective line such as "binary sigmoid:1" or "multiclass num_class:3"; numClass
 * is the header's and must agree with a multiclass objective's. */
export function parseObjective(line: string | undefined, numClass: number): Objective {
  if (line === undefined) return { name: 'custom', link: { kind: 'identity' } };
  const [first = '', ...rest] = line.split(/\s+/).filter((t) => t !== '');
  const name = ALIASES[first] ?? first;
  const params = new Map<string, string>();
  for (const token of rest) {
    const colon = token.indexOf(':');
    params.set(colon < 0 ? token : token.slice(0, colon), colon < 0 ? '' : token.slice(colon + 1));
  }
  if (REGRESSION.has(name)) return { name, link: params.has('sqrt') ? { kind: 'signed-square' } : { kind: 'identity' } };
  if (LOG_LINK.has(name)) return { name, link: { kind: 'exp' } };
  if (RANKING.has(name) || name === 'custom') return { name, link: { kind: 'identity' } };
  switch (name) {
    case 'binary':
      return { name, link: { kind: 'sigmoid', sigmoid: sigmoidOf(line, params) } };
    case 'cross_entropy':
      return { name, link: { kind: 'sigmoid', sigmoid: 1 } };
    case 'cross_entropy_lambda':
      return { name, link: { kind: 'log1p-exp' } };
    case 'multiclass':
      checkClasses(line, params, numClass);
      return { name, link: { kind: 'softmax' } };
    case 'multiclassova':
      checkClasses(line, params, numClass);
      return { name, link: { kind: 'ova-sigmoid', sigmoid: sigmoidOf(line, params) } };
    default:
      throw new FormatError(`unknown objective '${line}'`);
  }
}

function sigmoidOf(line: string, params: ReadonlyMap<string, string>): number {
  const text = params.get('sigmoid');
  const v = text === undefined ? undefined : parseDecimal(text);
  if (v === undefined || !(v > 0) || !Number.isFinite(v)) {
    throw new FormatError(`objective '${line}' needs a sigmoid:<value> greater than zero`);
  }
  return v;
}

function checkClasses(line: string, params: ReadonlyMap<string, string>, numClass: number): void {
  const text = params.get('num_class');
  if (text !== undefined && parseInteger(text) !== numClass) {
    throw new FormatError(`objective '${line}' disagrees with num_class=${numClass}`);
  }
}

/** Applies the link to scores[offset .. offset + k) in place. */
export function applyLink(link: Link, scores: Float64Array, offset: number, k: number): void {
  switch (link.kind) {
    case 'identity':
      return;
    case 'signed-square':
      for (let c = offset; c < offset + k; c++) {
        const x = scores[c]!;
        scores[c] = Math.sign(x) * x * x;
      }
      return;
    case 'exp':
      for (let c = offset; c < offset + k; c++) scores[c] = exp(scores[c]!);
      return;
    case 'sigmoid':
    case 'ova-sigmoid':
      for (let c = offset; c < offset + k; c++) scores[c] = 1 / (1 + exp(-link.sigmoid * scores[c]!));
      return;
    case 'log1p-exp':
      for (let c = offset; c < offset + k; c++) scores[c] = Math.log1p(exp(scores[c]!));
      return;
    case 'softmax':
      softmax(scores, offset, k);
      return;
  }
}

/** Common::Softmax: subtract the maximum, exponentiate, divide by the sum. */
function softmax(scores: Float64Array, offset: number, k: number): void {
  let max = scores[offset]!;
  for (let c = offset + 1; c < offset + k; c++) max = Math.max(scores[c]!, max);
  let sum = 0;
  for (let c = offset; c < offset + k; c++) {
    const e = exp(scores[c]! - max);
    scores[c] = e;
    sum += e;
  }
  for (let c = offset; c < offset + k; c++) scores[c] = scores[c]! / sum;
}
