import { ec2SpotDiscountFor, type PerInstanceType } from "../../models/billing/spot.js";
import { num } from "../../assumptions.js";
import { ebsGp3PricePerGbMonth, instancePrice, instanceType, listInstanceTypes } from "../../data/ec2.js";
import { EKS_CONTROL_PLANE_PER_HOUR, familyAndSize, nodeAllocatable } from "../../data/eks.js";
import { fargateRates } from "../../data/fargate.js";
import { SECOND, type TimeMs } from "../../engine/time.js";
import { InputError } from "../../errors.js";
import { withRegistrationAssumptions } from "../../models/alb/target-group.js";
import { InstanceLaunchModel, type LaunchTimeSpec } from "../../models/ec2/instance-launch.js";
import { eksFargateSize, FargateProfileHost } from "../../models/eks/fargate-profile.js";
import { KarpenterController } from "../../models/eks/karpenter-controller.js";
import { EksNodeGroup } from "../../models/eks/node-group.js";
import { Cluster } from "../../models/k8s/cluster.js";
import { ClusterAutoscaler, type ExpanderName } from "../../models/k8s/cluster-autoscaler.js";
import { Deployment } from "../../models/k8s/deployment.js";
import { HpaController, type HpaMetricSpec, PodMetricsScraper } from "../../models/k8s/hpa-controller.js";
import { allowedOfferings, type InstanceCandidate } from "../../models/k8s/karpenter.js";
import { podsPerNode } from "../../models/k8s/scheduler.js";
import { Lognormal } from "../../models/latency/distributions.js";
import { CapacitySteps } from "../../models/platform/capacity-steps.js";
import type { EksDetails, PlatformResult } from "../../models/platform/result.js";
import { serviceTimeOf, type TrafficModel, trafficWorkload } from "../../models/traffic/index.js";
import type { Distribution } from "../../scenario/fields.js";
import type { EksPlatform } from "../../scenario/platforms/eks.js";
import { parseK8sMemory, parseMilliCpu } from "../../scenario/units.js";
import { assembleResult, CountRange, cpuPercentOfPaid, servedCapacity } from "./collectors.js";
import {
  albTraffic,
  chargeLoadBalancer,
  serviceMetrics,
  webElasticity,
  withinBoundsCheck,
  servedRequests,
} from "./harness.js";
import type { ClosedBooks, PlatformKind, PlatformRun } from "./skeleton.js";

type Run = PlatformRun<EksPlatform>;
type PodRequest = { cpuMilli: number; memoryMiB: number };

function launchSpec(d: Distribution | undefined, meanMs: TimeMs): LaunchTimeSpec {
  if (d) return { distribution: d.distribution, mean: d.mean, cv: d.cv };
  return { distribution: "lognormal", mean: meanMs, cv: 0.3 };
}

/** The EKS control plane: $0.10 (standard) or $0.60 (extended support) per cluster-hour. */
function chargeControlPlane(run: Run): void {
  const { platform: p, durationMs } = run.input;
  const perHour = p.controlPlane.pricePerHour ?? EKS_CONTROL_PLANE_PER_HOUR[p.controlPlane.support];
  if (durationMs <= 0 || perHour <= 0) return;
  run.ledger.addInterval(0, durationMs, perHour / 3_600_000);
  run.ledger.addToMeter(
    "eks.control-plane",
    "cluster-hours",
    durationMs / 3_600_000,
    (perHour * durationMs) / 3_600_000,
  );
}

/** Prices and launch times the node providers share, with errors pointing at the platform. */
function nodeTerms(run: Run) {
  const { name, scenario, assumptions: a } = run.input;
  const path = `platforms.${name}`;
  const rethrow = (e: unknown) => (e instanceof InputError ? new InputError(e.message, { path }) : e);
  return {
    azs: run.input.platform.availabilityZones ?? ["a", "b", "c"].map((s) => `${scenario.region}${s}`),
    drainMs:
      Math.min(run.input.platform.deployment.terminationGracePeriodSeconds * SECOND, 600 * SECOND) + SECOND,
    pendingMean: num(a, "ec2.pendingTime"),
    joinMean: num(a, "eks.nodeJoinTime"),
    // A Spot discount of the scenario's own applies to every type; without one, each type's comes from the
    // dated per-region snapshot where it has one (data/ec2-prices-skypilot.txt), else ec2Spot.discount.
    spotDiscount: (s?: { discount?: number }): PerInstanceType =>
      s?.discount ?? ((type: string) => ec2SpotDiscountFor(type, scenario.region, a)),
    spotFreq: (s?: { interruptionFrequency?: number }) =>
      s?.interruptionFrequency ?? num(a, "ec2Spot.interruptionFrequency"),
    price: (t: string) => {
      try {
        return instancePrice(t, scenario.region);
      } catch (e) {
        throw rethrow(e);
      }
    },
    ebs: () => {
      try {
        return ebsGp3PricePerGbMonth(scenario.region, scenario.billing?.ebsGp3PerGbMonth);
      } catch (e) {
        throw rethrow(e);
      }
    },
  };
}
type NodeTerms = ReturnType<typeof nodeTerms>;

