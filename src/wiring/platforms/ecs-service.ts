import { num, type AssumptionValues } from "../../assumptions.js";
import { withRegistrationAssumptions } from "../../models/alb/target-group.js";
import type { Simulation } from "../../engine/sim.js";
import { SECOND, type TimeMs } from "../../engine/time.js";
import type { Platform, ScenarioData } from "../../scenario/schema.js";
import type { ScalingPolicy } from "../../scenario/policies.js";
import type { TargetGroupConfig } from "../../models/alb/target-group.js";
import type { Task } from "../../models/ecs/task.js";
import type { ScheduledAction, SuspendedState, SuspendedStateChange } from "../../scenario/aas.js";
import { MetricRegistry } from "../../models/aas/metric-registry.js";
import { publishEcsServiceMetrics } from "../../models/aas/service-metrics.js";
import { buildAutoScaling } from "../../models/aas/setup.js";
import type { CostLedger } from "../../models/billing/ledger.js";
import { MetricSeries } from "../../models/cloudwatch/metric.js";
import type { Decision, DecisionSink } from "../../models/decisions.js";
import type { DeploymentConfiguration } from "../../models/ecs/deployment.js";
import { EcsService, type TaskLauncher } from "../../models/ecs/service.js";
import { TaskEventLog } from "../../models/ecs/task-events.js";
import { serviceTimeOf, trafficWorkload } from "../../models/traffic/index.js";
import { CapacitySteps } from "../../models/platform/capacity-steps.js";
import {
  albTraffic,
  chargeLoadBalancer,
  closeCost,
  costOf,
  costMatchesMetersCheck,
  desiredCountWithinBoundsCheck,
  requestsConservedCheck,
  serviceMetrics,
  startPlatformRun,
  trafficRequests,
  trafficWarnings,
  webElasticity,
} from "./harness.js";
import type { BuiltCompute } from "./ecs-compute.js";
import type { PlatformResult } from "../../models/platform/result.js";

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
  /** Epoch ms of simulated time 0 (scheduled actions and predictive hours are clock times). */
  startMs?: number;
  /** Per-request trace: arrival times (ms from the start) and service times, replayed in request mode. */
  requestTrace?: { timesMs: Float64Array; serviceMs?: Float64Array };
}

/** The parts of an ECS service platform that differ between launch types. */
export interface EcsServiceParts {
  /** Task size as the traffic model and the ECS metrics see it. */
  task: { vcpu: number; memoryMiB: number; memoryReservationMiB?: number };
  service: {
    desiredCount: number;
    minCapacity: number;
    maxCapacity: number;
    SuspendedState?: SuspendedState;
    suspendedStateChanges?: SuspendedStateChange[];
    deploymentConfiguration?: DeploymentConfiguration;
  };
  scalingPolicies: ScalingPolicy[];
  scheduledActions?: ScheduledAction[];
  /** Models beside the service (e.g. a queue) publish their CloudWatch metrics for scaling policies here. */
  publishMetrics?: (ctx: { sim: Simulation; registry: MetricRegistry; service: EcsService }) => void;
  loadBalancer: TargetGroupConfig;
  /** Tasks the service scheduler may launch per minute (Fargate 500, EC2 250). */
  launchesPerMinute: number;
  /** Build the launcher that gives tasks compute and bills it, and what it reports at the end. */
  compute: (ctx: {
    sim: Simulation;
    ledger: CostLedger;
    log: DecisionSink;
  }) => Pick<BuiltCompute, "launcher" | "report">;
}

/**
 * Run one ECS service behind an ALB, scaled by Application Auto Scaling, against the traffic: the
 * machinery shared by every ECS launch type. The launcher decides where tasks run and what they cost.
 */
