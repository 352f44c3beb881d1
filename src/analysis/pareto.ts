import type { SweepRow } from "./sweep-input.js";

/** A variant meets the SLO as the sweep said, else by its share of requests within latency, else by p99 (SLO at p99 only). */
export function sweepMeetsSlo(r: SweepRow, slo: { latencyMs: number; percentile: number }): boolean {
  if (r.meetsSlo !== undefined) return r.meetsSlo;
  if (r.requestsWithinSlo !== undefined) return r.requestsWithinSlo >= slo.percentile / 100 - 1e-12;
  return slo.percentile === 99 && r.p99Ms <= slo.latencyMs;
}

/**
 * Pareto frontier of (cost, p99), both minimised: the points no other point beats on both. Sorted by
 * cost then p99 then id, so ties resolve the same way every time.
 */
export function paretoFrontier<T extends { id: string; cost: number; p99: number }>(
  points: readonly T[],
): T[] {
  const sorted = points
    .filter((p) => Number.isFinite(p.cost) && Number.isFinite(p.p99))
    .sort((a, b) => a.cost - b.cost || a.p99 - b.p99 || a.id.localeCompare(b.id));
  const out: T[] = [];
  let best = Number.POSITIVE_INFINITY;
  for (const p of sorted) {
    if (p.p99 < best) {
      out.push(p);
      best = p.p99;
    }
  }
  return out;
}

/** Path segments of a sweep parameter: `platforms.fargate.scalingPolicies[0].X` → [platforms, fargate, scalingPolicies[0], X]. */
function segments(path: string): string[] {
  return path.split(".");
}

/**
 * Shortest readable name per parameter path: the last segment, lengthened from the right until no two
 * paths share it (`TargetValue`, `task.cpu`).
 */
export function shortParamNames(paths: readonly string[]): Record<string, string> {
  const unique = [...new Set(paths)].sort();
  const out: Record<string, string> = {};
  for (const p of unique) {
    const segs = segments(p);
    let n = 1;
    const name = () => segs.slice(-n).join(".");
    while (n < segs.length && unique.some((q) => q !== p && segments(q).slice(-n).join(".") === name())) n++;
    out[p] = name();
  }
  return out;
}

/** `TargetValue=60, cpu=512` */
export function paramsText(params: Record<string, unknown>, names: Record<string, string>): string {
  return Object.entries(params)
    .map(([k, v]) => `${names[k] ?? k}=${JSON.stringify(v)}`)
    .join(", ");
}
