import { LogHistogram } from "./histogram.js";
import type { LatencyStats } from "./recorder.js";

/**
 * Latencies of individual requests (request mode): one LogHistogram for the current minute, merged into
 * the run's histogram when the minute ends. Percentiles carry the histogram's bound: within 1 % relative
 * error of the exact order statistic (DDSketch mapping, see histogram.ts) for latencies from 0.01 ms to
 * 10⁷ ms. Mean, max and the count within the SLO are exact. Minute and run histograms use the same
 * options, so they merge with each other and with histograms from other tasks, windows or sweep shards.
 */
export class RequestLatencyRecorder {
  private readonly minute = new LogHistogram();
  readonly run = new LogHistogram();
  private mWithin = 0;
  private within = 0;

  constructor(readonly sloMs: number) {}

  /** One completed request. Hot path: no allocation. */
  record(latencyMs: number): void {
    this.minute.record(latencyMs, 1);
    if (latencyMs <= this.sloMs) this.mWithin++;
  }

  /** Statistics of the minute just ended; moves it into the run's histogram. */
  endMinute(): LatencyStats {
    const s = statsOf(this.minute, this.mWithin);
    this.run.merge(this.minute);
    this.within += this.mWithin;
    this.minute.reset();
    this.mWithin = 0;
    return s;
  }

  /** Statistics of every request recorded so far (including a partly recorded minute). */
  total(): LatencyStats {
    const h = this.run.clone().merge(this.minute);
    return statsOf(h, this.within + this.mWithin);
  }
}

/** Latency statistics of a histogram of recorded latencies (zeros when it is empty). */
export function statsOf(h: LogHistogram, within: number): LatencyStats {
  const n = h.count;
  if (n === 0) return { mean: 0, p50: 0, p90: 0, p95: 0, p99: 0, max: 0, withinSlo: 0, count: 0 };
  return {
    mean: h.mean,
    p50: h.quantile(0.5),
    p90: h.quantile(0.9),
    p95: h.quantile(0.95),
    p99: h.quantile(0.99),
    max: h.max,
    withinSlo: within,
    count: n,
  };
}