export function runEcsService(input: PlatformRunInput<unknown>, parts: EcsServiceParts): PlatformResult {
  const { name, scenario, assumptions: a } = input;
  const p = { ...parts, kind: (input.platform as { kind: string }).kind };
  const { sim, ledger, series, decisions, log } = startPlatformRun(input);

  const vcpu = p.task.vcpu;

  const w = scenario.workload;
  const service = serviceTimeOf(w, input.requestTrace?.serviceMs);
  const highRes = p.scalingPolicies.some(
    (sp) =>
      sp.PolicyType === "TargetTrackingScaling" &&
      sp.TargetTrackingScalingPolicyConfiguration.PredefinedMetricSpecification?.PredefinedMetricType.endsWith(
        "HighResolution",
      ),
  );
  const metrics = {
    ...serviceMetrics(),
    cpuHighRes: highRes ? new MetricSeries("CPUUtilization (20 s)", 20 * SECOND) : undefined,
    memoryHighRes: highRes ? new MetricSeries("MemoryUtilization (20 s)", 20 * SECOND) : undefined,
  };

  const compute = p.compute({ sim, ledger, log });
  const launcher = compute.launcher;

  const ecs = new EcsService(sim, launcher, {
    name,
    desiredCount: p.service.desiredCount,
    targetGroup: withRegistrationAssumptions(p.loadBalancer, a),
    stopDuration: num(a, "ecs.stopDuration"),
    scaleInSelection: a["ecs.scaleInSelection"] === "oldest" ? "oldest" : "newest",
    launchesPerMinute: p.launchesPerMinute,
    deployment: p.service.deploymentConfiguration,
  });

  const workload = trafficWorkload(w, service, a);
  // engine.mode picks the fluid or the request-level model (src/models/traffic/index.ts).
  const traffic = albTraffic(input, {
    sim,
    workload,
    // MemoryUtilization is measured against memoryReservation when set, else memory (service_utilization.html).
    task: { vcpu: p.task.vcpu, memoryMiB: p.task.memoryReservationMiB ?? p.task.memoryMiB },
    service: ecs,
    loadBalancer: p.loadBalancer,
    metrics,
    minutes: series,
  });
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

  // Task state changes for `scalesim run --events` (EventBridge "ECS Task State Change").
  const taskEvents = new TaskEventLog({
    group: `service:${name}`,
    launchType: p.kind === "ecs-fargate" ? "FARGATE" : "EC2",
    cpu: Math.round(p.task.vcpu * 1024),
    memory: p.task.memoryMiB,
  });
  ecs.observers.push(taskEvents);
  // Supply of the elasticity metrics: tasks in service, recorded at each change.
  const supply = new CapacitySteps();
  ecs.observers.push({ taskChanged: (_t, now) => supply.record(now, ecs.inServiceCount) });

  // The service exists before the trace starts: its initial tasks are running and healthy at t = 0.
  ecs.warmStart(0);
  capMin = capMax = ecs.runningCount;
  supply.record(0, ecs.inServiceCount);

  // Application Auto Scaling: policies read the metrics the models publish (src/models/aas/setup.ts).
  const registry = new MetricRegistry();
  publishEcsServiceMetrics(registry, metrics, series);
  p.publishMetrics?.({ sim, registry, service: ecs });
  const autoScaling = buildAutoScaling({
    sim,
    target: ecs,
    registry,
    predefined: {
      ECSServiceAverageCPUUtilization: metrics.cpu,
      ECSServiceAverageMemoryUtilization: metrics.memory,
      ALBRequestCountPerTarget: metrics.requestsPerTarget,
      ECSServiceAverageCPUUtilizationHighResolution: metrics.cpuHighRes,
      ECSServiceAverageMemoryUtilizationHighResolution: metrics.memoryHighRes,
    },
    policies: p.scalingPolicies,
    scheduledActions: p.scheduledActions ?? [],
    suspendedState: p.service.SuspendedState,
    suspendedStateChanges: p.service.suspendedStateChanges,
    bounds: p.service,
    assumptions: a,
    startMs: input.startMs ?? 0,
    durationMs: input.durationMs,
    log,
    path: `platforms.${name}`,
  });
  const controller = autoScaling.controller;
  autoScaling.start();

  sim.run(input.durationMs);
  launcher.finish(ecs.tasks, input.durationMs);

  chargeLoadBalancer(input, ledger, series);
  const { perMinuteCost, totalUsd } = closeCost(ledger, series);
  const total = traffic.latencyTotal();
  const taskHours = traffic.runningTaskSeconds / 3600;
  const requests = trafficRequests(traffic);
  const extra = compute.report();
  const checks = [
    ...invariantChecks(requests, perMinuteCost, totalUsd, p.service, decisions),
    ...(extra.checks ?? []),
  ];
  const paidVcpuSeconds = extra.paidVcpuSeconds ?? launcher.billedTaskSeconds * vcpu;
  return {
    name,
    kind: p.kind,
    minutes: series,
    requests,
    latency: total,
    ...trafficWarnings(traffic),
    capacity: {
      min: capMin,
      max: capMax,
      mean: input.durationMs > 0 ? traffic.runningTaskSeconds / (input.durationMs / 1000) : 0,
      taskHours,
      billedTaskHours: launcher.billedTaskSeconds / 3600,
    },
    cost: costOf(ledger, totalUsd),
    scaling: { scaleOutEvents: controller.scaleOutEvents, scaleInEvents: controller.scaleInEvents },
    utilisation: {
      cpuPercentOfPaid: paidVcpuSeconds > 0 ? (100 * traffic.cpuSecondsUsed) / paidVcpuSeconds : 0,
    },
    decisions,
    checks,
    taskEvents: [taskEvents],
    ...(extra.capacityCost ? { capacityCost: extra.capacityCost } : {}),
    ...(extra.instances ? { instances: extra.instances } : {}),
    ...(extra.details ? { details: extra.details } : {}),
    elasticity: webElasticity(input, "tasks", supply, workload, vcpu),
  };
}

function invariantChecks(
  r: PlatformResult["requests"],
  perMinuteCost: Float64Array,
  totalUsd: number,
  svc: { minCapacity: number; maxCapacity: number; desiredCount: number },
  decisions: Decision[],
): PlatformResult["checks"] {
  return [
    requestsConservedCheck(r),
    costMatchesMetersCheck(perMinuteCost, totalUsd),
    desiredCountWithinBoundsCheck(decisions, svc),
  ];
}
