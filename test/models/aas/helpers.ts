import { Simulation } from "../../../src/engine/sim.js";
import { MINUTE } from "../../../src/engine/time.js";
import type { MetricSource } from "../../../src/models/aas/metric-registry.js";
import { latestVisible } from "../../../src/models/cloudwatch/metric.js";
import type { ScalableTarget } from "../../../src/models/aas/scaling-controller.js";
import {
  type ApplicationAutoScalingDecision,
  type DecisionRecord,
  isApplicationAutoScaling,
  platformDecision,
} from "../../../src/models/decisions.js";

/** A metric whose datapoint k (period [k·p, (k+1)·p)) is `values[k]`, published at the end of its period. */
export class ScriptedMetric implements MetricSource {
  constructor(
    readonly name: string,
    private readonly values: ReadonlyArray<number | null>,
    readonly periodMs = MINUTE,
  ) {}
  get datapoints(): ReadonlyArray<number | null> {
    return this.values;
  }
  visibleCount(now: number, delay: number): number {
    return Math.max(0, Math.min(this.values.length, Math.floor((now - delay) / this.periodMs)));
  }
  get evaluationMs(): number {
    return this.periodMs;
  }
  recent(now: number, delay: number, count: number): (number | null)[] {
    return latestVisible(this, now, delay, count);
  }
}

/** A scalable target whose tasks run as soon as they are desired. */
export class InstantTarget implements ScalableTarget {
  readonly history: { t: number; n: number }[] = [];
  constructor(
    private readonly sim: Simulation,
    public desiredCount: number,
  ) {}
  get runningCount(): number {
    return this.desiredCount;
  }
  setDesiredCount(n: number): void {
    this.desiredCount = n;
    this.history.push({ t: this.sim.now, n });
  }
}

export const BASE_OPTS = {
  publishDelayMs: 0,
  activityDurationMs: 0,
  scaleOutDatapoints: 3,
  scaleInDatapoints: 15,
  scaleInThresholdFactor: 0.9,
};

/** A decision log for an Application Auto Scaling controller: any other controller's line is a bug. */
export function logSink(): { decisions: ApplicationAutoScalingDecision[]; log: (d: DecisionRecord) => void } {
  const decisions: ApplicationAutoScalingDecision[] = [];
  const log = (d: DecisionRecord) => {
    const line = platformDecision(d, "p");
    if (!isApplicationAutoScaling(line)) throw new Error(`not Application Auto Scaling: ${line.controller}`);
    decisions.push(line);
  };
  return { decisions, log };
}

export function newSim(): Simulation {
  return new Simulation(1);
}
