import { nodeAllocatable } from "../../data/eks.js";
import { instanceType } from "../../data/ec2.js";
import type { Simulation } from "../../engine/sim.js";
import type { TimeMs } from "../../engine/time.js";
import { constantFactor } from "../billing/ec2.js";
import type { CostLedger } from "../billing/ledger.js";
import { forInstanceType, type PerInstanceType } from "../billing/spot.js";
import {
  type AsgInstance,
  AutoScalingGroup,
  INSTANCES_DISTRIBUTION_DEFAULTS,
} from "../ec2/auto-scaling-group.js";
import { InstanceLaunchModel, type LaunchTimeSpec } from "../ec2/instance-launch.js";
import type { Cluster, KNode } from "../k8s/cluster.js";
import type { CaNodeGroup } from "../k8s/cluster-autoscaler.js";

export interface NodeGroupSpec {
  name: string;
  /** Managed node groups and self-managed ones are both EC2 Auto Scaling groups; the label is reported. */
  managed: boolean;
  instanceTypes: readonly string[];
  capacityType: "ON_DEMAND" | "SPOT";
  minSize: number;
  maxSize: number;
  desiredSize: number;
  diskSizeGb: number;
  onDemandPerHour: Readonly<Record<string, number>>;
  /** Off On-Demand, per instance type (the dated Spot snapshot) or one figure for every type. */
  spotDiscount: PerInstanceType;
  spotInterruptionFrequency: number;
  ebsPerGbMonth: number;
  pending: LaunchTimeSpec;
  join: LaunchTimeSpec;
  availabilityZones: readonly string[];
}

/**
 * A node group on the shared EC2 Auto Scaling group model (src/models/ec2/auto-scaling-group.ts): instances
 * launch, bill and take Spot interruptions there; here they become Kubernetes nodes when they join.
 * Managed node groups: On-Demand uses the `prioritized` allocation (first listed type first), Spot uses
 * price-capacity-optimized with no On-Demand share.
 * https://docs.aws.amazon.com/eks/latest/userguide/managed-node-groups.html#managed-node-group-capacity-types
 */
export class EksNodeGroup implements CaNodeGroup {
  readonly id: string;
  readonly minSize: number;
  readonly maxSize: number;
  readonly template: CaNodeGroup["template"];
  readonly asg: AutoScalingGroup;
  private readonly byInstance = new Map<string, KNode>();
  /** Instances chosen for removal: the only ones the ASG may terminate on a decrement. */
  private readonly victims = new Set<string>();

  constructor(
    private readonly sim: Simulation,
    private readonly cluster: Cluster,
    readonly spec: NodeGroupSpec,
    ledger: CostLedger,
    rng: {
      launch: ReturnType<Simulation["rng"]>;
      interruptions: ReturnType<Simulation["rng"]>;
      termination: ReturnType<Simulation["rng"]>;
    },
    private readonly drainMs: TimeMs,
  ) {
    this.id = spec.name;
    this.minSize = spec.minSize;
    this.maxSize = spec.maxSize;
    const t0 = spec.instanceTypes[0];
    const a = nodeAllocatable(t0);
    const info = instanceType(t0);
    const factor = spec.capacityType === "SPOT" ? 1 - forInstanceType(spec.spotDiscount, t0) : 1;
    this.template = {
      cpuMilli: a.cpuMilli,
      memoryMiB: a.memoryMiB,
      pods: a.pods,
      vcpu: info.vcpu,
      memoryGiB: info.memoryMiB / 1024,
      pricePerHour: spec.onDemandPerHour[t0] * factor,
      // Labels the Cluster Autoscaler's AWS comparator does not ignore (eks.amazonaws.com/nodegroup is ignored).
      labels: {
        "node.kubernetes.io/instance-type": t0,
        "eks.amazonaws.com/capacityType": spec.capacityType,
      },
    };
    this.asg = new AutoScalingGroup(
      sim,
      {
        name: spec.name,
        instanceTypes: spec.instanceTypes,
        minSize: spec.minSize,
        maxSize: spec.maxSize,
        desiredCapacity: spec.desiredSize,
        availabilityZones: spec.availabilityZones,
        distribution:
          spec.capacityType === "SPOT"
            ? {
                ...INSTANCES_DISTRIBUTION_DEFAULTS,
                onDemandPercentageAboveBaseCapacity: 0,
                // EKS sets this on the group it creates (the ASG API's own default is lowest-price).
                spotAllocationStrategy: "price-capacity-optimized",
              }
            : INSTANCES_DISTRIBUTION_DEFAULTS,
        launch: new InstanceLaunchModel(spec.pending, spec.join, rng.launch),
        onDemandPerHour: spec.onDemandPerHour,
        onDemandFactor: constantFactor(1),
        spotFactor: constantFactor(1 - forInstanceType(spec.spotDiscount, t0)),
        spotFactorByType:
          typeof spec.spotDiscount === "number"
            ? undefined
            : Object.fromEntries(
                spec.instanceTypes.map((t) => [t, constantFactor(1 - forInstanceType(spec.spotDiscount, t))]),
              ),
        spotInterruptionFrequency: spec.spotInterruptionFrequency,
        rootVolumeGb: spec.diskSizeGb,
        ebsPerGbMonth: spec.ebsPerGbMonth,
        ledger,
        rng: { interruptions: rng.interruptions, termination: rng.termination },
      },
      {
        registered: (i, t) => this.joined(i, t),
        canTerminate: (i) => this.victims.has(i.id),
        spotNotice: (i, t) => {
          const n = this.byInstance.get(i.id);
          if (n) this.cluster.drain(n, t);
        },
        terminated: (i, t) => {
          this.victims.delete(i.id);
          const n = this.byInstance.get(i.id);
          if (n) {
            this.byInstance.delete(i.id);
            this.cluster.removeNode(n, t);
          }
        },
      },
      (type) => instanceType(type).vcpu,
    );
  }

