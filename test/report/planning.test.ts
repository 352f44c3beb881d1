import { describe, expect, it } from "vitest";
import { findBreakingMultiplier } from "../../src/studies/growth.js";
import { readReportDir } from "../../src/analysis/input.js";
import { headroomAtPeak, plan, planSentences } from "../../src/analysis/planning.js";
import { loadScenario } from "../../src/scenario/load.js";
import { run } from "../../src/api.js";
import { meetsSlo } from "../../src/analysis/compare.js";

const dir = new URL("./fixtures/two-platforms", import.meta.url).pathname;
const input = readReportDir(dir);

describe("plan", () => {
  it("recommends the cheapest platform meeting the SLO and names the cheaper one that misses it", () => {
    const p = plan(input)!;
    expect(p.recommended?.id).toBe("x86");
    const s = input.summary!.platforms;
    expect(s.arm.cost.monthlyUsd).toBeLessThan(s.x86.cost.monthlyUsd);
    const text = planSentences(p).join("\n");
    expect(text).toContain(`Run **x86**`);
    expect(text).toContain(`$${s.x86.cost.monthlyUsd.toFixed(2)} a month`);
    expect(text).toContain("The cheapest overall, arm");
  });

  it("with no platform meeting the SLO it says so and points at the closest", () => {
    const { x86: _, ...rest } = input.summary!.platforms;
    const p = plan({ ...input, summary: { ...input.summary!, platforms: rest } })!;
    expect(p.recommended).toBeUndefined();
    expect(p.closest?.id).toBe("arm");
    expect(planSentences(p)[0]).toContain("None of the 1 platforms meets the SLO");
  });

  it("headroom is read at the minute with the most arrivals", () => {
    const s = input.series.find((x) => x.platform === "x86")!;
    const h = headroomAtPeak(s)!;
    const arrived = [...s.columns.arrived];
    const i = arrived.indexOf(Math.max(...arrived));
    expect(h.peakTime).toBe(new Date(s.time[i]).toISOString());
    expect(h.cpuPercent).toBe(s.columns.cpuPercent[i]);
    expect(h.tasks).toBe(s.columns.inService[i]);
    expect(h.headroomPercent).toBeCloseTo(100 - s.columns.cpuPercent[i], 9);
    expect(h.maxCpuPercent).toBe(Math.max(...s.columns.cpuPercent));
  });
});

describe("findBreakingMultiplier", () => {
  const scenario = loadScenario(new URL("./fixtures/two-platforms.yaml", import.meta.url).pathname);

  it("brackets the growth at which x86 stops meeting the SLO, within the tolerance", async () => {
    const g = await findBreakingMultiplier(scenario, "x86", { maxMultiplier: 8, relativeTolerance: 0.02 });
    expect(g.holdsUpTo).toBeDefined();
    expect(g.failsAt).toBeDefined();
    expect(g.failsAt! / g.holdsUpTo! - 1).toBeLessThanOrEqual(0.02);
    for (const p of g.probes) expect(p.meetsSlo, `×${p.multiplier}`).toBe(p.multiplier <= g.holdsUpTo!);
    // Run the failing multiplier independently: the scenario with its multiplier scaled misses the SLO.
    const again = await run({
      ...scenario,
      traffic: { ...scenario.traffic, multiplier: scenario.traffic.multiplier * g.failsAt! },
    });
    expect(meetsSlo(again.summary.platforms.x86)).toBe(false);
    // x86 may grow to 20 tasks; at the failing multiplier it is pinned there.
    expect(g.probes.find((p) => p.multiplier === g.failsAt)!.maxTasks).toBe(20);
    expect(g.breaks).toContain("maxCapacity of 20 tasks");
  });

  it("searches downwards when the platform misses the SLO already", async () => {
    const g = await findBreakingMultiplier(scenario, "arm", { relativeTolerance: 0.05 });
    expect(g.failsAt).toBeLessThanOrEqual(1);
    if (g.holdsUpTo !== undefined) expect(g.holdsUpTo).toBeLessThan(g.failsAt!);
  });
});
