// What each XGBoost objective means at prediction time: the link that turns base_score (kept in
// output space, e.g. a probability) into a margin, and the transform that Booster.predict()
// applies to the margin by default.

/** How a margin becomes the predicted value. softmax and argmax work on a row's whole margin vector. */
export type Transform = 'identity' | 'sigmoid' | 'exp' | 'hinge' | 'softmax' | 'argmax';

export interface Objective {
  readonly name: string;
  /** base_score (output space) → margin, in float32 like XGBoost's ProbToMargin. */
  readonly link: (score: number) => number;
  readonly transform: Transform;
}

const identity = (x: number): number => Math.fround(x);
const logit = (p: number): number => Math.fround(-Math.log(1 / p - 1));
const log = (p: number): number => Math.fround(Math.log(p));

const OBJECTIVES: Readonly<Record<string, Omit<Objective, 'name'>>> = {
  'reg:squarederror': { link: identity, transform: 'identity' },
  'reg:linear': { link: identity, transform: 'identity' },
  'reg:squaredlogerror': { link: identity, transform: 'identity' },
  'reg:pseudohubererror': { link: identity, transform: 'identity' },
  'reg:absoluteerror': { link: identity, transform: 'identity' },
  'reg:quantileerror': { link: identity, transform: 'identity' },
  'reg:expectileerror': { link: identity, transform: 'identity' },
  'reg:logistic': { link: logit, transform: 'sigmoid' },
  'binary:logistic': { link: logit, transform: 'sigmoid' },
  // Unlike binary:logistic, logitraw keeps base_score as a margin (checked against XGBoost 1.7).
  'binary:logitraw': { link: identity, transform: 'identity' },
  'binary:hinge': { link: identity, transform: 'hinge' },
  'count:poisson': { link: log, transform: 'exp' },
  'reg:gamma': { link: log, transform: 'exp' },
  'reg:tweedie': { link: log, transform: 'exp' },
  'survival:cox': { link: log, transform: 'exp' },
  'survival:aft': { link: log, transform: 'exp' },
  'multi:softprob': { link: identity, transform: 'softmax' },
  'multi:softmax': { link: identity, transform: 'argmax' },
  'rank:pairwise': { link: identity, transform: 'identity' },
  'rank:ndcg': { link: identity, transform: 'identity' },
  'rank:map': { link: identity, transform: 'identity' },
};

/** The objective's prediction rules, or undefined when XGBoost has no such objective (or we do not know it). */
export function findObjective(name: string): Objective | undefined {
  const o = Object.hasOwn(OBJECTIVES, name) ? OBJECTIVES[name] : undefined;
  return o === undefined ? undefined : { name, ...o };
}

export const SUPPORTED_OBJECTIVES: readonly string[] = Object.keys(OBJECTIVES);

/** A scalar transform of one margin (every transform except softmax and argmax). */
export function transformScalar(transform: Transform, margin: number): number {
  switch (transform) {
    case 'sigmoid':
      return Math.fround(1 / (1 + Math.exp(-margin)));
    case 'exp':
      return Math.fround(Math.exp(margin));
    case 'hinge':
      return margin > 0 ? 1 : 0;
    default:
      return margin;
  }
}

/** softmax over margins[from, from + k), written to out[0, k), computed like XGBoost (max subtracted). */
export function softmax(margins: ArrayLike<number>, from: number, k: number, out: number[]): void {
  let max = -Infinity;
  for (let j = 0; j < k; j++) max = Math.max(max, margins[from + j] ?? 0);
  let sum = 0;
  for (let j = 0; j < k; j++) {
    const e = Math.exp((margins[from + j] ?? 0) - max);
    out[j] = e;
    sum += e;
  }
  for (let j = 0; j < k; j++) out[j] = Math.fround((out[j] ?? 0) / sum);
}

/** Index of the first largest margin in margins[from, from + k), as multi:softmax reports the class. */
export function argmax(margins: ArrayLike<number>, from: number, k: number): number {
  let best = 0;
  let bestValue = margins[from] ?? 0;
  for (let j = 1; j < k; j++) {
    const v = margins[from + j] ?? 0;
    if (v > bestValue) {
      best = j;
      bestValue = v;
    }
  }
  return best;
}
