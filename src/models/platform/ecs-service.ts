import { num, type AssumptionValues } from "../../assumptions.js";
import { Simulation } from "../../engine/sim.js";
import { MINUTE, SECOND, type TimeMs } from "../../engine/time.js";
import type { Platform, ScenarioData } from "../../scenario/schema.js";
import type { ScalingPolicy } from "../../scenario/policies.js";
import type { TargetGroupConfig } from "../alb/target-group.js";
import type { Task } from "../ecs/task.js";
import { ScalingController, type TargetTrackingPolicySpec } from "../aas/scaling-controller.js";
import { CostLedger } from "../billing/ledger.js";
import { MetricSeries } from "../cloudwatch/metric.js";
import type { Decision } from "../decisions.js";
import { EcsService, type TaskLauncher } from "../ecs/service.js";
import { makeDistribution } from "../latency/distributions.js";
import { LatencyRecorder } from "../latency/recorder.js";
import { FluidTraffic } from "../traffic/fluid.js";
import { MinuteSeries } from "../traffic/minute-series.js";
import type { PlatformResult } from "./result.js";

/** What every platform runner receives. */
export interface PlatformRunInput<P = Platform> {
  name: string;
  platform: P;
  scenario: ScenarioData;
  assumptions: AssumptionValues;
  /** Requests per second per interval of the traffic series. */
  rates: Float64Array;
  stepMs: TimeMs;
  durationMs: TimeMs;
  seed: number;
}

/** The parts of an ECS service platform that differ between launch types. */
export interface EcsServiceParts {
  /** Task size as the traffic model and the ECS metrics see it. */
  task: { vcpu: number; memoryMiB: number };
  service: { desiredCount: number; minCapacity: number; maxCapacity: number };
  scalingPolicies: ScalingPolicy[];
  loadBalancer: TargetGroupConfig;
  /** Tasks the service scheduler may launch per minute (Fargate 500, EC2 250). */
  launchesPerMinute: number;
  /** Build the launcher that gives tasks compute and bills it. */
  launcher: (ctx: {
    sim: Simulation;
    ledger: CostLedger;
  }) => TaskLauncher & { finish(tasks: readonly Task[], endMs: TimeMs): void; billedTaskSeconds: number };
}

/**
 * Run one ECS service behind an ALB, scaled by Application Auto Scaling, against the traffic: the
 * machinery shared by every ECS launch type. The launcher decides where tasks run and what they cost.
 */
