import { MINUTE } from "../../engine/time.js";
import type { TargetGroupConfig } from "../../models/alb/target-group.js";
import { num } from "../../assumptions.js";
import { chargeAlb } from "../../models/billing/alb.js";
import type { CostLedger } from "../../models/billing/ledger.js";
import { MetricSeries } from "../../models/cloudwatch/metric.js";
import { type Decision, isApplicationAutoScaling } from "../../models/decisions.js";
import type { FluidTask } from "../../models/traffic/fluid.js";
import { createTraffic, type TrafficInputs, type TrafficModel } from "../../models/traffic/index.js";
import type { MinuteSeries } from "../../models/traffic/minute-series.js";
import type { RequestWorkload } from "../../models/traffic/request.js";
import {
  type CapacitySteps,
  type ElasticityInputs,
  platformSloDemand,
} from "../../models/platform/capacity-steps.js";
import type { PlatformRunInput } from "./skeleton.js";
import type { PlatformResult } from "../../models/platform/result.js";

/** The three per-minute metrics a load-balanced service publishes (ECS, EKS, App Runner). */
export function serviceMetrics(requestsMetricName = "RequestCountPerTarget") {
  return {
    cpu: new MetricSeries("CPUUtilization", MINUTE),
    memory: new MetricSeries("MemoryUtilization", MINUTE),
    requestsPerTarget: new MetricSeries(requestsMetricName, MINUTE),
  };
}

/** Web traffic behind an ALB target group, as the scenario's engine settings ask (ECS services, EKS). */
export function albTraffic(
  input: PlatformRunInput<unknown>,
  o: Pick<TrafficInputs, "sim" | "service" | "metrics" | "minutes"> & {
    workload: RequestWorkload;
    task: FluidTask;
    loadBalancer: TargetGroupConfig;
  },
): TrafficModel {
  const { scenario } = input;
  return createTraffic({
    mode: scenario.engine.mode,
    name: input.name,
    sim: o.sim,
    tickMs: scenario.engine.tick,
    rates: input.rates,
    stepMs: input.stepMs,
    durationMs: input.durationMs,
    workload: o.workload,
    task: o.task,
    service: o.service,
    routing: {
      algorithm: o.loadBalancer.algorithm ?? "round_robin",
      slowStartMs: o.loadBalancer.slowStart ?? 0,
    },
    sloMs: scenario.slo.latency,
    metrics: o.metrics,
    minutes: o.minutes,
    trace: input.requestTrace,
    minuteQuantiles: input.minuteQuantiles,
  });
}

/**
 * A platform result's cost: total, meters and the commitment-eligible usage per hour. The ledger is closed
 * (nothing is charged after the result is collected), so the hourly usage is summed when first read: only
 * scenarios with commitments read it.
 */
export function costOf(ledger: CostLedger, totalUsd: number): PlatformResult["cost"] {
  let usage: Record<string, number[]> | undefined;
  return {
    totalUsd,
    meters: ledger.meterList(),
    get usagePerHour() {
      usage ??= ledger.usagePerHour();
      return usage;
    },
  };
}

/**
 * The Application Load Balancer in front of a service (ECS services, EKS deployments), billed on its own meter
 * from the requests that arrived, unless `billing.loadBalancer.include` is false (src/models/billing/alb.ts).
 */
export function chargeLoadBalancer(
  input: PlatformRunInput<unknown>,
  ledger: CostLedger,
  series: MinuteSeries,
) {
  const { scenario, assumptions: a } = input;
  const lb = scenario.billing?.loadBalancer;
  if (lb && !lb.include) return;
  chargeAlb(ledger, series.columns.arrived, {
    region: scenario.region,
    prices: lb?.pricing,
    bytesPerRequest: scenario.workload.bytesPerRequest ?? num(a, "alb.bytesPerRequest"),
    rulesProcessed: lb?.rulesProcessed ?? 1,
    requestsPerConnection: num(a, "alb.requestsPerConnection"),
    connectionSeconds: num(a, "alb.connectionDuration") / 1000,
  });
}

/** The traffic model's caveats as a result field: absent when there are none. */
export function trafficWarnings(traffic: TrafficModel, advice?: string): { warnings?: string[] } {
  const w = traffic.warnings?.(advice) ?? [];
  return w.length > 0 ? { warnings: w } : {};
}