/** A Fargate profile: each pod on its own Fargate capacity, sized from its requests. */
function fargateProfile(run: Run, req: PodRequest) {
  const { name, scenario, assumptions: a } = run.input;
  const path = `platforms.${name}`;
  const size = eksFargateSize(req.cpuMilli, req.memoryMiB);
  if (!size)
    throw new InputError("no Fargate size covers the pod's requests plus 256 MiB", {
      path: `${path}.deployment.resources`,
    });
  const rates = fargateRates(scenario.region, "x86_64");
  if (typeof rates === "string") throw new InputError(rates, { path });
  const host = new FargateProfileHost(run.sim, {
    size: { vcpu: size.cpu / 1024, memoryGb: size.memoryMiB / 1024 },
    rates,
    provisioningMs: num(a, "eksFargate.provisioningTime"),
    pendingMs: num(a, "fargate.pendingTime"),
    ledger: run.ledger,
    rng: run.sim.rng(`${name}.fargate.startup`),
  });
  return { host, vcpu: size.cpu / 1024 };
}

/** The cluster's scheduler and kubelets: pods bind to nodes, pull their image and start their containers. */
function kubeletCluster(run: Run, req: PodRequest): Cluster {
  const { name, platform: p, assumptions: a } = run.input;
  const rng = (what: string) => run.sim.rng(`${name}.${what}`);
  const pull = p.deployment.imagePullTime;
  const pullDist = new Lognormal(pull ? pull.mean : num(a, "eks.imagePullTime"), pull?.cv ?? 0.3);
  const startDist = new Lognormal(num(a, "eks.containerStartTime"), 0.3);
  const pullRng = rng("kubelet.imagePull");
  const startRng = rng("kubelet.containerStart");
  return new Cluster(run.sim, {
    request: req,
    strategy: p.scheduler.scoringStrategy,
    imagePullMs: () => (pullDist.mean > 0 ? Math.round(pullDist.sample(pullRng)) : 0),
    containerStartMs: () => (startDist.mean > 0 ? Math.round(startDist.sample(startRng)) : 0),
  });
}

/** Managed and self-managed node groups, each an Auto Scaling group of nodes. */
function nodeGroups(run: Run, cluster: Cluster, t: NodeTerms): EksNodeGroup[] {
  const { name, platform: p } = run.input;
  const n = p.nodes;
  const specs = [
    ...(n.managedNodeGroups ?? []).map((g) => ({ g, managed: true })),
    ...(n.selfManagedNodeGroups ?? []).map((g) => ({ g, managed: false })),
  ];
  return specs.map(({ g, managed }) => {
    const onDemandPerHour: Record<string, number> = {};
    for (const type of g.instanceTypes) onDemandPerHour[type] = t.price(type);
    const rng = (what: string) => run.sim.rng(`${name}.${g.name}.${what}`);
    return new EksNodeGroup(
      run.sim,
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
        spotDiscount: t.spotDiscount(g.spot),
        spotInterruptionFrequency: t.spotFreq(g.spot),
        ebsPerGbMonth: t.ebs(),
        pending: launchSpec(g.pendingTime, t.pendingMean),
        join: launchSpec(g.joinTime, t.joinMean),
        availabilityZones: t.azs,
      },
      run.ledger,
      { launch: rng("launch"), interruptions: rng("spot"), termination: rng("termination") },
      t.drainMs,
    );
  });
}

/** The Cluster Autoscaler over the node groups, with the scenario's flags. */
function clusterAutoscaler(
  run: Run,
  cluster: Cluster,
  groups: EksNodeGroup[],
): ClusterAutoscaler | undefined {
  const c = run.input.platform.nodes.clusterAutoscaler;
  if (!c) return undefined;
  return new ClusterAutoscaler(
    run.sim,
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
    run.sim.rng(`${run.input.name}.cluster-autoscaler.expander`),
    run.log,
  );
}

