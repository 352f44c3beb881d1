import type { TimeMs } from "../../engine/time.js";
import type { FluidWorkload } from "../traffic/fluid.js";
import { fluidTaskModel } from "../traffic/fluid.js";
import { type SloDemand, sloDemandPerMinute } from "../traffic/slo-demand.js";

/** Capacity statistics: the lowest and highest count of serving units seen since the warm start. */
export class CountRange {
  min = Number.POSITIVE_INFINITY;
  max = 0;
  see(count: number): void {
    this.min = Math.min(this.min, count);
    this.max = Math.max(this.max, count);
  }
  /** The count at the warm start: both bounds start there. */
  reset(count: number): void {
    this.min = this.max = count;
  }
}

/**
 * The exact step function of a capacity count (in-service tasks, pods or instances): one point per
 * change, appended by the harness at each transition. O(1) per change, no allocation except growth.
 */
export class CapacitySteps {
  private t = new Float64Array(64);
  private v = new Float64Array(64);
  private n = 0;

  /** The count is `value` from `timeMs` on (a repeated time replaces the earlier value). */
  record(timeMs: TimeMs, value: number): void {
    const n = this.n;
    if (n > 0 && this.v[n - 1] === value) return;
    if (n > 0 && this.t[n - 1] === timeMs) {
      this.v[n - 1] = value;
      // Back to the value before: the change never happened.
      if (n > 1 && this.v[n - 2] === value) this.n--;
      return;
    }
    if (n === this.t.length) {
      const t = new Float64Array(n * 2);
      t.set(this.t);
      this.t = t;
      const v = new Float64Array(n * 2);
      v.set(this.v);
      this.v = v;
    }
    this.t[n] = timeMs;
    this.v[n] = value;
    this.n = n + 1;
  }

  /** Times in seconds and values, trimmed. */
  series(): { t: Float64Array; value: Float64Array } {
    const t = new Float64Array(this.n);
    for (let i = 0; i < this.n; i++) t[i] = this.t[i] / 1000;
    return { t, value: this.v.slice(0, this.n) };
  }
}

/** What a web-serving platform hands the analysis for the SPEC elasticity metrics (src/analysis/elasticity-summary.ts). */
export interface ElasticityInputs {
  /** Scaling unit: "tasks" (ECS), "pods" (EKS), "instances" (App Runner). */
  unit: string;
  /** Supply: units in service (receiving requests from the load balancer), exact steps; times in s. */
  supply: { t: Float64Array; value: Float64Array };
  /** Demand per minute (units), from `sloDemandPerMinute`. */
  demand: SloDemand;
}

/** Demand of a platform serving `workload` on units of `vcpu` vCPUs, for the scenario's SLO. */
export function platformSloDemand(o: {
  rates: Float64Array;
  stepMs: TimeMs;
  durationMs: TimeMs;
  workload: FluidWorkload;
  vcpu: number;
  slo: { latency: number; percentile: number };
}): SloDemand {
  return sloDemandPerMinute({
    rates: o.rates,
    stepMs: o.stepMs,
    durationMs: o.durationMs,
    model: fluidTaskModel(o.workload, { vcpu: o.vcpu }),
    service: o.workload.service,
    latencyMs: o.slo.latency,
    percentile: o.slo.percentile,
  });
}
