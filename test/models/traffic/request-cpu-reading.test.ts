// Request mode's CPU counter read at any instant (issue 12, item 8): every reader (the HPA's metrics
// scraper every 15 s, the end-of-run summary) must see the CPU actually used up to that instant. Each
// completed request used exactly its CPU time and each request in flight some part of it, so at any
// instant   served × cpu ≤ cpuSecondsUsed ≤ (served + in flight) × cpu,   whatever the position inside
// the 20-s metric period (a reading that scales the open period by elapsed/20 s falls below this).
import { describe, expect, it } from "vitest";
import { Deterministic } from "../../../src/models/latency/distributions.js";
import { fixedService } from "./request-harness.js";

const CPU_MS = 10;

describe("request-mode CPU reading between 20-s period boundaries", () => {
  for (const model of ["processor-sharing", "worker-pool"] as const) {
    it(`${model}: 150 req/s × 10 ms on 3 tasks, read every 1.3 s for 2 min, lies between served and served + in flight`, () => {
      const { sim, traffic } = fixedService({
        seed: 11,
        lambda: 150,
        service: new Deterministic(CPU_MS),
        cpuPerRequestMs: CPU_MS,
        concurrency: 64,
        model,
        tasks: 3,
        durationMs: 130_000,
      });
      let cases = 0;
      for (let t = 1300; t <= 120_000; t += 1300) {
        sim.run(t);
        const used = traffic.cpuSecondsUsed;
        const low = (traffic.served * CPU_MS) / 1000;
        const high = ((traffic.served + traffic.backlogRequests) * CPU_MS) / 1000;
        expect(used, `at ${t} ms`).toBeGreaterThanOrEqual(low - 1e-9);
        expect(used, `at ${t} ms`).toBeLessThanOrEqual(high + 1e-9);
        // Per task: the three tasks' own counters add up to the total.
        const perTask = [1, 2, 3].reduce((s, id) => s + (traffic.unitCpuSeconds(id) ?? 0), 0);
        expect(perTask).toBeCloseTo(used, 9);
        cases++;
      }
      expect(cases).toBe(92);
    });
  }
});
