import { loadScenario } from "../scenario/load.js";
import type { SweepPlan } from "./plan.js";

/**
 * A sweep's values replace the base's, they do not scale it: `traffic.multiplier: [1, 1.5, 2]` over a base
 * of 0.05 runs at 20–40 times the traffic the base describes. Say so when the base's multiplier is not 1,
 * with the values that would step relative to it.
 */
export function multiplierWarning(plan: SweepPlan): string | undefined {
  if (!plan.paramKeys.includes("traffic.multiplier")) return undefined;
  const base = loadScenario(plan.baseFile).traffic.multiplier;
  if (base === 1) return undefined;
  const values = [...new Set(plan.variants.map((v) => v.params["traffic.multiplier"]))].filter(
    (v): v is number => typeof v === "number",
  );
  if (values.length === 0) return undefined;
  const relative = values.map((v) => Number((base * v).toPrecision(6)));
  return `traffic.multiplier [${values.join(", ")}] replaces the base's ${base} (values are not relative to it); for steps relative to the base write [${relative.join(", ")}]`;
}
