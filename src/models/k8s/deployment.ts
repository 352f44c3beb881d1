import type { Simulation } from "../../engine/sim.js";
import type { TimeMs } from "../../engine/time.js";
import { inServiceAt, type TargetGroupConfig } from "../alb/target-group.js";
import type { ServingObserver, ServingStatus, ServingTarget, ServingUnit } from "../serving-unit.js";
import type { HpaPod } from "./replica-calculator.js";

/**
 * A pod of the Deployment, from creation to deletion.
 * https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/
 * Pending (unbound, then bound while the image is pulled) → Running (containers started) → Ready (readiness
 * probe passed) → in service (ALB target healthy) → terminating (deletionTimestamp set) → gone.
 */
export interface Pod extends ServingUnit {
  readonly id: number;
  readonly name: string;
  readonly createdAt: TimeMs;
  /** Node it is bound to (node platforms); undefined while unscheduled. */
  nodeId?: number;
  boundAt?: TimeMs;
  /** `status.startTime`: the kubelet (or Fargate) accepted the pod. */
  startTime?: TimeMs;
  /** Fargate billing start (image download). */
  pullStartedAt?: TimeMs;
  /** Containers started: phase Running. */
  runningAt?: TimeMs;
  /** Ready condition became true. */
  readyAt?: TimeMs;
  inService: boolean;
  healthyAt?: TimeMs;
  deletingAt?: TimeMs;
  stoppedAt?: TimeMs;
}

/** Where pods run: a cluster of nodes (scheduler) or Fargate. */
export interface PodHost {
  /** Find capacity for a new pod; call `Deployment.podBound` / `podStarted` as it progresses. */
  place(pod: Pod, d: Deployment): void;
  /** The pod is gone: free its resources and end its billing. */
  release(pod: Pod, now: TimeMs): void;
  /** Place a pod that existed before the run (already running at `now`). */
  warmPlace(pod: Pod, now: TimeMs): void;
  /** Replicas of this Deployment on the pod's node (ReplicaSet scale-down rule 3); 0 off nodes. */
  colocated(pod: Pod): number;
}

export interface DeploymentOptions {
  name: string;
  replicas: number;
  readinessProbe: { initialDelaySeconds: number; periodSeconds: number; successThreshold: number };
  terminationGraceMs: TimeMs;
  targetGroup: TargetGroupConfig;
  /**
   * Expected time for a terminating pod's in-flight requests to finish (from the traffic model); +Infinity
   * when unknown (request mode: the traffic model calls `inFlightDone` when the last one finishes).
   */
  inFlightDrain: (pod: Pod) => TimeMs;
}

/**
 * A Deployment with its ReplicaSet controller: keeps `replicas` pods that are not terminating, creates new
 * ones through the PodHost and deletes by the documented scale-down order. It is the serving capacity the
 * traffic model reads (pods in service behind the ALB), with counters kept on every transition.
 */
export class Deployment implements ServingTarget {
  replicas: number;
  readonly pods: Pod[] = [];
  /** Pods receiving requests (ALB target healthy). */
  inServiceCount = 0;
  /** Pods whose containers run and that are not terminating. */
  runningCount = 0;
  /** Pods not terminating (what the ReplicaSet counts against replicas). */
  activeCount = 0;
  private nextId = 1;
  /** ∫ inServiceCount dt in seconds, for per-pod metrics. */
  private inServiceSeconds = 0;
  private inServiceSince = 0;
  readonly observers: ((pod: Pod, now: TimeMs) => void)[] = [];
  /** The traffic model: told of each pod change before `observers`. */
  readonly servingObservers: ServingObserver[] = [];
  private readonly byId = new Map<number, Pod>();

  constructor(
    private readonly sim: Simulation,
    private readonly host: PodHost,
    readonly opts: DeploymentOptions,
  ) {
    this.replicas = opts.replicas;
  }

  get desiredCount(): number {
    return this.replicas;
  }

  /** Seconds of in-service pod time up to now. */
  inServicePodSeconds(now: TimeMs): number {
    return this.inServiceSeconds + (this.inServiceCount * (now - this.inServiceSince)) / 1000;
  }

  private setInService(delta: number, now: TimeMs): void {
    this.inServiceSeconds = this.inServicePodSeconds(now);
    this.inServiceSince = now;
    this.inServiceCount += delta;
  }

