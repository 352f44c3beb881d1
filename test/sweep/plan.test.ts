import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { InputError } from "../../src/errors.js";
import { loadSweepPlan, parseSweepPlan } from "../../src/sweep/plan.js";
import { runSeed } from "../../src/sweep/seeds.js";
import { sweepYaml, TARGETS, tempDir } from "./fixtures.js";

function planError(text: string): InputError {
  try {
    parseSweepPlan(text, "s.yaml", "/tmp");
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error("expected an InputError");
}

/** 1-based line of the first line containing `needle`. */
function lineOf(text: string, needle: string): number {
  return text.split("\n").findIndex((l) => l.includes(needle)) + 1;
}

describe("sweep plans", () => {
  it("expands the matrix into variants with runs, seeds and stable keys", () => {
    const text = sweepYaml(
      `  matrix:\n    ${TARGETS}: [40, 60]\n    traffic.synthetic.peak: [100, 150, 200]\n`,
    );
    const plan = parseSweepPlan(text, "s.yaml", "/tmp");
    expect(plan.variants.map((v) => v.id)).toEqual(["v000", "v001", "v002", "v003", "v004", "v005"]);
    expect(plan.variants[4].params).toEqual({ [TARGETS]: 60, "traffic.synthetic.peak": 150 });
    expect(plan.runs.map((r) => r.seed)).toEqual([3, 3, 3, 3, 3, 3]);
    const again = parseSweepPlan(text, "other.yaml", "/elsewhere");
    expect(again.runs.map((r) => r.key)).toEqual(plan.runs.map((r) => r.key));
    expect(new Set(plan.runs.map((r) => r.key)).size).toBe(6);
    const tt = (
      plan.scenarios[4].platforms as Record<
        string,
        { scalingPolicies: { TargetTrackingScalingPolicyConfiguration: { TargetValue: number } }[] }
      >
    ).fargate;
    expect(tt.scalingPolicies[0].TargetTrackingScalingPolicyConfiguration.TargetValue).toBe(60);
    expect(plan.scenarios[0]).not.toHaveProperty("sweep");
  });

  it("uses common random numbers by default and independent seeds on request", () => {
    const text = sweepYaml(`  matrix:\n    ${TARGETS}: [40, 60]\n  replications: 3\n`);
    const common = parseSweepPlan(text, "s.yaml", "/tmp");
    const bySlot = (p: typeof common) => p.runs.map((r) => `${r.variant}.${r.replication}=${r.seed}`);
    const seedsOf = (p: typeof common, v: number) => p.runs.filter((r) => r.variant === v).map((r) => r.seed);
    expect(seedsOf(common, 0)).toEqual(seedsOf(common, 1));
    expect(seedsOf(common, 0)[0]).toBe(3);
    expect(new Set(seedsOf(common, 0)).size).toBe(3);
    const indep = parseSweepPlan(text, "s.yaml", "/tmp", { seeds: "independent" });
    expect(seedsOf(indep, 0)).not.toEqual(seedsOf(indep, 1));
    expect(bySlot(indep)).toHaveLength(6);
    expect(runSeed("independent", 3, '{"a":1}', 0)).toBe(runSeed("independent", 3, '{"a":1}', 0));
  });

  it("points a variant that fails validation at the line of its sweep entry", () => {
    const text = sweepYaml(
      `  matrix:\n    platforms.fargate.task:\n      - { cpu: 1024, memory: 2048 }\n      - { cpu: 4096, memory: 2048 }\n`,
    );
    const e = planError(text);
    expect(e.location.line).toBe(lineOf(text, "cpu: 4096"));
    expect(e.location.path).toBe('sweep.matrix["platforms.fargate.task"][1]');
    expect(e.detail).toMatch(/platforms\.fargate\.task\.memory: .*\(variant v001: platforms\.fargate\.task=/);
  });

  it("points at the value, not the key, when one value of a list is bad", () => {
    const text = sweepYaml(`  matrix:\n    ${TARGETS}:\n      - 50\n      - -5\n`);
    const e = planError(text);
    expect(e.location.line).toBe(lineOf(text, "- -5"));
    expect(e.detail).toMatch(/TargetValue/);
  });

  it("reports a bad path, an out-of-range index and an unknown exclude key at their lines", () => {
    let text = sweepYaml(`  matrix:\n    platforms..task: [1]\n`);
    expect(planError(text).location.line).toBe(lineOf(text, "platforms..task"));
    text = sweepYaml(`  matrix:\n    platforms.fargate.scalingPolicies[3].PolicyName: [a]\n`);
    const e = planError(text);
    expect(e.location.line).toBe(lineOf(text, "- a") || lineOf(text, "[a]"));
    expect(e.detail).toMatch(/has 1 entry; index 3 is out of range/);
    text = sweepYaml(`  matrix:\n    ${TARGETS}: [40]\n  exclude:\n    - traffic.multiplier: 2\n`);
    expect(planError(text).location.line).toBe(lineOf(text, "traffic.multiplier: 2"));
  });

  it("validates the sweep block itself through the scenario schema", () => {
    const text = sweepYaml(`  matrix:\n    ${TARGETS}: [40]\n  replicatoins: 3\n`);
    const e = planError(text);
    expect(e.location.line).toBe(lineOf(text, "replicatoins"));
    expect(e.detail).toMatch(/did you mean "replications"/);
  });

  it("reads a sweep file beside its base scenario", () => {
    const dir = tempDir();
    writeFileSync(join(dir, "base.yaml"), sweepYaml("  matrix: { seed: [1] }\n"));
    writeFileSync(
      join(dir, "targets.yaml"),
      `base: base.yaml\nsweep:\n  matrix:\n    ${TARGETS}: [30, 50, 70]\n`,
    );
    const plan = loadSweepPlan(join(dir, "targets.yaml"));
    expect(plan.variants).toHaveLength(3);
    expect(plan.baseFile).toBe(join(dir, "base.yaml"));
    writeFileSync(join(dir, "bad.yaml"), `base: base.yaml\nsweep:\n  matrix:\n    ${TARGETS}: [30, -1]\n`);
    const e = (() => {
      try {
        loadSweepPlan(join(dir, "bad.yaml"));
      } catch (x) {
        return x as InputError;
      }
    })();
    expect(e?.location.file).toBe(join(dir, "bad.yaml"));
    expect(e?.location.line).toBe(4);
  });

  it("refuses a scenario without a sweep block", () => {
    const text = sweepYaml("").replace(/sweep:\n$/, "");
    expect(planError(text).detail).toMatch(/no `sweep:` block/);
  });
});
