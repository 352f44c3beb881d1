import type { TimeMs } from "../../engine/time.js";
import type { ServingStatus, ServingUnit } from "../serving-unit.js";

/**
 * ECS task lifecycle states.
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-lifecycle.html
 * PROVISIONING → PENDING → RUNNING → DEACTIVATING (load-balancer deregistration) → STOPPING → STOPPED.
 * ACTIVATING and DEPROVISIONING are folded into their neighbours: no model reads them.
 */
export type TaskStatus = ServingStatus;

/** An ECS task: the serving unit of ECS services (and the worker of queue workers and RunTask jobs). */
export interface Task extends ServingUnit {
  readonly id: number;
  status: TaskStatus;
  desiredStatus: "RUNNING" | "STOPPED";
  readonly createdAt: TimeMs;
  /** Image download start: Fargate billing starts here. */
  pullStartedAt?: TimeMs;
  /** Image download finished (set by launchers that model the pull). */
  pullStoppedAt?: TimeMs;
  startedAt?: TimeMs;
  /** Passed the target group's health checks and receives requests. */
  inService: boolean;
  healthyAt?: TimeMs;
  stoppingAt?: TimeMs;
  stoppedAt?: TimeMs;
  stopCode?:
    | "ServiceSchedulerInitiated"
    | "SpotInterruption"
    | "TerminationNotice"
    | "TaskFailedToStart"
    | "EssentialContainerExited"
    | "UserInitiated";
  stoppedReason?: string;
  /** The capacity provider the task was placed with, when the launch type uses a strategy. */
  capacityProviderName?: string;
  /** EC2 launch type: the container instance (ASG instance id) the task is bound to, once placed. */
  containerInstanceId?: string;
}

export function isActive(t: Task): boolean {
  return t.desiredStatus === "RUNNING";
}
