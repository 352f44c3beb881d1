import { meetsSlo } from "./compare.js";
import type { PlatformSummary } from "./summary.js";

/**
 * "What would break it": the traffic growth at which a platform stops meeting the SLO, found by running
 * the scenario again with the trace's multiplier scaled (same shape, more requests) and bisecting.
 * This module holds the search and the reading of each run; running the scenario is the caller's
 * (src/studies/growth.ts), so analysis never runs a simulation.
 */

export interface GrowthProbe {
  multiplier: number;
  meetsSlo: boolean;
  p99Ms: number;
  requestsWithinSlo: number;
  maxTasks: number;
  failedRequests: number;
}

export interface GrowthResult {
  platform: string;
  /** Largest multiplier probed that meets the SLO (undefined: none did). */
  holdsUpTo: number | undefined;
  /** Smallest multiplier probed that misses it (undefined: none up to maxMultiplier did). */
  failsAt: number | undefined;
  maxMultiplier: number;
  /** Why it fails at `failsAt`, in words. */
  breaks: string;
  probes: GrowthProbe[];
}

export interface GrowthOptions {
  /** Stop searching upwards here. */
  maxMultiplier?: number;
  /** Bisect until failsAt / holdsUpTo − 1 is below this. */
  relativeTolerance?: number;
}

/** The growth steps tried before bisecting: coarse first, so a robust service costs few runs. */
const LADDER = [1.25, 1.5, 2, 3, 4, 6, 8, 12, 16];

/** Runs the scenario with its traffic multiplied by `multiplier` and reads the platform's result. */
export type GrowthProbeRun = (multiplier: number) => Promise<GrowthProbe>;

/** What one run at `multiplier` says about the platform. */
export function growthProbe(multiplier: number, p: PlatformSummary): GrowthProbe {
  return {
    multiplier,
    meetsSlo: meetsSlo(p),
    p99Ms: p.latencyMs.p99,
    requestsWithinSlo: p.slo.requestsWithinLatency,
    maxTasks: p.capacity.max,
    // Both parts are rounded to 3 decimals; so is their sum (no 28804.438000000002 in growth.json).
    failedRequests: Math.round((p.requests.dropped + p.requests.timedOut) * 1000) / 1000,
  };
}

/**
 * The ladder-then-bisect search for the growth at which `platform` stops meeting the SLO; each
 * multiplier is run at most once.
 */
export async function searchBreakingMultiplier(
  platform: string,
  maxCapacity: number | undefined,
  run: GrowthProbeRun,
  options: GrowthOptions = {},
): Promise<GrowthResult> {
  const maxMultiplier = options.maxMultiplier ?? 8;
  const tol = options.relativeTolerance ?? 0.02;
  const probes: GrowthProbe[] = [];
  const cache = new Map<number, GrowthProbe>();
  const probe = async (m: number): Promise<GrowthProbe> => {
    const hit = cache.get(m);
    if (hit) return hit;
    const out = await run(m);
    cache.set(m, out);
    probes.push(out);
    return out;
  };

  let lo: number | undefined;
  let hi: number | undefined;
  if ((await probe(1)).meetsSlo) {
    lo = 1;
    for (const m of LADDER.filter((v) => v <= maxMultiplier)) {
      if ((await probe(m)).meetsSlo) lo = m;
      else {
        hi = m;
        break;
      }
    }
  } else {
    hi = 1;
    for (const m of [0.75, 0.5, 0.25]) {
      if ((await probe(m)).meetsSlo) {
        lo = m;
        break;
      }
      hi = m;
    }
  }
  if (lo !== undefined && hi !== undefined) {
    let [a, b] = [lo, hi];
    while (b / a - 1 > tol) {
      // Round the midpoint to 3 decimals so probes (and the report) carry readable multipliers.
      const mid: number = Math.round(((a + b) / 2) * 1000) / 1000;
      if (mid <= a || mid >= b) break;
      if ((await probe(mid)).meetsSlo) a = mid;
      else b = mid;
    }
    [lo, hi] = [a, b];
  }
  probes.sort((a, b) => a.multiplier - b.multiplier);
  const at = hi !== undefined ? cache.get(hi) : undefined;
  return {
    platform,
    holdsUpTo: lo,
    failsAt: hi,
    maxMultiplier,
    breaks: at ? whyItBreaks(at, maxCapacity) : "",
    probes,
  };
}

function whyItBreaks(p: GrowthProbe, maxCapacity: number | undefined): string {
  const share = `${(p.requestsWithinSlo * 100).toFixed(2)}% of requests within the SLO latency, p99 ${p.p99Ms.toFixed(0)} ms`;
  if (maxCapacity !== undefined && p.maxTasks >= maxCapacity) {
    return `the service runs into its maxCapacity of ${maxCapacity} tasks (${share})`;
  }
  if (p.failedRequests > 0) {
    return `${Math.round(p.failedRequests).toLocaleString("en-US")} requests are dropped or time out (${share})`;
  }
  return `scaling does not keep up although it peaks at ${p.maxTasks} tasks${maxCapacity !== undefined ? ` of ${maxCapacity} allowed` : ""} (${share})`;
}
