import { num } from "../../assumptions.js";
import { withRegistrationAssumptions } from "../../models/alb/target-group.js";
import { EKS_CONTROL_PLANE_PER_HOUR, familyAndSize, nodeAllocatable } from "../../data/eks.js";
import { ebsGp3PricePerGbMonth, instancePrice, instanceType, listInstanceTypes } from "../../data/ec2.js";
import { fargateRates } from "../../data/fargate.js";
import { SECOND, type TimeMs } from "../../engine/time.js";
import { InputError } from "../../errors.js";
import type { Distribution } from "../../scenario/fields.js";
import type { EksPlatform } from "../../scenario/platforms/eks.js";
import { parseK8sMemory, parseMilliCpu } from "../../scenario/units.js";
import type { Decision } from "../../models/decisions.js";
import { InstanceLaunchModel, type LaunchTimeSpec } from "../../models/ec2/instance-launch.js";
import type { ServiceObserver } from "../../models/ecs/service.js";
import type { Task } from "../../models/ecs/task.js";
import { eksFargateSize, FargateProfileHost } from "../../models/eks/fargate-profile.js";
import { KarpenterController } from "../../models/eks/karpenter-controller.js";
import { EksNodeGroup } from "../../models/eks/node-group.js";
import { Cluster } from "../../models/k8s/cluster.js";
import { ClusterAutoscaler, type ExpanderName } from "../../models/k8s/cluster-autoscaler.js";
import { Deployment, type Pod } from "../../models/k8s/deployment.js";
import { HpaController, type HpaMetricSpec, PodMetricsScraper } from "../../models/k8s/hpa-controller.js";
import { allowedOfferings, type InstanceCandidate } from "../../models/k8s/karpenter.js";
import { podsPerNode } from "../../models/k8s/scheduler.js";
import { Lognormal } from "../../models/latency/distributions.js";
import { serviceTimeOf, type TrafficModel, trafficWorkload } from "../../models/traffic/index.js";
import type { PlatformRunInput } from "./ecs-service.js";
import { CapacitySteps } from "../../models/platform/capacity-steps.js";
import {
  albTraffic,
  chargeLoadBalancer,
  closeCost,
  costOf,
  costMatchesMetersCheck,
  requestsConservedCheck,
  serviceMetrics,
  startPlatformRun,
  trafficRequests,
  trafficWarnings,
  webElasticity,
  withinBoundsCheck,
} from "./harness.js";
import type { PlatformResult } from "../../models/platform/result.js";

function launchSpec(d: Distribution | undefined, meanMs: TimeMs): LaunchTimeSpec {
  if (d) return { distribution: d.distribution, mean: d.mean, cv: d.cv };
  return { distribution: "lognormal", mean: meanMs, cv: 0.3 };
}

/**
 * A pod as the request-level traffic model's target (it speaks ECS task states): in service → RUNNING,
 * terminating after serving → DEACTIVATING, gone → STOPPED.
 */
function taskView(pod: Pod, views: Map<number, Task>): Task {
  let t = views.get(pod.id);
  if (!t) {
    t = {
      id: pod.id,
      status: "PROVISIONING",
      desiredStatus: "RUNNING",
      createdAt: pod.createdAt,
      inService: false,
    };
    views.set(pod.id, t);
  }
  t.inService = pod.inService;
  t.startedAt = pod.runningAt;
  t.healthyAt = pod.healthyAt;
  if (pod.stoppedAt !== undefined) {
    t.status = "STOPPED";
    t.desiredStatus = "STOPPED";
    views.delete(pod.id);
  } else if (pod.deletingAt !== undefined) {
    t.desiredStatus = "STOPPED";
    t.status = pod.healthyAt !== undefined ? "DEACTIVATING" : "STOPPING";
  } else if (pod.runningAt !== undefined) t.status = "RUNNING";
  else if (pod.startTime !== undefined) t.status = "PENDING";
  return t;
}

