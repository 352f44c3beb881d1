/**
 * A sweep's traces are read once, on the main thread, and shared with every worker: the series of each
 * distinct trace (windowed, before the traffic multiplier, which variants often vary) is copied into
 * SharedArrayBuffers, so handing it to a worker with each task copies no samples, and no worker parses
 * the file again. The multiplier is applied in the worker (`scaleShared`), exactly as `loadTraffic`
 * applies it last, so a run gets the same series wherever it runs.
 */
import { isInputError } from "../errors.js";
import { fromObject } from "../scenario/load.js";
import { scenarioTraffic } from "../simulate.js";
import { loadTraffic, type RateSeries, scale, type TrafficSpec } from "../trace/index.js";
import { canonicalJson } from "./path.js";
import type { SweepPlan } from "./plan.js";

/** The same series with its sample arrays in shared memory (structured clone then shares, not copies). */
export function shareSeries(series: RateSeries): RateSeries {
  const shared = (a: Float64Array | undefined): Float64Array | undefined => {
    if (a === undefined) return undefined;
    const out = new Float64Array(new SharedArrayBuffer(a.byteLength));
    out.set(a);
    return out;
  };
  return {
    ...series,
    counts: shared(series.counts)!,
    requestTimesMs: shared(series.requestTimesMs),
    requestServiceMs: shared(series.requestServiceMs),
  };
}

/** What a variant's unscaled traffic depends on: its traffic block less the multiplier, and its duration. */
function trafficKey(scenario: Record<string, unknown>): string | undefined {
  const traffic = scenario.traffic;
  if (typeof traffic !== "object" || traffic === null) return undefined;
  const { multiplier: _multiplier, ...rest } = traffic as Record<string, unknown>;
  // Synthetic shapes draw from the run's seed: those stay in the worker.
  if (rest.synthetic !== undefined || rest.trace === undefined) return undefined;
  return canonicalJson({ traffic: rest, duration: scenario.duration ?? null });
}

/** The spec `loadTraffic` is given for a run, without the multiplier. */
export function unscaledSpec(spec: TrafficSpec): TrafficSpec {
  return { ...spec, multiplier: undefined };
}

/** The run's series from its unscaled one: `loadTraffic` applies the multiplier last, and so does this. */
export function scaleShared(unscaled: RateSeries, spec: TrafficSpec, path = "traffic"): RateSeries {
  return spec.multiplier === undefined ? unscaled : scale(unscaled, spec.multiplier, `${path}.multiplier`);
}

/**
 * Load each distinct trace of the given variants once and share it; returns the shared series by variant
 * index. A variant whose trace cannot be read here is left out: its worker reads it and records the error
 * as it always has.
 */
export async function loadSharedTraffic(
  plan: SweepPlan,
  variants: Iterable<number>,
): Promise<Map<number, RateSeries>> {
  const byKey = new Map<string, Promise<RateSeries | undefined>>();
  const out = new Map<number, RateSeries>();
  for (const v of new Set(variants)) {
    const raw = plan.scenarios[v];
    const key = trafficKey(raw);
    if (key === undefined) continue;
    let hit = byKey.get(key);
    if (!hit) {
      hit = loadUnscaled(raw, plan);
      byKey.set(key, hit);
    }
    const series = await hit;
    if (series) out.set(v, series);
  }
  return out;
}

async function loadUnscaled(raw: Record<string, unknown>, plan: SweepPlan): Promise<RateSeries | undefined> {
  try {
    const scenario = fromObject(raw, { file: plan.baseFile, baseDir: plan.baseDir });
    const { spec, options } = scenarioTraffic(scenario, scenario.seed);
    return shareSeries(await loadTraffic(unscaledSpec(spec), options));
  } catch (e) {
    if (isInputError(e)) return undefined;
    throw e;
  }
}
