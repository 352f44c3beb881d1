/**
 * Ranking: Pareto frontiers (no other candidate is at least as good on every objective and better on one)
 * and the cheapest candidate that meets the SLO. Pure functions over plain points; ties keep input order.
 */

/** Objectives to minimise, one array per candidate. */
export type Point = readonly number[];

/** a dominates b: no worse on every objective, better on at least one. */
export function dominates(a: Point, b: Point): boolean {
  let better = false;
  for (let k = 0; k < a.length; k++) {
    if (a[k] > b[k]) return false;
    if (a[k] < b[k]) better = true;
  }
  return better;
}

/** Indices of the non-dominated points, ascending. Two objectives: one sort and a sweep, O(n log n). */
export function paretoFront(points: readonly Point[]): number[] {
  if (points.length === 0) return [];
  if (points[0].length === 2) return paretoFront2(points);
  const out: number[] = [];
  for (let i = 0; i < points.length; i++) {
    let dominated = false;
    for (let j = 0; j < points.length && !dominated; j++)
      dominated = j !== i && dominates(points[j], points[i]);
    if (!dominated) out.push(i);
  }
  return out;
}

function paretoFront2(points: readonly Point[]): number[] {
  const order = points
    .map((_, i) => i)
    .sort((a, b) => points[a][0] - points[b][0] || points[a][1] - points[b][1] || a - b);
  const out: number[] = [];
  let bestY = Number.POSITIVE_INFINITY;
  let k = 0;
  while (k < order.length) {
    // Points with equal x: the ones with the group's lowest y survive if that y beats every cheaper point.
    let end = k;
    while (end < order.length && points[order[end]][0] === points[order[k]][0]) end++;
    const groupY = points[order[k]][1];
    if (groupY < bestY) {
      for (let m = k; m < end && points[order[m]][1] === groupY; m++) out.push(order[m]);
      bestY = groupY;
    }
    k = end;
  }
  return out.sort((a, b) => a - b);
}

/** Index of the cheapest point among `eligible` (cost, then p99, then input order), or -1. */
export function cheapest(
  costs: readonly number[],
  p99s: readonly number[],
  eligible: readonly boolean[],
): number {
  let best = -1;
  for (let i = 0; i < costs.length; i++) {
    if (!eligible[i]) continue;
    if (best < 0 || costs[i] < costs[best] || (costs[i] === costs[best] && p99s[i] < p99s[best])) best = i;
  }
  return best;
}