/** The request counts of a traffic model at the end of the run. */
export function trafficRequests(traffic: TrafficModel): PlatformResult["requests"] {
  return {
    arrived: traffic.arrived,
    served: traffic.served,
    dropped: traffic.dropped,
    timedOut: traffic.timedOut,
    inFlightAtEnd: traffic.backlogRequests,
  };
}

type Check = PlatformResult["checks"][number];

/**
 * What a platform behind a traffic model reports of its requests: the counts, their latency, the model's
 * caveats, and the conservation check over the counts.
 */
export function servedRequests(traffic: TrafficModel, advice?: string) {
  const latency = traffic.latencyTotal();
  const requests = trafficRequests(traffic);
  return {
    requests,
    latency,
    ...trafficWarnings(traffic, advice),
    conservation: requestsConservedCheck(requests),
  };
}

/** Every request that arrived is served, dropped, timed out or still in flight (web-serving platforms). */
export function requestsConservedCheck(r: PlatformResult["requests"]): Check {
  const accounted = r.served + r.dropped + r.timedOut + r.inFlightAtEnd;
  return {
    name: "requests conserved",
    ok: Math.abs(r.arrived - accounted) <= 1e-6 * Math.max(1, r.arrived),
    detail: `arrived ${r.arrived.toFixed(3)} = served + dropped + timed out + in flight ${accounted.toFixed(3)}`,
  };
}

/** The per-minute cost series adds up to the meters' total (every platform). */
export function costMatchesMetersCheck(perMinuteCost: Float64Array, totalUsd: number): Check {
  let minuteSum = 0;
  for (let i = 0; i < perMinuteCost.length; i++) minuteSum += perMinuteCost[i];
  return {
    name: "cost equals the sum of its meters",
    ok: totalUsd >= 0 && Math.abs(minuteSum - totalUsd) <= 1e-9 * Math.max(1, totalUsd),
    detail: `meters ${totalUsd.toFixed(9)} USD, per-minute series ${minuteSum.toFixed(9)} USD`,
  };
}

/** No scaling decision set a count outside [lo, hi]; `outside` is the first that did. */
export function withinBoundsCheck(
  name: string,
  outside: Decision | undefined,
  lo: number,
  hi: number,
  every = "every decision",
): Check {
  return {
    name,
    ok: outside === undefined,
    detail: outside ? `decision at t=${outside.t}s set ${outside.to}` : `${every} within [${lo}, ${hi}]`,
  };
}

/**
 * Application Auto Scaling kept the service's desired count within its bounds. Other controllers (cluster auto
 * scaling) log instance counts. Scheduled actions and predictive scaling move the bounds: a change must land
 * within those in force when it was made (the decision's `bounds`), else within the registered ones.
 * https://docs.aws.amazon.com/autoscaling/application/userguide/application-auto-scaling-scheduled-scaling.html
 */
export function desiredCountWithinBoundsCheck(
  decisions: readonly Decision[],
  svc: { minCapacity: number; maxCapacity: number; desiredCount: number },
): Check {
  const lo = Math.min(svc.minCapacity, svc.desiredCount);
  const hi = Math.max(svc.maxCapacity, svc.desiredCount);
  const outside = decisions.find((d) => {
    if (!isApplicationAutoScaling(d) || d.to === d.from) return false;
    const b = "bounds" in d ? d.bounds : undefined;
    return b ? d.to < b.min || d.to > b.max : d.to < lo || d.to > hi;
  });
  return withinBoundsCheck("desired count within min/max", outside, lo, hi);
}

/**
 * Supply and SLO demand of a web-serving platform, in its scaling unit, for the elasticity metrics. The
 * demand depends only on the trace and the workload, not on the run, and is solved minute by minute: it
 * is computed when first read (summaries read it; a sweep's rows do not).
 */
export function webElasticity(
  input: PlatformRunInput<unknown>,
  unit: string,
  supply: CapacitySteps,
  workload: RequestWorkload,
  vcpu: number,
): ElasticityInputs {
  let demand: ElasticityInputs["demand"] | undefined;
  return {
    unit,
    supply: supply.series(),
    get demand() {
      demand ??= platformSloDemand({ ...input, workload, vcpu, slo: input.scenario.slo });
      return demand;
    },
  };
}
