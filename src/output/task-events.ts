import { renameSync, rmSync, writeFileSync } from "node:fs";
import { hashName } from "../engine/rng.js";
import { InputError } from "../errors.js";
import type { TaskEventRecord, TaskEventSource } from "../models/ecs/task-events.js";
import type { SimulationResult } from "../simulate.js";

/**
 * Simulated ECS task state changes as EventBridge events, one JSON object per line, in the shape AWS
 * documents (envelope: version "0", id, detail-type, source, account, time, region, resources; `detail`
 * resembling the DescribeTasks Task object with ISO timestamps).
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_task_events.html
 * https://docs.aws.amazon.com/eventbridge/latest/ref/events-structure.html
 *
 * Times are the simulated instants mapped onto the trace's real start; ids and ARNs are hashes of
 * (scenario, platform, task, version), so the same run writes the same bytes.
 */

/** The placeholder account id of AWS's own examples. */
export const EVENT_ACCOUNT = "111122223333";

export interface EventBridgeEvent {
  version: "0";
  id: string;
  "detail-type": "ECS Task State Change";
  source: "aws.ecs";
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: Record<string, unknown>;
}

/** 8 hex digits per hash; `n` hashes of `key/i` concatenated. */
function hex(key: string, n: number): string {
  let s = "";
  for (let i = 0; i < n; i++) s += hashName(`${key}/${i}`).toString(16).padStart(8, "0");
  return s;
}

export function uuid(key: string): string {
  const h = hex(key, 4);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** ISO time of a simulated instant; `seconds` drops the milliseconds as the envelope's `time` does. */
function iso(startMs: number, t: number, seconds = false): string {
  const s = new Date(startMs + t).toISOString();
  return seconds ? `${s.slice(0, 19)}Z` : s;
}

/** A cluster name from the scenario name: letters, digits, hyphens and underscores (CreateCluster). */
export function clusterName(scenario: string): string {
  return scenario.replace(/[^A-Za-z0-9_-]/g, "-").slice(0, 255) || "default";
}

/** The `containers[].lastStatus` of the task's one container (PENDING, RUNNING or STOPPED). */
function containerStatus(s: TaskEventRecord["lastStatus"]): string {
  return s === "PROVISIONING" || s === "PENDING" ? "PENDING" : s === "STOPPED" ? "STOPPED" : "RUNNING";
}

export function taskStateChangeEvent(
  rec: TaskEventRecord,
  src: TaskEventSource,
  ctx: { scenario: string; platform: string; region: string; startMs: number },
): EventBridgeEvent {
  const cluster = clusterName(ctx.scenario);
  const arn = `arn:aws:ecs:${ctx.region}:${EVENT_ACCOUNT}`;
  const taskKey = `${ctx.scenario}/${ctx.platform}/${rec.taskId}`;
  const taskArn = `${arn}:task/${cluster}/${hex(taskKey, 4)}`;
  const family = ctx.platform.replace(/[^A-Za-z0-9_-]/g, "-");
  const at = (t: number | undefined) => (t === undefined ? undefined : iso(ctx.startMs, t));
  const detail: Record<string, unknown> = {
    clusterArn: `${arn}:cluster/${cluster}`,
    containers: [
      {
        containerArn: `${arn}:container/${cluster}/${hex(taskKey, 4)}/${uuid(`${taskKey}/container`)}`,
        lastStatus: containerStatus(rec.lastStatus),
        name: family,
        taskArn,
      },
    ],
    createdAt: at(rec.createdAt),
    launchType: src.launchType,
    capacityProviderName: rec.capacityProviderName,
    // EC2 tasks name their container instance: arn:aws:ecs:region:account:container-instance/cluster/id.
    // https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_task_events.html
    containerInstanceArn:
      rec.containerInstanceId === undefined
        ? undefined
        : `${arn}:container-instance/${cluster}/${hex(`${ctx.scenario}/${ctx.platform}/${rec.containerInstanceId}`, 4)}`,
    cpu: String(src.cpu),
    memory: String(src.memory),
    desiredStatus: rec.desiredStatus,
    group: src.group,
    lastStatus: rec.lastStatus,
    pullStartedAt: at(rec.pullStartedAt),
    pullStoppedAt: at(rec.pullStoppedAt),
    startedAt: at(rec.startedAt),
    stoppingAt: at(rec.stoppingAt),
    stoppedAt: at(rec.stoppedAt),
    stopCode: rec.stopCode,
    stoppedReason: rec.stoppedReason,
    updatedAt: at(rec.t),
    taskArn,
    taskDefinitionArn: `${arn}:task-definition/${family}:1`,
    version: rec.version,
  };
  if (src.launchType === "FARGATE") detail.platformVersion = "1.4.0";
  for (const k of Object.keys(detail)) if (detail[k] === undefined) delete detail[k];
  return {
    version: "0",
    id: uuid(`${taskKey}/${rec.version}`),
    "detail-type": "ECS Task State Change",
    source: "aws.ecs",
    account: EVENT_ACCOUNT,
    time: iso(ctx.startMs, rec.t, true),
    region: ctx.region,
    resources: [taskArn],
    detail,
  };
}

/** Every platform's task events, in time order (ties: platform order, then order of occurrence). */
export function taskEventsJsonl(res: SimulationResult): string {
  const rows: { t: number; p: number; i: number; line: string }[] = [];
  res.platforms.forEach((p, pi) => {
    let i = 0;
    for (const log of p.taskEvents ?? []) {
      for (const rec of log.records) {
        const ev = taskStateChangeEvent(rec, log.source, {
          scenario: res.scenario,
          platform: p.name,
          region: res.region,
          startMs: res.startMs,
        });
        rows.push({ t: rec.t, p: pi, i: i++, line: JSON.stringify(ev) });
      }
    }
  });
  rows.sort((a, b) => a.t - b.t || a.p - b.p || a.i - b.i);
  return rows.map((r) => r.line).join("\n") + (rows.length ? "\n" : "");
}

/** Write the task events to `file` atomically (a temporary sibling renamed into place). */
export function writeTaskEvents(file: string, res: SimulationResult): number {
  const text = taskEventsJsonl(res);
  const tmp = `${file}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(`cannot write the events file (${code ?? String(e)})`, { path: "--events", file });
  }
  return text === "" ? 0 : text.split("\n").length - 1;
}