  private newPod(now: TimeMs): Pod {
    const id = this.nextId++;
    const pod = newPod(id, `${this.opts.name}-${id}`, now);
    this.pods.push(pod);
    this.byId.set(id, pod);
    this.activeCount++;
    return pod;
  }

  /** Begin with `replicas` pods running, ready and in service, as a Deployment that existed before the run. */
  warmStart(now: TimeMs): void {
    while (this.activeCount < this.replicas) {
      const pod = this.newPod(now);
      this.host.warmPlace(pod, now);
      pod.startTime = pod.pullStartedAt = pod.runningAt = pod.readyAt = pod.healthyAt = now;
      pod.inService = true;
      this.runningCount++;
      this.setInService(1, now);
      this.notify(pod, now);
    }
  }

  setReplicas(n: number): void {
    this.replicas = n;
    this.reconcile();
  }

  /** The ReplicaSet controller's sync: create or delete pods until the active count matches. */
  reconcile(): void {
    const now = this.sim.now;
    while (this.activeCount > this.replicas) {
      const victim = this.pickForDeletion();
      if (!victim) break;
      this.deletePod(victim, now);
    }
    while (this.activeCount < this.replicas) {
      const pod = this.newPod(now);
      this.notify(pod, now);
      this.host.place(pod, this);
    }
  }

  /**
   * ReplicaSet scale-down order (https://kubernetes.io/docs/concepts/workloads/controllers/replicaset/#scaling-a-replicaset;
   * getPodsToDelete in pkg/controller/replicaset/replica_set.go, ActivePodsWithRanks.Less in
   * pkg/controller/controller_utils.go): unscheduled before scheduled, Pending before Running, not ready before
   * ready, pods whose node holds more active pods of the set first, then the most recently ready, then the
   * newest. Simplifications: pod deletion cost and restart counts are not modelled, and times are compared
   * exactly (upstream's LogarithmicScaleDown buckets them by powers of two and breaks ties by pod UID).
   */
  private pickForDeletion(): Pod | undefined {
    // Rank: active pods of the set on the pod's node (getPodsRankedByRelatedPodsOnSameNode).
    const onNode = new Map<number, number>();
    for (const p of this.pods)
      if (p.deletingAt === undefined && p.nodeId !== undefined)
        onNode.set(p.nodeId, (onNode.get(p.nodeId) ?? 0) + 1);
    let best: Pod | undefined;
    let bestKey: number[] = [];
    for (const p of this.pods) {
      if (p.deletingAt !== undefined) continue;
      const ready = p.readyAt !== undefined;
      const key = [
        p.boundAt === undefined && p.startTime === undefined ? 0 : 1,
        p.runningAt === undefined ? 0 : 1,
        ready ? 1 : 0,
        -(p.nodeId === undefined ? this.host.colocated(p) : (onNode.get(p.nodeId) ?? 0)),
        ready ? -(p.readyAt as number) : 0,
        -p.createdAt,
        -p.id,
      ];
      if (best === undefined || lexLess(key, bestKey)) {
        best = p;
        bestKey = key;
      }
    }
    return best;
  }

  /** Node platforms: the scheduler bound the pod and the kubelet accepted it. */
  podBound(pod: Pod, now: TimeMs): void {
    pod.boundAt = now;
    pod.startTime = now;
    this.notify(pod, now);
  }

  /**
   * Containers started (phase Running). The readiness probe first runs after initialDelaySeconds and the pod
   * is Ready after successThreshold passes periodSeconds apart; the AWS Load Balancer Controller then registers
   * it and, as for any new ALB target, one passing health check puts it in service (target-group.ts).
   * https://kubernetes.io/docs/concepts/configuration/liveness-readiness-startup-probes/
   */
  podStarted(pod: Pod, now: TimeMs): void {
    if (pod.deletingAt !== undefined) return;
    pod.runningAt = now;
    this.runningCount++;
    this.notify(pod, now);
    const pr = this.opts.readinessProbe;
    const readyIn = (pr.initialDelaySeconds + (pr.successThreshold - 1) * pr.periodSeconds) * 1000;
    this.sim.after(readyIn, (t) => {
      if (pod.deletingAt !== undefined) return;
      pod.readyAt = t;
      this.notify(pod, t);
      this.sim.at(inServiceAt(this.opts.targetGroup, t), (t2) => {
        if (pod.deletingAt !== undefined) return;
        pod.inService = true;
        pod.healthyAt = t2;
        this.setInService(1, t2);
        this.notify(pod, t2);
      });
    });
  }

