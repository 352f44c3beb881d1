import { describe, expect, it } from "vitest";
import { type GrowthProbe, searchBreakingMultiplier } from "../../src/analysis/growth.js";

/** A platform that meets the SLO up to `limit` times its traffic, peaking at 4 tasks per unit of growth. */
function fakeRun(limit: number, calls: number[]) {
  return async (m: number): Promise<GrowthProbe> => {
    calls.push(m);
    const ok = m <= limit;
    return {
      multiplier: m,
      meetsSlo: ok,
      p99Ms: ok ? 100 : 900,
      requestsWithinSlo: ok ? 1 : 0.9,
      maxTasks: Math.ceil(4 * m),
      failedRequests: 0,
    };
  };
}

describe("searchBreakingMultiplier (pure: the run is the caller's)", () => {
  it("climbs the ladder 1, 1.25, 1.5, 2, 3, then bisects 2..3 to within 2 %", async () => {
    const calls: number[] = [];
    const g = await searchBreakingMultiplier("web", undefined, fakeRun(2.6, calls));
    // Ladder: 1 ok, 1.25 ok, 1.5 ok, 2 ok, 3 fails. Bisection by hand: 2.5 ok, 2.75 fails, 2.625 fails,
    // 2.563 ok, 2.594 ok (2.625 / 2.594 − 1 = 1.2 % < 2 %).
    expect(calls).toEqual([1, 1.25, 1.5, 2, 3, 2.5, 2.75, 2.625, 2.563, 2.594]);
    expect(g.holdsUpTo).toBe(2.594);
    expect(g.failsAt).toBe(2.625);
    expect(g.breaks).toBe(
      "scaling does not keep up although it peaks at 11 tasks (90.00% of requests within the SLO latency, p99 900 ms)",
    );
  });

  it("runs each multiplier once and steps down when the service fails as it is", async () => {
    const calls: number[] = [];
    const g = await searchBreakingMultiplier("web", 2, fakeRun(0.6, calls), { relativeTolerance: 0.2 });
    // 1 fails, 0.75 fails, 0.5 ok; bisect 0.5..0.75: 0.625 fails (0.625 / 0.5 − 1 = 25 %), 0.563 ok (11 %).
    expect(calls).toEqual([1, 0.75, 0.5, 0.625, 0.563]);
    expect([g.holdsUpTo, g.failsAt]).toEqual([0.563, 0.625]);
    expect(g.breaks).toMatch(/^the service runs into its maxCapacity of 2 tasks/);
  });
});
