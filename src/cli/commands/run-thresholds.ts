/** What `run` does with the scenario's thresholds; apart from report-actions.ts, so `run` without --report loads no report code. */
import type { RunOutput } from "../../api.js";
import { evaluateThresholds, formatThresholdResults, thresholdsJson } from "../../analysis/thresholds.js";
import type { Scenario } from "../../scenario/load.js";

/**
 * After `run`: check the scenario's thresholds, adding thresholds.json to the outputs. Returns whether
 * all passed and the lines to print (empty when the scenario has none).
 */
export function checkRunThresholds(scenario: Scenario, out: RunOutput): { passed: boolean; text: string } {
  if (!scenario.thresholds) return { passed: true, text: "" };
  const results = evaluateThresholds(scenario.thresholds, out.summary);
  out.files["thresholds.json"] = thresholdsJson(results);
  return { passed: results.every((r) => r.ok), text: formatThresholdResults(results) };
}
