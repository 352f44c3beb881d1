import type { TimeMs } from "../../engine/time.js";
import type { ServiceObserver } from "./service.js";
import type { Task, TaskStatus } from "./task.js";

/**
 * One ECS task state change as the simulation saw it: the data of an EventBridge "ECS Task State Change"
 * event, in simulated milliseconds. `version` counts the task's changes (the `detail.version` AWS
 * increments on every state change, so duplicates can be recognised).
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_task_events.html
 */
export interface TaskEventRecord {
  t: TimeMs;
  taskId: number;
  version: number;
  lastStatus: TaskStatus;
  desiredStatus: "RUNNING" | "STOPPED";
  createdAt: TimeMs;
  pullStartedAt?: TimeMs;
  pullStoppedAt?: TimeMs;
  startedAt?: TimeMs;
  stoppingAt?: TimeMs;
  stoppedAt?: TimeMs;
  stopCode?: Task["stopCode"];
  stoppedReason?: string;
  /** Capacity provider the task was placed with, when the launcher records one. */
  capacityProviderName?: string;
  /** EC2: the container instance the task is placed on (rendered as `containerInstanceArn`). */
  containerInstanceId?: string;
}

/** Who started the tasks: `service:<name>` for a service, `family:<name>` for RunTask. */
export interface TaskEventSource {
  group: string;
  launchType: "FARGATE" | "EC2";
  cpu: number;
  memory: number;
}

/**
 * Records every task state change a service (or a RunTask launcher) notifies. When a task's desired
 * status turns STOPPED, a first event repeats its previous lastStatus with desiredStatus STOPPED: that
 * is the event AWS documents for a Fargate Spot termination notice (lastStatus RUNNING, desiredStatus
 * STOPPED, stopCode TerminationNotice) and for a scheduler-initiated stop before draining begins.
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-capacity-providers.html
 */
export class TaskEventLog implements ServiceObserver {
  readonly records: TaskEventRecord[] = [];
  // Last (status, desiredStatus) per task id; entries are removed when a task stops.
  private readonly seen = new Map<number, { status: TaskStatus; desired: string; version: number }>();

  constructor(readonly source: TaskEventSource) {}

  taskChanged(task: Task, now: TimeMs): void {
    const prev = this.seen.get(task.id);
    let version = prev?.version ?? 0;
    // Same status and desired status (e.g. the target group marking a RUNNING task healthy): no event.
    if (prev && prev.status === task.status && prev.desired === task.desiredStatus) return;
    if (
      prev &&
      prev.desired === "RUNNING" &&
      task.desiredStatus === "STOPPED" &&
      prev.status !== task.status
    ) {
      this.records.push(this.record(task, now, ++version, prev.status));
    }
    this.records.push(this.record(task, now, ++version, task.status));
    if (task.status === "STOPPED") this.seen.delete(task.id);
    else this.seen.set(task.id, { status: task.status, desired: task.desiredStatus, version });
  }

  private record(task: Task, now: TimeMs, version: number, lastStatus: TaskStatus): TaskEventRecord {
    const r: TaskEventRecord = {
      t: now,
      taskId: task.id,
      version,
      lastStatus,
      desiredStatus: task.desiredStatus,
      createdAt: task.createdAt,
    };
    if (task.pullStartedAt !== undefined) r.pullStartedAt = task.pullStartedAt;
    if (task.pullStoppedAt !== undefined && task.pullStoppedAt <= now) r.pullStoppedAt = task.pullStoppedAt;
    if (task.startedAt !== undefined) r.startedAt = task.startedAt;
    if (task.stoppingAt !== undefined) r.stoppingAt = task.stoppingAt;
    if (task.stoppedAt !== undefined) r.stoppedAt = task.stoppedAt;
    if (task.desiredStatus === "STOPPED") {
      if (task.stopCode) r.stopCode = task.stopCode;
      if (task.stoppedReason) r.stoppedReason = task.stoppedReason;
    }
    if (task.capacityProviderName) r.capacityProviderName = task.capacityProviderName;
    if (task.containerInstanceId) r.containerInstanceId = task.containerInstanceId;
    return r;
  }
}
