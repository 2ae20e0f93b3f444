// Scorecard: each Characteristic scores the first Attribute whose predicate is true (a partial
// score, or a ComplexPartialScore expression); the score is their sum plus initialScore. Reason
// codes rank the points each code lost against its baseline (pointsBelow) or gained
// (pointsAbove); only positive points count, ties go to the code that comes first in the file.
import type { CompileEnv, CompiledModel, Scope, Value } from '../model.js';
import { optionalNumberAttr, PmmlError } from '../fields.js';
import { miningTargets } from '../mining-schema.js';
import { predicateChild } from '../predicates.js';
import { parseNumber } from '../values.js';
import { child, childrenNamed, type XmlElement } from '../xml.js';

interface Attribute {
  readonly test: (scope: Scope) => boolean | undefined;
  readonly score: (scope: Scope) => number | null;
  /** Index of the attribute's reason code in the model's list of codes, or -1. */
  readonly code: number;
}

interface Characteristic {
  readonly attributes: readonly Attribute[];
  readonly baseline: number;
}

function toNumber(v: Value): number | null {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return parseNumber(v) ?? null;
  if (typeof v === 'boolean') return v ? 1 : 0;
  return null;
}

export function compileScorecard(el: XmlElement, env: CompileEnv): CompiledModel {
  const functionName = el.attrs['functionName'] ?? 'regression';
  const targets = miningTargets(el);
  const initialScore = optionalNumberAttr(el, 'initialScore') ?? 0;
  const useReasonCodes = el.attrs['useReasonCodes'] !== 'false';
  const pointsAbove = el.attrs['reasonCodeAlgorithm'] === 'pointsAbove';
  const modelBaseline = optionalNumberAttr(el, 'baselineScore');
  const codes: string[] = [];
  const codeIndex = (code: string | undefined): number => {
    if (code === undefined) return -1;
    let i = codes.indexOf(code);
    if (i < 0) i = codes.push(code) - 1;
    return i;
  };

  const characteristicsEl = child(el, 'Characteristics');
  if (characteristicsEl === undefined) throw new PmmlError('Scorecard has no Characteristics');
  const characteristics: Characteristic[] = childrenNamed(characteristicsEl, 'Characteristic').map((c) => {
    const name = c.attrs['name'] ?? '?';
    const ownCode = c.attrs['reasonCode'];
    codeIndex(ownCode);
    const baseline = optionalNumberAttr(c, 'baselineScore') ?? modelBaseline;
    if (useReasonCodes && baseline === undefined) throw new PmmlError(`characteristic "${name}" has no baselineScore, and the Scorecard none`);
    const attributes = childrenNamed(c, 'Attribute').map((a) => {
      const predicate = predicateChild(a);
      if (predicate === undefined) throw new PmmlError(`an Attribute of characteristic "${name}" has no predicate`);
      const complex = child(a, 'ComplexPartialScore');
      const expression = complex?.children[0];
      let score: (scope: Scope) => number | null;
      if (expression !== undefined) {
        const e = env.compileExpression(expression);
        score = (s) => toNumber(e(s));
      } else {
        const partial = optionalNumberAttr(a, 'partialScore');
        if (partial === undefined) throw new PmmlError(`an Attribute of characteristic "${name}" has no partial score`);
        score = () => partial;
      }
      const code = codeIndex(a.attrs['reasonCode'] ?? ownCode);
      return { test: env.compilePredicate(predicate), score, code };
    });
    return { attributes, baseline: baseline ?? 0 };
  });

  const points = new Float64Array(codes.length);
  return {
    functionName,
    targets,
    evaluate: (scope) => {
      let total = initialScore;
      points.fill(0);
      for (const c of characteristics) {
        const hit = c.attributes.find((a) => a.test(scope) === true);
        if (hit === undefined) return { value: null };
        const partial = hit.score(scope);
        if (partial === null) return { value: null };
        total += partial;
        if (useReasonCodes && hit.code >= 0) points[hit.code] = (points[hit.code] as number) + (pointsAbove ? partial - c.baseline : c.baseline - partial);
      }
      if (!useReasonCodes) return { value: total };
      const ranked = codes
        .map((code, i) => ({ code, p: points[i] as number, i }))
        .filter((r) => r.p > 0)
        .sort((a, b) => b.p - a.p || a.i - b.i)
        .map((r) => r.code);
      return { value: total, reasonCodes: ranked };
    },
  };
}