  /**
   * Delete a pod (scale-down or eviction): endpoints drop it at once and the ALB deregisters it, so it takes
   * no new requests; SIGTERM is sent at the same time and the process exits when its in-flight requests are
   * done, at most terminationGracePeriodSeconds later.
   * https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#pod-termination
   */
  deletePod(pod: Pod, now: TimeMs): void {
    if (pod.deletingAt !== undefined) return;
    pod.deletingAt = now;
    this.activeCount--;
    if (pod.runningAt !== undefined) this.runningCount--;
    let delay = 0;
    const wasInService = pod.inService;
    if (wasInService) {
      pod.inService = false;
      this.setInService(-1, now);
    } else if (pod.runningAt !== undefined) {
      delay = Math.min(this.opts.terminationGraceMs, 1000);
    }
    // Observers (the traffic model) see the pod leave the endpoints before its drain time is asked for.
    this.notify(pod, now);
    if (wasInService)
      delay = Math.min(
        this.opts.terminationGraceMs,
        this.opts.targetGroup.deregistrationDelay,
        Math.max(0, Math.ceil(this.opts.inFlightDrain(pod))),
      );
    this.sim.after(delay, (t) => this.podExited(pod, t));
  }

  /** The traffic model's word that a deregistering pod's last request finished. */
  drained(unit: ServingUnit): void {
    const pod = this.byId.get(unit.id);
    if (pod) this.inFlightDone(pod, this.sim.now);
  }

  /** The last in-flight request of a terminating pod finished: its process exits now (request mode). */
  inFlightDone(pod: Pod, now: TimeMs): void {
    if (pod.deletingAt !== undefined) this.podExited(pod, now);
  }

  private podExited(pod: Pod, t: TimeMs): void {
    if (pod.stoppedAt !== undefined) return;
    pod.stoppedAt = t;
    this.host.release(pod, t);
    const i = this.pods.indexOf(pod);
    if (i >= 0) this.pods.splice(i, 1);
    this.byId.delete(pod.id);
    this.notify(pod, t);
  }

  /** Eviction (node drain, Spot notice): delete, then let the ReplicaSet replace the pod. */
  evict(pod: Pod, now: TimeMs): void {
    this.deletePod(pod, now);
    this.reconcile();
  }

  /** The pods as the HPA's replica calculator sees them (requests in millicores and bytes). */
  hpaPods(requests: { cpuMilli: number; memoryMiB: number }): HpaPod[] {
    const out: HpaPod[] = [];
    for (const p of this.pods) {
      out.push({
        name: p.name,
        phase: p.runningAt === undefined ? "Pending" : "Running",
        ready: p.readyAt !== undefined && p.deletingAt === undefined,
        deleting: p.deletingAt !== undefined,
        startTimeMs: p.startTime,
        readyTransitionMs: p.readyAt ?? p.runningAt,
        requests: { cpu: requests.cpuMilli, memory: requests.memoryMiB * 1024 * 1024 },
      });
    }
    return out;
  }

  private notify(pod: Pod, now: TimeMs): void {
    for (const o of this.servingObservers) o.unitChanged(pod, now);
    for (const o of this.observers) o(pod, now);
  }
}

/**
 * A new pod, a serving unit whose status the load balancer reads from its timestamps: gone → STOPPED,
 * terminating after it served → DEACTIVATING (before → STOPPING), containers started → RUNNING, accepted
 * by a kubelet or Fargate → PENDING, else PROVISIONING.
 */
export function newPod(id: number, name: string, createdAt: TimeMs): Pod {
  return {
    id,
    name,
    createdAt,
    inService: false,
    get startedAt() {
      return this.runningAt;
    },
    get status(): ServingStatus {
      if (this.stoppedAt !== undefined) return "STOPPED";
      if (this.deletingAt !== undefined) return this.healthyAt !== undefined ? "DEACTIVATING" : "STOPPING";
      if (this.runningAt !== undefined) return "RUNNING";
      return this.startTime !== undefined ? "PENDING" : "PROVISIONING";
    },
  };
}

function lexLess(a: number[], b: number[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] < b[i];
  return false;
}
