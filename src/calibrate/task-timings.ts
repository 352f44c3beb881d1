import { errorAt, type JsonDoc, readJsonDocuments } from "../backtest/json-input.js";
import { parseIsoMs } from "../trace/series.js";

/**
 * Start-up and stop timings of ECS tasks and container instances, read from what AWS exports:
 * - EventBridge "ECS Task State Change" events, one JSON object per line (`detail` is the DescribeTasks
 *   Task: createdAt, pullStartedAt, pullStoppedAt, startedAt, stoppingAt, stoppedAt, launchType);
 *   https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_task_events.html
 * - `aws ecs describe-tasks` output (`{"tasks": [...], "failures": [...]}`, the same Task fields);
 *   https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Task.html
 * - for EC2 capacity, "EC2 Instance State-change Notification" events (`detail.instance-id`,
 *   `detail.state` pending/running at the event's `time`) and "ECS Container Instance State Change"
 *   events (`detail.ec2InstanceId`, `detail.registeredAt`).
 *   https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/monitoring-instance-state-changes.html
 *   https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_container_instance_events.html
 * Several events of one task are merged (the latest `version` wins a field both carry).
 */
export interface TaskTiming {
  taskArn: string;
  launchType: "FARGATE" | "EC2";
  createdAt?: number;
  pullStartedAt?: number;
  pullStoppedAt?: number;
  startedAt?: number;
  stoppingAt?: number;
  stoppedAt?: number;
}

export interface InstanceTiming {
  instanceId: string;
  pendingAt?: number;
  runningAt?: number;
  registeredAt?: number;
}

export interface Timings {
  tasks: TaskTiming[];
  instances: InstanceTiming[];
}

const TASK_TIMES = [
  "createdAt",
  "pullStartedAt",
  "pullStoppedAt",
  "startedAt",
  "stoppingAt",
  "stoppedAt",
] as const;

function timeMs(raw: unknown): number {
  if (typeof raw === "number") return Math.round(raw > 1e11 ? raw : raw * 1000);
  if (typeof raw === "string") return Math.round(parseIsoMs(raw));
  return Number.NaN;
}

class TimingsBuilder {
  private readonly tasks = new Map<string, TaskTiming & { version: number }>();
  private readonly instances = new Map<string, InstanceTiming>();

  task(doc: JsonDoc, t: Record<string, unknown>, path: (string | number)[]): void {
    if (typeof t.taskArn !== "string") throw errorAt(doc, [...path, "taskArn"], "expected a string");
    const version = typeof t.version === "number" ? t.version : 0;
    let rec = this.tasks.get(t.taskArn);
    if (!rec) {
      const launchType =
        t.launchType === "EC2" || (t.launchType === undefined && t.containerInstanceArn) ? "EC2" : "FARGATE";
      rec = { taskArn: t.taskArn, launchType, version };
      this.tasks.set(t.taskArn, rec);
    }
    const newer = version >= rec.version;
    for (const k of TASK_TIMES) {
      if (t[k] === undefined || t[k] === null) continue;
      const ms = timeMs(t[k]);
      if (!Number.isFinite(ms))
        throw errorAt(doc, [...path, k], "expected epoch seconds or an ISO 8601 time");
      if (newer || rec[k] === undefined) rec[k] = ms;
    }
    if (newer) rec.version = version;
  }

  instance(id: string): InstanceTiming {
    let rec = this.instances.get(id);
    if (!rec) {
      rec = { instanceId: id };
      this.instances.set(id, rec);
    }
    return rec;
  }

  event(doc: JsonDoc, e: Record<string, unknown>, path: (string | number)[]): void {
    const type = e["detail-type"];
    const detail = (e.detail ?? {}) as Record<string, unknown>;
    if (type === "ECS Task State Change") this.task(doc, detail, [...path, "detail"]);
    else if (type === "ECS Container Instance State Change") {
      if (typeof detail.ec2InstanceId === "string" && detail.registeredAt !== undefined) {
        const ms = timeMs(detail.registeredAt);
        if (!Number.isFinite(ms))
          throw errorAt(doc, [...path, "detail", "registeredAt"], "expected an ISO 8601 time");
        this.instance(detail.ec2InstanceId).registeredAt = ms;
      }
    } else if (type === "EC2 Instance State-change Notification") {
      const id = detail["instance-id"];
      const at = timeMs(e.time);
      if (typeof id !== "string" || !Number.isFinite(at))
        throw errorAt(doc, path, "expected detail.instance-id and time");
      if (detail.state === "pending") this.instance(id).pendingAt = at;
      if (detail.state === "running") this.instance(id).runningAt = at;
    }
    // Other events (deployments, service actions) carry no task timing: skipped.
  }

  doc(doc: JsonDoc): void {
    const j = doc.json as Record<string, unknown>;
    if (Array.isArray(j)) {
      for (const [i, e] of j.entries()) this.event(doc, (e ?? {}) as Record<string, unknown>, [i]);
    } else if (j && typeof j === "object" && "detail-type" in j) this.event(doc, j, []);
    else if (j && Array.isArray(j.tasks)) {
      for (const [i, t] of j.tasks.entries())
        this.task(doc, (t ?? {}) as Record<string, unknown>, ["tasks", i]);
    } else
      throw errorAt(
        doc,
        [],
        'expected EventBridge events (with "detail-type") or describe-tasks output ("tasks": [...])',
      );
  }

  build(): Timings {
    return {
      tasks: [...this.tasks.values()].map(({ version: _v, ...t }) => t),
      instances: [...this.instances.values()],
    };
  }
}

/** Timings from any number of files of events (JSON lines or arrays) and describe-tasks output. */
export function parseTimings(docs: JsonDoc[]): Timings {
  const b = new TimingsBuilder();
  for (const d of docs) b.doc(d);
  return b.build();
}

export function readTimings(files: { file: string; option: string }[]): Timings {
  return parseTimings(files.flatMap((f) => readJsonDocuments(f.file, f.option)));
}