/** Every pinned instance type of the region, as Karpenter's candidates. */
function karpenterCandidates(region: string): InstanceCandidate[] {
  const types: InstanceCandidate[] = [];
  for (const t of listInstanceTypes()) {
    const info = instanceType(t);
    const perHour = info.pricePerHour[region];
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
  return types;
}

/** Karpenter with one NodePool: the offerings its requirements allow, its limits and disruption settings. */
function karpenter(
  run: Run,
  cluster: Cluster,
  req: PodRequest,
  t: NodeTerms,
): KarpenterController | undefined {
  const { name, platform: p, scenario } = run.input;
  const k = p.nodes.karpenter;
  if (!k) return undefined;
  const discount = t.spotDiscount(k.spot);
  const spotFactor = typeof discount === "number" ? 1 - discount : (type: string) => 1 - discount(type);
  const offerings = allowedOfferings(
    karpenterCandidates(scenario.region),
    t.azs,
    k.nodePool.requirements,
    spotFactor,
  );
  const path = `platforms.${name}.nodes.karpenter.nodePool.requirements`;
  if (offerings.length === 0)
    throw new InputError("the NodePool's requirements allow no pinned instance type in this region", {
      path,
    });
  if (!offerings.some((o) => podsPerNode(o.type.alloc, req) > 0))
    throw new InputError("no instance type the NodePool allows can hold one pod", { path });
  const lim = k.nodePool.limits;
  const disruption = k.nodePool.disruption;
  return new KarpenterController(
    run.sim,
    cluster,
    {
      nodePool: "default",
      offerings,
      consolidationPolicy: disruption.consolidationPolicy,
      consolidateAfterMs: disruption.consolidateAfter === "Never" ? null : disruption.consolidateAfter,
      budgets: disruption.budgets,
      expireAfterMs: k.nodePool.expireAfter === "Never" ? null : k.nodePool.expireAfter,
      batchIdleMs: k.batchIdleDuration,
      batchMaxMs: k.batchMaxDuration,
      limitCpuMilli: lim?.cpu ?? Number.POSITIVE_INFINITY,
      limitMemoryMiB: lim?.memory ?? Number.POSITIVE_INFINITY,
      spotPriceFactor: spotFactor,
      spotInterruptionFrequency: t.spotFreq(k.spot),
      rootVolumeGb: k.rootVolumeGb,
      ebsPerGbMonth: t.ebs(),
      drainMs: t.drainMs,
      disruptionPollMs: 10 * SECOND,
    },
    new InstanceLaunchModel(
      launchSpec(k.pendingTime, t.pendingMean),
      launchSpec(k.joinTime, t.joinMean),
      run.sim.rng(`${name}.karpenter.launch`),
    ),
    run.ledger,
    { interruptions: run.sim.rng(`${name}.karpenter.spot`) },
    run.log,
  );
}

/** Where pods run: a Fargate profile, or nodes of node groups (with the Cluster Autoscaler) or of Karpenter. */
function podHosts(run: Run, req: PodRequest) {
  if (run.input.platform.nodes.fargateProfile) {
    const fargate = fargateProfile(run, req);
    return { fargate: fargate.host, fargateVcpu: fargate.vcpu, groups: [] as EksNodeGroup[] };
  }
  const t = nodeTerms(run);
  const cluster = kubeletCluster(run, req);
  const groups = nodeGroups(run, cluster, t);
  const ca = clusterAutoscaler(run, cluster, groups);
  return { cluster, groups, ca, karpenter: karpenter(run, cluster, req, t), fargateVcpu: 0 };
}

/** The Deployment behind the ALB and the traffic that reaches its pods. */
function deploymentWithTraffic(
  run: Run,
  host: FargateProfileHost | Cluster,
  podVcpu: number,
  req: PodRequest,
) {
  const { name, platform: p, scenario, assumptions: a } = run.input;
  const { sim } = run;
  let traffic: TrafficModel | undefined;
  const deployment = new Deployment(sim, host, {
    name,
    replicas: p.deployment.replicas,
    readinessProbe: p.deployment.readinessProbe,
    terminationGraceMs: p.deployment.terminationGracePeriodSeconds * SECOND,
    targetGroup: withRegistrationAssumptions(p.loadBalancer, a),
    inFlightDrain: (pod) => (traffic ? traffic.inFlightDrainMs(pod) : 0),
  });
  if (host instanceof Cluster) host.attach(deployment);
  const service = serviceTimeOf(scenario.workload, run.input.requestTrace?.serviceMs);
  const workload = trafficWorkload(scenario.workload, service, a);
  traffic = albTraffic(run.input, {
    sim,
    workload,
    // Memory utilisation is against the pod's request, as the HPA computes it.
    task: { vcpu: podVcpu, memoryMiB: req.memoryMiB },
    // The pods are the serving units the load balancer routes to (src/models/serving-unit.ts).
    service: deployment,
    loadBalancer: p.loadBalancer,
    metrics: serviceMetrics(),
    minutes: run.series,
  });
  sim.addContinuous(traffic);
  return { deployment, traffic, workload, serviceMeanMs: service.mean };
}

/** Node count over time: its maximum and node-seconds, sampled at each scheduling pass and every 10 s. */
class NodeTracker {
  max = 0;
  seconds = 0;
  private since: TimeMs = 0;
  private last = 0;
  constructor(private readonly count: () => number) {}
  readonly track = (now: TimeMs): void => {
    this.seconds += (this.last * (now - this.since)) / 1000;
    this.since = now;
    this.last = this.count();
    this.max = Math.max(this.max, this.last);
  };
}

function buildEks(run: Run) {
  const p = run.input.platform;
  chargeControlPlane(run);
  const req = {
    cpuMilli: p.deployment.resources.requests.cpu,
    memoryMiB: p.deployment.resources.requests.memory,
  };
  // A pod runs on at most its CPU limit; without one, on its request (bursting onto idle node CPU is not modelled).
  const podVcpu = (p.deployment.resources.limits?.cpu ?? req.cpuMilli) / 1000;
  const hosts = podHosts(run, req);
  const web = deploymentWithTraffic(run, hosts.fargate ?? hosts.cluster!, podVcpu, req);
  const { deployment } = web;
  const range = new CountRange();
  deployment.observers.push(() => range.see(deployment.runningCount));
  // Supply of the elasticity metrics: pods in service (ready, receiving requests), at each change.
  const supply = new CapacitySteps();
  deployment.observers.push((_pod, now) => supply.record(now, deployment.inServiceCount));
  const { karpenter: k, groups } = hosts;
  const nodes = new NodeTracker(() =>
    k ? k.nodeCount : groups.reduce((s, g) => s + g.asg.instances.length, 0),
  );
  const parts = { ...hosts, ...web, req, podVcpu, range, supply, nodes };
  return parts as typeof parts & { hpa?: HpaController };
}
type Parts = ReturnType<typeof buildEks>;

/** The cluster existed before the trace: nodes, then pods, ready at t = 0. */
function warmStartEks(q: Parts, run: Run): void {
  const replicas = run.input.platform.deployment.replicas;
  if (q.cluster) {
    for (const g of q.groups) {
      const perNode = Math.max(1, podsPerNode(nodeAllocatable(g.spec.instanceTypes[0]), q.req));
      g.warmStart(0, q.groups.length === 1 ? Math.ceil(replicas / perNode) : 0);
    }
    q.karpenter?.warmStart(0, replicas);
    q.cluster.afterSchedule.push(q.nodes.track);
    run.sim.every(10 * SECOND, q.nodes.track, 40);
  }
  q.deployment.warmStart(0);
  q.supply.record(0, q.deployment.inServiceCount);
  q.range.reset(q.deployment.runningCount);
  q.nodes.track(0);
}

/** The HPA's metric specs in the controller's units (milli-units, bytes). */
function hpaMetricSpecs(h: NonNullable<EksPlatform["hpa"]>): HpaMetricSpec[] {
  return h.metrics.map((m): HpaMetricSpec => {
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
}

/** The HPA over the Deployment, reading pod metrics the metrics server scrapes. */
function startHpa(q: Parts, run: Run): HpaController | undefined {
  const { platform: p, scenario } = run.input;
  const h = p.hpa;
  if (!h) return undefined;
  const w = scenario.workload;
  const scraper = new PodMetricsScraper(
    run.sim,
    q.deployment,
    () => q.traffic,
    {
      capacityVcpu: q.podVcpu,
      cpuIdle: w.cpuIdle,
      memoryBaselineMiB: w.memory?.baseline ?? 0,
      memoryPerInFlightMiB: w.memory?.perInFlight ?? 0,
      serviceMeanMs: q.serviceMeanMs,
    },
    p.metricsResolution,
  );
  scraper.start();
  const hpa = new HpaController(
    run.sim,
    q.deployment,
    {
      minReplicas: h.minReplicas,
      maxReplicas: h.maxReplicas,
      metrics: hpaMetricSpecs(h),
      // autoscaling/v2 always carries a behavior (API defaulting fills it), so the behavior path runs.
      behavior: h.behavior ?? {},
      syncPeriodMs: h.syncPeriod,
      tolerance: h.tolerance,
      cpuInitializationPeriodMs: h.cpuInitializationPeriod,
      initialReadinessDelayMs: h.initialReadinessDelay,
    },
    scraper,
    q.req,
    run.log,
  );
  hpa.start();
  return hpa;
}

/** The `details` of an EKS platform: nodes, the node providers' counts, the Fargate pod size. */
function eksDetails(q: Parts, durationMs: TimeMs): EksDetails {
  const { fargate, ca, karpenter: k, groups } = q;
  return {
    nodes: fargate
      ? "fargate"
      : {
          max: q.nodes.max,
          mean: durationMs > 0 ? q.nodes.seconds / (durationMs / 1000) : 0,
          nodeHours: q.nodes.seconds / 3600,
        },
    ...(ca ? { clusterAutoscaler: { scaleUps: ca.scaleUps, scaleDowns: ca.scaleDowns } } : {}),
    ...(k
      ? {
          karpenter: {
            launches: k.launches,
            consolidations: k.consolidations,
            expirations: k.expirations,
            spotInterruptions: k.interruptions,
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
    ...(fargate ? { fargatePodSize: { vcpu: q.fargateVcpu } } : {}),
  };
}

function collectEks(q: Parts, run: Run, books: ClosedBooks): PlatformResult {
  const { traffic, fargate } = q;
  const p = run.input.platform;
  let paidVcpuSeconds = fargate ? fargate.billedPodSeconds * q.fargateVcpu : 0;
  for (const g of q.groups) paidVcpuSeconds += g.asg.billedVcpuSeconds;
  if (q.karpenter) paidVcpuSeconds += q.karpenter.billedVcpuSeconds;
  const bounds = p.hpa ?? { minReplicas: p.deployment.replicas, maxReplicas: p.deployment.replicas };
  const outside = run.decisions.find(
    (d) => d.controller === "hpa" && (d.to < bounds.minReplicas || d.to > bounds.maxReplicas),
  );
  const runningSeconds = traffic.runningTaskSeconds;
  const billedHours = (fargate ? fargate.billedPodSeconds : runningSeconds) / 3600;
  return assembleResult(run, books, {
    kind: "eks",
    ...servedRequests(traffic),
    capacity: servedCapacity(q.range, runningSeconds, run.input.durationMs, billedHours),
    scaling: { scaleOutEvents: q.hpa?.scaleUps ?? 0, scaleInEvents: q.hpa?.scaleDowns ?? 0 },
    utilisation: cpuPercentOfPaid(traffic.cpuSecondsUsed, paidVcpuSeconds),
    checks: [
      withinBoundsCheck(
        "replicas within the HPA's min/max",
        outside,
        bounds.minReplicas,
        bounds.maxReplicas,
        "every HPA decision",
      ),
    ],
    details: eksDetails(q, run.input.durationMs),
    elasticity: webElasticity(run.input, "pods", q.supply, q.workload, q.podVcpu),
  });
}

/**
 * An EKS platform: one Deployment behind an ALB, scaled by the HPA, on node groups with the Cluster
 * Autoscaler, on Karpenter, or on a Fargate profile; the same traffic, latency, metrics and billing ledger
 * as the ECS platforms. docs/eks.md
 */
export const eksKind: PlatformKind<EksPlatform, Parts> = {
  build: buildEks,
  warmStart: warmStartEks,
  start(q, run) {
    q.ca?.start();
    q.karpenter?.start();
    q.hpa = startHpa(q, run);
  },
  finish(q, run) {
    const end = run.input.durationMs;
    q.nodes.track(end);
    for (const g of q.groups) g.finish(end);
    q.karpenter?.finish(end);
    q.fargate?.finish(q.deployment.pods, end);
    chargeLoadBalancer(run.input, run.ledger, run.series);
  },
  collect: collectEks,
};
