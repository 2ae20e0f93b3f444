// The winner of a category measure (probabilities, votes, confidences).

/** The category with the highest measure; the first one on ties. */
export function argMax(m: ReadonlyMap<string, number>): string | undefined {
  let best: string | undefined;
  let bestValue = -Infinity;
  for (const [k, v] of m) {
    if (v > bestValue) {
      best = k;
      bestValue = v;
    }
  }
  return best;
}