  private joined(i: AsgInstance, t: TimeMs): void {
    const a = nodeAllocatable(i.type);
    const factor = i.market === "spot" ? 1 - forInstanceType(this.spec.spotDiscount, i.type) : 1;
    const node: KNode = {
      id: this.cluster.newNodeId(),
      name: `${this.id}-${i.seq}`,
      group: this.id,
      type: i.type,
      capacityType: i.market,
      zone: i.az,
      allocCpuMilli: a.cpuMilli,
      allocMemoryMiB: a.memoryMiB,
      allocPods: a.pods,
      usedCpuMilli: 0,
      usedMemoryMiB: 0,
      podCount: 0,
      cordoned: false,
      launchedAt: i.launchedAt,
      readyAt: t,
      lastPodEventAt: t,
      pricePerHour: this.spec.onDemandPerHour[i.type] * factor,
    };
    this.byInstance.set(i.id, node);
    this.cluster.addNode(node);
  }

  warmStart(now: TimeMs, atLeast: number): void {
    this.asg.warmStart(now);
    while (this.asg.inService < Math.min(atLeast, this.maxSize)) this.asg.addWarm(now);
  }

  targetSize(): number {
    return this.asg.desired;
  }

  nodes(): KNode[] {
    return [...this.byInstance.values()];
  }

  upcoming(): TimeMs[] {
    const out: TimeMs[] = [];
    for (const i of this.asg.instances)
      if (i.state === "pending" || i.state === "running") out.push(i.launchedAt);
    return out;
  }

  increaseSize(delta: number): void {
    this.asg.setDesired(this.asg.desired + delta);
  }

  /**
   * Drain, wait for the pods to stop, then terminate this instance. The desired capacity drops at once (the
   * autoscaler's target size), but the instance becomes terminable only when its drain is over, so a
   * reconcile triggered meanwhile (an empty node removed in the same pass) cannot terminate it early: the
   * Cluster Autoscaler evicts the pods, honouring their termination grace period (at most
   * --max-graceful-termination-sec), before it deletes the node.
   * https://github.com/kubernetes/autoscaler/blob/master/cluster-autoscaler/FAQ.md#does-ca-respect-gracefulterminationperiod-in-pod-scale-down
   */
  deleteNode(node: KNode): void {
    let inst: string | undefined;
    for (const [id, n] of this.byInstance) if (n === node) inst = id;
    if (inst === undefined) return;
    this.cluster.drain(node, this.sim.now);
    const id = inst;
    this.asg.desired = Math.max(this.minSize, this.asg.desired - 1);
    this.sim.after(node.podCount > 0 ? this.drainMs : 0, () => {
      this.victims.add(id);
      this.asg.reconcile();
    });
  }

  deleteUpcoming(): void {
    let oldest: AsgInstance | undefined;
    for (const i of this.asg.instances)
      if ((i.state === "pending" || i.state === "running") && (!oldest || i.launchedAt < oldest.launchedAt))
        oldest = i;
    if (!oldest) return;
    this.victims.add(oldest.id);
    this.asg.setDesired(this.asg.desired - 1);
  }

  finish(endMs: TimeMs): void {
    this.asg.finish(endMs);
  }
}
