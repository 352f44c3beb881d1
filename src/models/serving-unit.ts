import type { TimeMs } from "../engine/time.js";

/**
 * Where a serving unit is in its life, as the load balancer sees it. The names are the ECS task lifecycle's
 * (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-lifecycle.html): being given compute →
 * starting → RUNNING → DEACTIVATING (deregistering from the target group, in-flight requests finishing) →
 * STOPPING (SIGTERM: what is still in flight fails) → STOPPED. EKS pods, App Runner instances and queue
 * workers map onto them.
 */
export type ServingStatus = "PROVISIONING" | "PENDING" | "RUNNING" | "DEACTIVATING" | "STOPPING" | "STOPPED";

/**
 * The neutral unit the load balancer, traffic and latency models serve requests with: something that becomes
 * ready, takes requests, drains and stops. ECS tasks and EKS pods implement it.
 */
export interface ServingUnit {
  readonly id: number;
  readonly status: ServingStatus;
  /** Registered and healthy: the load balancer routes requests to it. */
  readonly inService: boolean;
  /** Its containers started. */
  readonly startedAt?: TimeMs;
  /** It passed the target group's health checks. */
  readonly healthyAt?: TimeMs;
}

/** Hears every change of a serving unit (after the owner's counters are updated). */
export interface ServingObserver {
  unitChanged(unit: ServingUnit, now: TimeMs): void;
}

/** What owns serving units (an ECS service, a Deployment): its counts, and who hears its units change. */
export interface ServingTarget {
  /** Units receiving requests from the load balancer. */
  readonly inServiceCount: number;
  /** Units running (the denominator of the service metrics). */
  readonly runningCount: number;
  readonly desiredCount: number;
  /** Observers the traffic model registers with; told of each change before the owner's other observers. */
  readonly servingObservers: ServingObserver[];
  /** A deregistering unit's last in-flight request finished (pods exit then; ECS tasks wait their delay). */
  drained?(unit: ServingUnit): void;
}