export function runEcsService(input: PlatformRunInput<unknown>, parts: EcsServiceParts): PlatformResult {
  const { name, scenario, assumptions: a } = input;
  const p = { ...parts, kind: (input.platform as { kind: string }).kind };
  const sim = new Simulation(input.seed);
  const minutes = Math.ceil(input.durationMs / MINUTE);
  const ledger = new CostLedger(minutes);
  const series = new MinuteSeries(minutes);
  const decisions: Decision[] = [];
  const log = (d: Omit<Decision, "platform">) => decisions.push({ ...d, platform: name } as Decision);

  const vcpu = p.task.vcpu;

  const w = scenario.workload;
  const service = makeDistribution({
    distribution: w.serviceTime.distribution,
    mean: w.serviceTime.mean,
    cv: w.serviceTime.cv,
  });
  const latency = new LatencyRecorder(service, scenario.slo.latency);
  const highRes = p.scalingPolicies.some((sp) =>
    sp.TargetTrackingScalingPolicyConfiguration.PredefinedMetricSpecification.PredefinedMetricType.endsWith(
      "HighResolution",
    ),
  );
  const metrics = {
    cpu: new MetricSeries("CPUUtilization", MINUTE),
    memory: new MetricSeries("MemoryUtilization", MINUTE),
    requestsPerTarget: new MetricSeries("RequestCountPerTarget", MINUTE),
    cpuHighRes: highRes ? new MetricSeries("CPUUtilization (20 s)", 20 * SECOND) : undefined,
    memoryHighRes: highRes ? new MetricSeries("MemoryUtilization (20 s)", 20 * SECOND) : undefined,
  };

  const launcher = p.launcher({ sim, ledger });

  let traffic: FluidTraffic | undefined;
  const ecs = new EcsService(sim, launcher, {
    name,
    desiredCount: p.service.desiredCount,
    targetGroup: p.loadBalancer,
    stopDuration: num(a, "ecs.stopDuration"),
    scaleInSelection: a["ecs.scaleInSelection"] === "oldest" ? "oldest" : "newest",
    launchesPerMinute: p.launchesPerMinute,
    inFlightDrain: () => (traffic ? service.quantile(0.999) + traffic.currentDelayMs : 0),
  });

  traffic = new FluidTraffic(
    input.rates,
    input.stepMs,
    scenario.engine.tick,
    {
      cpuPerRequestMs: w.cpuPerRequest,
      service,
      concurrency: w.concurrency,
      memoryBaselineMiB: w.memory?.baseline ?? 0,
      memoryPerInFlightMiB: w.memory?.perInFlight ?? 0,
      timeoutMs: w.timeout,
      cpuIdle: w.cpuIdle,
    },
    p.task,
    ecs,
    latency,
    metrics,
    series,
  );
  sim.addContinuous(traffic);

  // Capacity statistics over RUNNING tasks, updated at every task transition.
  let capMin = Number.POSITIVE_INFINITY;
  let capMax = 0;
  ecs.observers.push({
    taskChanged: () => {
      capMin = Math.min(capMin, ecs.runningCount);
      capMax = Math.max(capMax, ecs.runningCount);
    },
  });

  // The service exists before the trace starts: its initial tasks are running and healthy at t = 0.
  ecs.warmStart(0);
  capMin = capMax = ecs.runningCount;

  const policies: TargetTrackingPolicySpec[] = p.scalingPolicies.map((sp) => {
    const c = sp.TargetTrackingScalingPolicyConfiguration;
    const type = c.PredefinedMetricSpecification.PredefinedMetricType;
    const metric =
      type === "ECSServiceAverageCPUUtilization"
        ? metrics.cpu
        : type === "ECSServiceAverageMemoryUtilization"
          ? metrics.memory
          : type === "ALBRequestCountPerTarget"
            ? metrics.requestsPerTarget
            : type === "ECSServiceAverageCPUUtilizationHighResolution"
              ? metrics.cpuHighRes!
              : metrics.memoryHighRes!;
    return {
      name: sp.PolicyName,
      targetValue: c.TargetValue,
      metric,
      metricName: type,
      scaleOutCooldownMs: c.ScaleOutCooldown * SECOND,
      scaleInCooldownMs: c.ScaleInCooldown * SECOND,
      disableScaleIn: c.DisableScaleIn,
      highResolution: type.endsWith("HighResolution"),
    };
  });
  const controller = new ScalingController(
    sim,
    ecs,
    policies,
    {
      minCapacity: p.service.minCapacity,
      maxCapacity: p.service.maxCapacity,
      publishDelayMs: num(a, "metrics.publishDelay"),
      activityDurationMs: num(a, "scaling.activityDuration"),
      scaleOutDatapoints: num(a, "targetTracking.scaleOutDatapoints"),
      scaleInDatapoints: num(a, "targetTracking.scaleInDatapoints"),
      scaleInThresholdFactor: num(a, "targetTracking.scaleInThresholdFactor"),
    },
    log,
  );
  if (policies.length > 0) controller.start();

  sim.run(input.durationMs);
  launcher.finish(ecs.tasks, input.durationMs);

  const perMinuteCost = ledger.perMinute();
  series.columns.costUsd.set(perMinuteCost);
  const total = latency.total();
  const totalUsd = ledger.totalUsd();
  const taskHours = traffic.runningTaskSeconds / 3600;
  const requests = {
    arrived: traffic.arrived,
    served: traffic.served,
    dropped: traffic.dropped,
    timedOut: traffic.timedOut,
    inFlightAtEnd: traffic.backlogRequests,
  };
  const checks = invariantChecks(requests, perMinuteCost, totalUsd, p.service, decisions);
  return {
    name,
    kind: p.kind,
    minutes: series,
    requests,
    latency: total,
    capacity: {
      min: capMin,
      max: capMax,
      mean: input.durationMs > 0 ? traffic.runningTaskSeconds / (input.durationMs / 1000) : 0,
      taskHours,
      billedTaskHours: launcher.billedTaskSeconds / 3600,
    },
    cost: { totalUsd, meters: ledger.meterList() },
    scaling: { scaleOutEvents: controller.scaleOutEvents, scaleInEvents: controller.scaleInEvents },
    utilisation: {
      cpuPercentOfPaid:
        launcher.billedTaskSeconds > 0
          ? (100 * traffic.cpuSecondsUsed) / (launcher.billedTaskSeconds * vcpu)
          : 0,
    },
    decisions,
    checks,
  };
}

function invariantChecks(
  r: PlatformResult["requests"],
  perMinuteCost: Float64Array,
  totalUsd: number,
  svc: { minCapacity: number; maxCapacity: number; desiredCount: number },
  decisions: Decision[],
): PlatformResult["checks"] {
  const accounted = r.served + r.dropped + r.timedOut + r.inFlightAtEnd;
  const reqOk = Math.abs(r.arrived - accounted) <= 1e-6 * Math.max(1, r.arrived);
  let minuteSum = 0;
  for (let i = 0; i < perMinuteCost.length; i++) minuteSum += perMinuteCost[i];
  const costOk = totalUsd >= 0 && Math.abs(minuteSum - totalUsd) <= 1e-9 * Math.max(1, totalUsd);
  const lo = Math.min(svc.minCapacity, svc.desiredCount);
  const hi = Math.max(svc.maxCapacity, svc.desiredCount);
  const outside = decisions.find((d) => d.to < lo || d.to > hi);
  return [
    {
      name: "requests conserved",
      ok: reqOk,
      detail: `arrived ${r.arrived.toFixed(3)} = served + dropped + timed out + in flight ${accounted.toFixed(3)}`,
    },
    {
      name: "cost equals the sum of its meters",
      ok: costOk,
      detail: `meters ${totalUsd.toFixed(9)} USD, per-minute series ${minuteSum.toFixed(9)} USD`,
    },
    {
      name: "desired count within min/max",
      ok: outside === undefined,
      detail: outside
        ? `decision at t=${outside.t}s set ${outside.to}`
        : `every decision within [${lo}, ${hi}]`,
    },
  ];
}