/**
 * An EKS platform: one Deployment behind an ALB, scaled by the HPA, on node groups with the Cluster
 * Autoscaler, on Karpenter, or on a Fargate profile; the same traffic, latency, metrics and billing ledger
 * as the ECS platforms. docs/eks.md
 */
export function runEks(input: PlatformRunInput<EksPlatform>): PlatformResult {
  const { name, platform: p, scenario, assumptions: a } = input;
  const path = `platforms.${name}`;
  const { sim, ledger, series, decisions, log } = startPlatformRun(input);
  const w = scenario.workload;
  const service = serviceTimeOf(w, input.requestTrace?.serviceMs);

  const req = {
    cpuMilli: p.deployment.resources.requests.cpu,
    memoryMiB: p.deployment.resources.requests.memory,
  };
  // A pod runs on at most its CPU limit; without one, on its request (bursting onto idle node CPU is not modelled).
  const podVcpu = (p.deployment.resources.limits?.cpu ?? req.cpuMilli) / 1000;

  // ---- EKS control plane: $0.10 (standard) or $0.60 (extended) per cluster-hour ----
  const cpPerHour = p.controlPlane.pricePerHour ?? EKS_CONTROL_PLANE_PER_HOUR[p.controlPlane.support];
  if (input.durationMs > 0 && cpPerHour > 0) {
    ledger.addInterval(0, input.durationMs, cpPerHour / 3_600_000);
    ledger.addToMeter(
      "eks.control-plane",
      "cluster-hours",
      input.durationMs / 3_600_000,
      (cpPerHour * input.durationMs) / 3_600_000,
    );
  }

  const azs = p.availabilityZones ?? ["a", "b", "c"].map((s) => `${scenario.region}${s}`);
  const rng = (what: string) => sim.rng(`${name}.${what}`);
  const drainMs = Math.min(p.deployment.terminationGracePeriodSeconds * SECOND, 600 * SECOND) + SECOND;
  const pendingMean = num(a, "ec2.pendingTime");
  const joinMean = num(a, "eks.nodeJoinTime");
  const spotDiscount = (s?: { discount?: number }) => s?.discount ?? num(a, "ec2Spot.discount");
  const spotFreq = (s?: { interruptionFrequency?: number }) =>
    s?.interruptionFrequency ?? num(a, "ec2Spot.interruptionFrequency");
  const price = (t: string) => {
    try {
      return instancePrice(t, scenario.region);
    } catch (e) {
      throw e instanceof InputError ? new InputError(e.message, { path }) : e;
    }
  };
  const ebs = () => {
    try {
      return ebsGp3PricePerGbMonth(scenario.region, scenario.billing?.ebsGp3PerGbMonth);
    } catch (e) {
      throw e instanceof InputError ? new InputError(e.message, { path }) : e;
    }
  };

  // ---- Where pods run ----
  let cluster: Cluster | undefined;
  let fargate: FargateProfileHost | undefined;
  let fargateVcpu = 0;
  const groups: EksNodeGroup[] = [];
  let karpenter: KarpenterController | undefined;
  let ca: ClusterAutoscaler | undefined;
  const n = p.nodes;
  if (n.fargateProfile) {
    const size = eksFargateSize(req.cpuMilli, req.memoryMiB);
    if (!size)
      throw new InputError("no Fargate size covers the pod's requests plus 256 MiB", {
        path: `${path}.deployment.resources`,
      });
    const rates = fargateRates(scenario.region, "x86_64");
    if (typeof rates === "string") throw new InputError(rates, { path });
    fargateVcpu = size.cpu / 1024;
    fargate = new FargateProfileHost(sim, {
      size: { vcpu: size.cpu / 1024, memoryGb: size.memoryMiB / 1024 },
      rates,
      provisioningMs: num(a, "eksFargate.provisioningTime"),
      pendingMs: num(a, "fargate.pendingTime"),
      ledger,
      rng: rng("fargate.startup"),
    });
  } else {
    const pull = p.deployment.imagePullTime;
    const pullDist = new Lognormal(pull ? pull.mean : num(a, "eks.imagePullTime"), pull?.cv ?? 0.3);
    const startDist = new Lognormal(num(a, "eks.containerStartTime"), 0.3);
    const pullRng = rng("kubelet.imagePull");
    const startRng = rng("kubelet.containerStart");
    cluster = new Cluster(sim, {
      request: req,
      strategy: p.scheduler.scoringStrategy,
      imagePullMs: () => (pullDist.mean > 0 ? Math.round(pullDist.sample(pullRng)) : 0),
      containerStartMs: () => (startDist.mean > 0 ? Math.round(startDist.sample(startRng)) : 0),
    });
    const groupSpecs = [
      ...(n.managedNodeGroups ?? []).map((g) => ({ g, managed: true })),
      ...(n.selfManagedNodeGroups ?? []).map((g) => ({ g, managed: false })),
    ];
    for (const { g, managed } of groupSpecs) {
      const onDemandPerHour: Record<string, number> = {};
      for (const t of g.instanceTypes) onDemandPerHour[t] = price(t);
      groups.push(
        new EksNodeGroup(
          sim,
          cluster,
          {
            name: g.name,
            managed,
            instanceTypes: g.instanceTypes,
            capacityType: g.capacityType,
            minSize: g.minSize,
            maxSize: g.maxSize,
            desiredSize: g.desiredSize ?? g.minSize,
            diskSizeGb: g.diskSize,
            onDemandPerHour,
            spotDiscount: spotDiscount(g.spot),
            spotInterruptionFrequency: spotFreq(g.spot),
            ebsPerGbMonth: ebs(),
            pending: launchSpec(g.pendingTime, pendingMean),
            join: launchSpec(g.joinTime, joinMean),
            availabilityZones: azs,
          },
          ledger,
          {
            launch: rng(`${g.name}.launch`),
            interruptions: rng(`${g.name}.spot`),
            termination: rng(`${g.name}.termination`),
          },
          drainMs,
        ),
      );
    }
    if (n.clusterAutoscaler) {
      const c = n.clusterAutoscaler;
      ca = new ClusterAutoscaler(
        sim,
        cluster,
        groups,
        {
          expanders: (Array.isArray(c.expander) ? c.expander : [c.expander]) as ExpanderName[],
          priorities: c.priorities,
          scanIntervalMs: c.scanInterval,
          scaleDownEnabled: c.scaleDownEnabled,
          scaleDownUtilizationThreshold: c.scaleDownUtilizationThreshold,
          scaleDownUnneededTimeMs: c.scaleDownUnneededTime,
          scaleDownDelayAfterAddMs: c.scaleDownDelayAfterAdd,
          scaleDownDelayAfterDeleteMs: c.scaleDownDelayAfterDelete ?? c.scanInterval,
          maxEmptyBulkDelete: c.maxEmptyBulkDelete,
          maxNodeProvisionTimeMs: c.maxNodeProvisionTime,
          maxNodesTotal: c.maxNodesTotal,
          maxCoresTotal: c.coresTotal?.max ?? 320_000,
          maxMemoryGiBTotal: c.memoryTotal?.max ?? 6_400_000,
          maxNodesPerScaleUp: c.maxNodesPerScaleUp,
          balanceSimilarNodeGroups: c.balanceSimilarNodeGroups,
          backoff: {
            initialMs: c.initialNodeGroupBackoffDuration,
            maxMs: c.maxNodeGroupBackoffDuration,
            resetTimeoutMs: c.nodeGroupBackoffResetTimeout,
          },
        },
        rng("cluster-autoscaler.expander"),
        log,
      );
    }
    if (n.karpenter) {
      const k = n.karpenter;
      const types: InstanceCandidate[] = [];
      for (const t of listInstanceTypes()) {
        const info = instanceType(t);
        const perHour = info.pricePerHour[scenario.region];
        if (perHour === undefined) continue;
        const { family, size } = familyAndSize(t);
        types.push({
          name: t,
          family,
          size,
          arch: info.arch === "arm64" ? "arm64" : "amd64",
          vcpu: info.vcpu,
          memoryMiB: info.memoryMiB,
          alloc: nodeAllocatable(t),
          onDemandPerHour: perHour,
        });
      }
      const spotFactor = 1 - spotDiscount(k.spot);
      const offerings = allowedOfferings(types, azs, k.nodePool.requirements, spotFactor);
      if (offerings.length === 0)
        throw new InputError("the NodePool's requirements allow no pinned instance type in this region", {
          path: `${path}.nodes.karpenter.nodePool.requirements`,
        });
      if (!offerings.some((o) => podsPerNode(o.type.alloc, req) > 0))
        throw new InputError("no instance type the NodePool allows can hold one pod", {
          path: `${path}.nodes.karpenter.nodePool.requirements`,
        });
      const lim = k.nodePool.limits;
      karpenter = new KarpenterController(
        sim,
        cluster,
        {
          nodePool: "default",
          offerings,
          consolidationPolicy: k.nodePool.disruption.consolidationPolicy,
          consolidateAfterMs:
            k.nodePool.disruption.consolidateAfter === "Never"
              ? null
              : k.nodePool.disruption.consolidateAfter,
          budgets: k.nodePool.disruption.budgets,
          expireAfterMs: k.nodePool.expireAfter === "Never" ? null : k.nodePool.expireAfter,
          batchIdleMs: k.batchIdleDuration,
          batchMaxMs: k.batchMaxDuration,
          limitCpuMilli: lim?.cpu ?? Number.POSITIVE_INFINITY,
          limitMemoryMiB: lim?.memory ?? Number.POSITIVE_INFINITY,
          spotPriceFactor: spotFactor,
          spotInterruptionFrequency: spotFreq(k.spot),
          rootVolumeGb: k.rootVolumeGb,
          ebsPerGbMonth: ebs(),
          drainMs,
          disruptionPollMs: 10 * SECOND,
        },
        new InstanceLaunchModel(
          launchSpec(k.pendingTime, pendingMean),
          launchSpec(k.joinTime, joinMean),
          rng("karpenter.launch"),
        ),
        ledger,
        { interruptions: rng("karpenter.spot") },
        log,
      );
    }
  }
  const host = fargate ?? cluster!;

  // ---- Deployment, traffic, metrics ----
  let traffic: TrafficModel | undefined;
  const views = new Map<number, Task>();
  const observers: ServiceObserver[] = [];
  const deployment = new Deployment(sim, host, {
    name,
    replicas: p.deployment.replicas,
    readinessProbe: p.deployment.readinessProbe,
    terminationGraceMs: p.deployment.terminationGracePeriodSeconds * SECOND,
    targetGroup: withRegistrationAssumptions(p.loadBalancer, a),
    // Request mode: the pod observer below has just built the pod's task view; fluid mode needs none kept.
    inFlightDrain: (pod) =>
      traffic ? traffic.inFlightDrainMs(views.get(pod.id) ?? taskView(pod, new Map())) : 0,
  });
  cluster?.attach(deployment);
  deployment.observers.push((pod, now) => {
    if (observers.length === 0) return;
    const t = taskView(pod, views);
    for (const o of observers) o.taskChanged?.(t, now);
  });
  // The traffic model's view of the Deployment: its counters, and task-shaped observers fed by the pod
  // observer above (the Deployment's own pod observers must stay functions).
  const target = {
    get inServiceCount() {
      return deployment.inServiceCount;
    },
    get runningCount() {
      return deployment.runningCount;
    },
    get desiredCount() {
      return deployment.desiredCount;
    },
    observers,
    drained: (task: Task) => {
      const pod = deployment.pods.find((q) => q.id === task.id);
      if (pod) deployment.inFlightDone(pod, sim.now);
    },
  };
  const workload = trafficWorkload(w, service, a);
  traffic = albTraffic(input, {
    sim,
    workload,
    // Memory utilisation is against the pod's request, as the HPA computes it.
    task: { vcpu: podVcpu, memoryMiB: req.memoryMiB },
    service: target,
    loadBalancer: p.loadBalancer,
    metrics: serviceMetrics(),
    minutes: series,
  });
  sim.addContinuous(traffic);

  let capMin = Number.POSITIVE_INFINITY;
  let capMax = 0;
  deployment.observers.push(() => {
    capMin = Math.min(capMin, deployment.runningCount);
    capMax = Math.max(capMax, deployment.runningCount);
  });
  let nodeMax = 0;
  let nodeSeconds = 0;
  let nodeSince = 0;
  const nodeCount = () =>
    karpenter ? karpenter.nodeCount : groups.reduce((s, g) => s + g.asg.instances.length, 0);
  let lastNodes = 0;
  const trackNodes = (now: TimeMs) => {
    nodeSeconds += (lastNodes * (now - nodeSince)) / 1000;
    nodeSince = now;
    lastNodes = nodeCount();
    nodeMax = Math.max(nodeMax, lastNodes);
  };

  // ---- The cluster existed before the trace: nodes, then pods, ready at t = 0 ----
  if (cluster) {
    for (const g of groups) {
      const perNode = Math.max(1, podsPerNode(nodeAllocatable(g.spec.instanceTypes[0]), req));
      g.warmStart(0, groups.length === 1 ? Math.ceil(p.deployment.replicas / perNode) : 0);
    }
    karpenter?.warmStart(0, p.deployment.replicas);
    cluster.afterSchedule.push(trackNodes);
    sim.every(10 * SECOND, trackNodes, 40);
  }
  // Supply of the elasticity metrics: pods in service (ready, receiving requests), at each change.
  const supply = new CapacitySteps();
  deployment.observers.push((_pod, now) => supply.record(now, deployment.inServiceCount));
  deployment.warmStart(0);
  supply.record(0, deployment.inServiceCount);
  capMin = capMax = deployment.runningCount;
  trackNodes(0);
  ca?.start();
  karpenter?.start();

  // ---- HPA ----
  let hpa: HpaController | undefined;
  if (p.hpa) {
    const h = p.hpa;
    const scraper = new PodMetricsScraper(
      sim,
      deployment,
      () => traffic,
      {
        capacityVcpu: podVcpu,
        cpuIdle: w.cpuIdle,
        memoryBaselineMiB: w.memory?.baseline ?? 0,
        memoryPerInFlightMiB: w.memory?.perInFlight ?? 0,
        serviceMeanMs: service.mean,
      },
      p.metricsResolution,
    );
    scraper.start();
    const metricsSpec: HpaMetricSpec[] = h.metrics.map((m): HpaMetricSpec => {
      if (m.type === "Resource") {
        const t = m.resource.target;
        if (t.type === "Utilization")
          return { type: "Resource", name: m.resource.name, utilization: t.averageUtilization };
        const v = m.resource.name === "cpu" ? parseMilliCpu(t.averageValue) : parseK8sMemory(t.averageValue);
        const value = v.ok ? v.value : 0;
        return {
          type: "ResourceValue",
          name: m.resource.name,
          averageValue: m.resource.name === "cpu" ? value : Math.round(value * 1048576),
        };
      }
      if (m.type === "Pods")
        return { type: "Pods", averageValueMilli: Math.round(m.pods.target.averageValue * 1000) };
      const t = m.external.target;
      return t.type === "Value"
        ? { type: "External", valueMilli: Math.round(t.value * 1000) }
        : { type: "ExternalAverage", averageValueMilli: Math.round(t.averageValue * 1000) };
    });
    hpa = new HpaController(
      sim,
      deployment,
      {
        minReplicas: h.minReplicas,
        maxReplicas: h.maxReplicas,
        metrics: metricsSpec,
        // autoscaling/v2 always carries a behavior (API defaulting fills it), so the behavior path runs.
        behavior: h.behavior ?? {},
        syncPeriodMs: h.syncPeriod,
        tolerance: h.tolerance,
        cpuInitializationPeriodMs: h.cpuInitializationPeriod,
        initialReadinessDelayMs: h.initialReadinessDelay,
      },
      scraper,
      req,
      log,
    );
    hpa.start();
  }

  sim.run(input.durationMs);
  trackNodes(input.durationMs);
  for (const g of groups) g.finish(input.durationMs);
  karpenter?.finish(input.durationMs);
  fargate?.finish(deployment.pods, input.durationMs);

  chargeLoadBalancer(input, ledger, series);
  const { perMinuteCost, totalUsd } = closeCost(ledger, series);
  const requests = trafficRequests(traffic);
  let paidVcpuSeconds = 0;
  if (fargate) paidVcpuSeconds = fargate.billedPodSeconds * fargateVcpu;
  for (const g of groups) paidVcpuSeconds += g.asg.billedVcpuSeconds;
  if (karpenter) paidVcpuSeconds += karpenter.billedVcpuSeconds;
  const checks = invariantChecks(
    requests,
    perMinuteCost,
    totalUsd,
    decisions,
    p.hpa ?? { minReplicas: p.deployment.replicas, maxReplicas: p.deployment.replicas },
  );
  return {
    name,
    kind: p.kind,
    minutes: series,
    requests,
    latency: traffic.latencyTotal(),
    ...trafficWarnings(traffic),
    capacity: {
      min: capMin,
      max: capMax,
      mean: input.durationMs > 0 ? traffic.runningTaskSeconds / (input.durationMs / 1000) : 0,
      taskHours: traffic.runningTaskSeconds / 3600,
      billedTaskHours: fargate ? fargate.billedPodSeconds / 3600 : traffic.runningTaskSeconds / 3600,
    },
    cost: costOf(ledger, totalUsd),
    scaling: { scaleOutEvents: hpa?.scaleUps ?? 0, scaleInEvents: hpa?.scaleDowns ?? 0 },
    utilisation: {
      cpuPercentOfPaid: paidVcpuSeconds > 0 ? (100 * traffic.cpuSecondsUsed) / paidVcpuSeconds : 0,
    },
    decisions,
    checks,
    details: {
      nodes: fargate
        ? "fargate"
        : {
            max: nodeMax,
            mean: input.durationMs > 0 ? nodeSeconds / (input.durationMs / 1000) : 0,
            nodeHours: nodeSeconds / 3600,
          },
      ...(ca ? { clusterAutoscaler: { scaleUps: ca.scaleUps, scaleDowns: ca.scaleDowns } } : {}),
      ...(karpenter
        ? {
            karpenter: {
              launches: karpenter.launches,
              consolidations: karpenter.consolidations,
              expirations: karpenter.expirations,
              spotInterruptions: karpenter.interruptions,
            },
          }
        : {}),
      ...(groups.length
        ? {
            nodeGroups: Object.fromEntries(
              groups.map((g) => [
                g.id,
                { managed: g.spec.managed, launches: g.asg.launches, spotInterruptions: g.asg.interruptions },
              ]),
            ),
          }
        : {}),
      ...(fargate ? { fargatePodSize: { vcpu: fargateVcpu } } : {}),
    },
    elasticity: webElasticity(input, "pods", supply, workload, podVcpu),
  };
}

function invariantChecks(
  r: PlatformResult["requests"],
  perMinuteCost: Float64Array,
  totalUsd: number,
  decisions: Decision[],
  bounds: { minReplicas: number; maxReplicas: number },
): PlatformResult["checks"] {
  const outside = decisions.find(
    (d) => d.controller === "hpa" && (d.to < bounds.minReplicas || d.to > bounds.maxReplicas),
  );
  return [
    requestsConservedCheck(r),
    costMatchesMetersCheck(perMinuteCost, totalUsd),
    withinBoundsCheck(
      "replicas within the HPA's min/max",
      outside,
      bounds.minReplicas,
      bounds.maxReplicas,
      "every HPA decision",
    ),
  ];
}
