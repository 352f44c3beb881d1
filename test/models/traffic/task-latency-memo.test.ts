/**
 * The task-latency memo (an open-addressing table on (per-task rate, targets)) returns what a fresh
 * `taskLatency` call gives, the same object for the same pair and a different one for a different pair,
 * through its growth and its reset at the size limit; checked against a Map reference.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Lognormal } from "../../../src/models/latency/distributions.js";
import { fluidTaskModel, TaskLatencyMemo } from "../../../src/models/traffic/fluid.js";
import {
  fluidLatencyCaveat,
  newTaskLatency,
  taskLatency,
} from "../../../src/models/traffic/fluid-latency.js";

const model = fluidTaskModel(
  {
    cpuPerRequestMs: 25,
    service: new Lognormal(60, 1),
    concurrency: 64,
    memoryBaselineMiB: 512,
    memoryPerInFlightMiB: 1,
    timeoutMs: 10_000,
    cpuIdle: 0,
  },
  { vcpu: 1 },
);

describe("TaskLatencyMemo", () => {
  it("remembers by (rate, targets) like a Map, with taskLatency's values (property, counted)", () => {
    let cases = 0;
    let lookups = 0;
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            rate: fc.oneof(
              fc.integer({ min: 0, max: 400 }).map((c) => c / 7),
              fc.double({ min: 0, max: 35, noNaN: true }),
            ),
            targets: fc.integer({ min: 1, max: 40 }),
          }),
          { minLength: 2500, maxLength: 5000 },
        ),
        (calls) => {
          const memo = new TaskLatencyMemo(model);
          const ref = new Map<string, object>();
          const seen = new Set<object>();
          const fresh = newTaskLatency();
          for (const { rate, targets } of calls) {
            const got = memo.get(rate, targets);
            const k = `${rate}|${targets}`;
            const before = ref.get(k);
            if (before !== undefined) expect(got).toBe(before);
            else {
              expect(seen.has(got)).toBe(false);
              seen.add(got);
              ref.set(k, got);
              taskLatency(model, rate, targets, fresh);
              expect([got.scale, got.pWait, got.waitMeanMs]).toEqual([
                fresh.scale,
                fresh.pWait,
                fresh.waitMeanMs,
              ]);
              expect(got.stretch === null ? null : [...got.stretch]).toEqual(
                fresh.stretched ? [...fresh.stretch] : null,
              );
              expect(got.caveat).toBe(fluidLatencyCaveat(model, rate));
            }
            lookups++;
          }
          cases++;
        },
      ),
      { numRuns: 8, seed: 7 },
    );
    expect(cases).toBe(8);
    expect(lookups).toBeGreaterThan(20_000);
  });

  it("is one per task model for the process: equal models by value share it", () => {
    const again = fluidTaskModel(
      {
        cpuPerRequestMs: 25,
        service: new Lognormal(60, 1),
        concurrency: 64,
        memoryBaselineMiB: 256,
        memoryPerInFlightMiB: 2,
        timeoutMs: 5_000,
        cpuIdle: 0.1,
      },
      { vcpu: 1 },
    );
    const other = fluidTaskModel(
      {
        cpuPerRequestMs: 25,
        service: new Lognormal(60, 1),
        concurrency: 32,
        memoryBaselineMiB: 512,
        memoryPerInFlightMiB: 1,
        timeoutMs: 10_000,
        cpuIdle: 0,
      },
      { vcpu: 1 },
    );
    // Memory, timeout and idle CPU are not inputs of the task latency; the concurrency is.
    expect(TaskLatencyMemo.for(again)).toBe(TaskLatencyMemo.for(model));
    expect(TaskLatencyMemo.for(other)).not.toBe(TaskLatencyMemo.for(model));
    const r = TaskLatencyMemo.for(model).get(12.5, 3);
    expect(TaskLatencyMemo.for(again).get(12.5, 3)).toBe(r);
  });
});
