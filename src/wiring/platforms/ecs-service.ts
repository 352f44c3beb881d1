import { num } from "../../assumptions.js";
import { SECOND } from "../../engine/time.js";
import { withRegistrationAssumptions } from "../../models/alb/target-group.js";
import { MetricRegistry } from "../../models/aas/metric-registry.js";
import { publishEcsServiceMetrics } from "../../models/aas/service-metrics.js";
import { type AutoScaling, buildAutoScaling, needsHighResolutionMetrics } from "../aas.js";
import { MetricSeries } from "../../models/cloudwatch/metric.js";
import { EcsService } from "../../models/ecs/service.js";
import { TaskEventLog } from "../../models/ecs/task-events.js";
import { CapacitySteps } from "../../models/platform/capacity-steps.js";
import type { PlatformResult } from "../../models/platform/result.js";
import { serviceTimeOf, trafficWorkload } from "../../models/traffic/index.js";
import type { EcsCompute } from "../../scenario/platforms/ecs-compute.js";
import {
  assembleResult,
  CountRange,
  cpuPercentOfPaid,
  launcherFigures,
  servedCapacity,
} from "./collectors.js";
import { buildCompute } from "./ecs-compute.js";
import {
  albTraffic,
  chargeLoadBalancer,
  desiredCountWithinBoundsCheck,
  serviceMetrics,
  webElasticity,
  servedRequests,
} from "./harness.js";
import type { ClosedBooks, PlatformKind, PlatformRun } from "./skeleton.js";

type Run = PlatformRun<EcsCompute>;

/** The service, its tasks behind the ALB, the traffic, and the collectors that watch the tasks. */
function buildEcsService(run: Run) {
  const { name, platform: p, scenario, assumptions: a } = run.input;
  const { sim, series } = run;
  const w = scenario.workload;
  const service = serviceTimeOf(w, run.input.requestTrace?.serviceMs);
  const highRes = needsHighResolutionMetrics(p.scalingPolicies);
  const metrics = {
    ...serviceMetrics(),
    cpuHighRes: highRes ? new MetricSeries("CPUUtilization (20 s)", 20 * SECOND) : undefined,
    memoryHighRes: highRes ? new MetricSeries("MemoryUtilization (20 s)", 20 * SECOND) : undefined,
  };
  const compute = buildCompute(run, p, `platforms.${name}`);
  const ecs = new EcsService(sim, compute.launcher, {
    name,
    desiredCount: p.service.desiredCount,
    targetGroup: withRegistrationAssumptions(p.loadBalancer, a),
    stopDuration: num(a, "ecs.stopDuration"),
    scaleInSelection: a["ecs.scaleInSelection"] === "oldest" ? "oldest" : "newest",
    launchesPerMinute: compute.launchesPerMinute,
    deployment: p.service.deploymentConfiguration,
  });
  const workload = trafficWorkload(w, service, a);
  // engine.mode picks the fluid or the request-level model (src/models/traffic/index.ts).
  const traffic = albTraffic(run.input, {
    sim,
    workload,
    // MemoryUtilization is measured against memoryReservation when set, else memory (service_utilization.html).
    task: { vcpu: compute.task.vcpu, memoryMiB: p.task.memoryReservation ?? p.task.memory },
    service: ecs,
    loadBalancer: p.loadBalancer,
    metrics,
    minutes: series,
  });
  sim.addContinuous(traffic);
  // Capacity statistics over RUNNING tasks, updated at every task transition.
  const range = new CountRange();
  ecs.observers.push({ taskChanged: () => range.see(ecs.runningCount) });
  // Task state changes for `scalesim run --events` (EventBridge "ECS Task State Change").
  const taskEvents = new TaskEventLog({
    group: `service:${name}`,
    launchType: compute.launchType,
    cpu: p.task.cpu,
    memory: p.task.memory,
  });
  ecs.observers.push(taskEvents);
  // Supply of the elasticity metrics: tasks in service, recorded at each change.
  const supply = new CapacitySteps();
  ecs.observers.push({ taskChanged: (_t, now) => supply.record(now, ecs.inServiceCount) });
  const parts = { compute, ecs, traffic, metrics, workload, range, taskEvents, supply };
  return parts as typeof parts & { autoScaling?: AutoScaling };
}
type Parts = ReturnType<typeof buildEcsService>;

/** Application Auto Scaling: policies read the metrics the models publish (src/wiring/aas.ts). */
function scaleService(q: Parts, run: Run): AutoScaling {
  const { name, platform: p, assumptions } = run.input;
  const { metrics } = q;
  const registry = new MetricRegistry();
  publishEcsServiceMetrics(registry, metrics, run.series);
  return buildAutoScaling({
    sim: run.sim,
    target: q.ecs,
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
    assumptions,
    startMs: run.input.startMs ?? 0,
    durationMs: run.input.durationMs,
    log: run.log,
    path: `platforms.${name}`,
  });
}

function collectEcsService(q: Parts, run: Run, books: ClosedBooks): PlatformResult {
  const { traffic, compute } = q;
  const extra = compute.report();
  const billedSeconds = compute.launcher.billedTaskSeconds;
  const paidVcpuSeconds = extra.paidVcpuSeconds ?? billedSeconds * compute.task.vcpu;
  const controller = q.autoScaling?.controller;
  return assembleResult(run, books, {
    kind: run.input.platform.kind,
    ...servedRequests(traffic),
    capacity: servedCapacity(q.range, traffic.runningTaskSeconds, run.input.durationMs, billedSeconds / 3600),
    scaling: {
      scaleOutEvents: controller?.scaleOutEvents ?? 0,
      scaleInEvents: controller?.scaleInEvents ?? 0,
    },
    utilisation: cpuPercentOfPaid(traffic.cpuSecondsUsed, paidVcpuSeconds),
    checks: [
      desiredCountWithinBoundsCheck(run.decisions, run.input.platform.service),
      ...(extra.checks ?? []),
    ],
    taskEvents: [q.taskEvents],
    ...launcherFigures(extra),
    ...(extra.details ? { details: extra.details } : {}),
    elasticity: webElasticity(run.input, "tasks", q.supply, q.workload, compute.task.vcpu),
  });
}

/**
 * One ECS service behind an ALB, scaled by Application Auto Scaling, against the traffic: the `ecs-fargate`
 * and `ecs-ec2` kinds, which differ only in their compute (ecs-compute.ts): where tasks run, what they cost.
 */
export const ecsServiceKind: PlatformKind<EcsCompute, Parts> = {
  build: buildEcsService,
  // The service exists before the trace starts: its initial tasks are running and healthy at t = 0.
  warmStart(q) {
    q.ecs.warmStart(0);
    q.range.reset(q.ecs.runningCount);
    q.supply.record(0, q.ecs.inServiceCount);
  },
  start(q, run) {
    q.autoScaling = scaleService(q, run);
    q.autoScaling.start();
  },
  finish(q, run) {
    q.compute.launcher.finish(q.ecs.tasks, run.input.durationMs);
    chargeLoadBalancer(run.input, run.ledger, run.series);
  },
  collect: collectEcsService,
};
