import {
  type ApplicationAutoScalingDecision,
  type Decision,
  type DecisionController,
  type DecisionSink,
  isApplicationAutoScaling,
  platformDecision,
  type PolicyScalingDecision,
  type PredictiveForecastDecision,
} from "../../src/models/decisions.js";

/** Application Auto Scaling's lines: policies, scheduled actions, predictive scaling. */
export function aasLines(ds: readonly Decision[]): ApplicationAutoScalingDecision[] {
  return ds.filter(isApplicationAutoScaling);
}

/** The lines of the target's scaling policies (target tracking, step scaling) and of SuspendedState changes. */
export function policyLines(ds: readonly Decision[]): PolicyScalingDecision[] {
  return ds.filter((d): d is PolicyScalingDecision => d.controller === "applicationAutoScaling");
}

/** Predictive scaling's forecasts with a capacity per hour (not the "no forecast" lines). */
export function forecasts(ds: readonly Decision[]): PredictiveForecastDecision[] {
  return ds.filter(
    (d): d is PredictiveForecastDecision =>
      d.controller === "applicationAutoScaling.predictive" &&
      d.action === "forecast" &&
      d.inputs.forecastCapacity !== undefined,
  );
}

/** A decision log for one controller, typed as its decisions: a line of any other controller is a bug. */
export function controllerLog<C extends DecisionController>(
  controller: C,
): { decisions: Extract<Decision, { controller: C }>[]; log: DecisionSink } {
  const decisions: Extract<Decision, { controller: C }>[] = [];
  const log: DecisionSink = (d) => {
    const line = platformDecision(d, "test");
    if (line.controller !== controller) throw new Error(`expected ${controller}, got ${line.controller}`);
    decisions.push(line as Extract<Decision, { controller: C }>);
  };
  return { decisions, log };
}
