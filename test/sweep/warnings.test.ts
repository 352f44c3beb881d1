import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadSweepPlan } from "../../src/sweep/plan.js";
import { multiplierWarning } from "../../src/sweep/warnings.js";
import { REPO_ROOT } from "../helpers/cli.js";

describe("a sweep over traffic.multiplier", () => {
  const dir = mkdtempSync(join(tmpdir(), "scalesim-sweep-warn-"));
  const base = join(REPO_ROOT, "scenarios/checkout-api.yaml"); // multiplier 0.05
  const plan = (values: string) => {
    const f = join(dir, `s${values.length}.yaml`);
    writeFileSync(f, `base: ${base}\nsweep:\n  matrix:\n    traffic.multiplier: ${values}\n`);
    return loadSweepPlan(f);
  };
  it("says that absolute values replace the base's 0.05, and what relative steps would be", () => {
    expect(multiplierWarning(plan("[1, 1.5, 2]"))).toBe(
      "traffic.multiplier [1, 1.5, 2] replaces the base's 0.05 (values are not relative to it); for steps relative to the base write [0.05, 0.075, 0.1]",
    );
  });
  it("is silent when the sweep leaves the multiplier alone", () => {
    const f = join(dir, "other.yaml");
    writeFileSync(f, `base: ${base}\nsweep:\n  matrix:\n    seed: [1, 2]\n`);
    expect(multiplierWarning(loadSweepPlan(f))).toBeUndefined();
  });
});
