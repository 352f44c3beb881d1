import { describe, expect, it } from "vitest";
import { parseScenario } from "../../src/scenario/load.js";
import { simulateSeries } from "../../src/simulate.js";
import type { RateSeries } from "../../src/trace/series.js";

/** A per-request trace of `n` requests evenly spread over `spanMs` (1-s bins, as readRequestsCsv makes). */
function requestTrace(n: number, spanMs: number): RateSeries {
  const times = new Float64Array(n);
  for (let i = 0; i < n; i++) times[i] = Math.floor((i * spanMs) / n);
  const counts = new Float64Array(Math.floor(times[n - 1] / 1000) + 1);
  for (const t of times) counts[Math.floor(t / 1000)]++;
  return { startMs: 0, stepMs: 1000, counts, requestTimesMs: times, source: "test", notes: [] };
}

const scenario = (mode: string) =>
  parseScenario(
    `
name: trace-end
seed: 1
engine: { mode: ${mode} }
traffic:
  synthetic: { shape: constant, rate: 1 }
workload:
  cpuPerRequest: 25ms
  serviceTime: { distribution: lognormal, mean: 60ms, cv: 1.0 }
  concurrency: 64
  memory: { baseline: 512MiB, perInFlight: 1MiB }
  timeout: 10s
slo: { latency: 250ms, percentile: 99 }
platforms:
  f:
    kind: ecs-fargate
    task: { cpu: 1024, memory: 2048 }
    service: { desiredCount: 2, minCapacity: 2, maxCapacity: 2 }
`,
    "trace-end.yaml",
  );

describe("a per-request trace keeps its end", () => {
  // The shape of the Azure LLM trace: 58 min 22 s of requests; the run used to stop at 58:00 and
  // lose the last 22 s. Every request of the trace arrives, and the header's total is the summary's.
  it.each(["request", "fluid"])("%s mode: all 3,500 requests over 58 min 22 s arrive", (mode) => {
    const series = requestTrace(3_500, (58 * 60 + 22) * 1000);
    const r = simulateSeries(scenario(mode), series);
    expect(r.traffic.totalRequests).toBe(3_500);
    const q = r.platforms[0].requests;
    expect(q.arrived).toBeCloseTo(3_500, 6);
    expect(q.served + q.dropped + q.timedOut + q.inFlightAtEnd).toBeCloseTo(3_500, 6);
    // The run covers the partial last minute: 59 minutes.
    expect(r.durationMs).toBe(59 * 60_000);
  });
});
