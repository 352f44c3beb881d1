import {
  type ApplicationAutoScalingDecision,
  type Decision,
  isApplicationAutoScaling,
} from "../models/decisions.js";
import { clusterName, uuid } from "../output/task-events.js";
import type { SimulationResult } from "../simulate.js";
import { parseIsoMs } from "../trace/series.js";
import { errorAt, type JsonDoc, readJsonDocuments } from "./json-input.js";

/**
 * Application Auto Scaling scaling activities, as `aws application-autoscaling describe-scaling-activities`
 * prints them: `{"ScalingActivities": [{ActivityId, ServiceNamespace, ResourceId, ScalableDimension,
 * Description, Cause, StartTime, EndTime, StatusCode, StatusMessage}], "NextToken"}`.
 * https://docs.aws.amazon.com/autoscaling/application/APIReference/API_ScalingActivity.html
 * https://docs.aws.amazon.com/cli/latest/reference/application-autoscaling/describe-scaling-activities.html
 * The CLI reference's example prints StartTime/EndTime as epoch seconds (1462575838.171); CLI v2 prints
 * ISO 8601 by default (cli_timestamp_format); both are read.
 */

/** What started an activity, read from its `Cause`. */
export type CauseKind = "policy" | "scheduled" | "predictive" | "manual" | "other";

/** StatusCode values of a ScalingActivity (API_ScalingActivity.html). */
export const STATUS_CODES = [
  "Pending",
  "InProgress",
  "Successful",
  "Overridden",
  "Unfulfilled",
  "Failed",
] as const;
export type StatusCode = (typeof STATUS_CODES)[number];

export interface Activity {
  activityId: string;
  resourceId: string;
  startMs: number;
  endMs: number | null;
  /** The desired count the activity set ("Setting desired count to 4."). */
  to: number;
  statusCode: StatusCode;
  cause: string;
  causeKind: CauseKind;
  /** Policy or scheduled action named in the cause. */
  source: string | null;
  description: string;
}

/**
 * Kinds of cause. The policy form is AWS's documented example ("monitor alarm web-app-cpu-lt-25 in state
 * ALARM triggered policy web-app-cpu-lt-25"); AWS prints no example of the others for ECS, so they are
 * recognised by keywords: "scheduled action", "predictive", and a user's request or RegisterScalableTarget
 * call changing the minimum or maximum capacity. Anything else is `other`.
 */
const CAUSES: { kind: CauseKind; re: RegExp }[] = [
  { kind: "policy", re: /triggered policy (\S+)/ },
  { kind: "scheduled", re: /scheduled action(?: name)? (\S+)/i },
  { kind: "predictive", re: /predictive(?: scaling)? policy (\S+)/i },
  {
    kind: "manual",
    re: /(user request|registerscalabletarget|(?:minimum|maximum) capacity was (?:set|changed))/i,
  },
];

export function classifyCause(cause: string): { kind: CauseKind; source: string | null } {
  for (const c of CAUSES) {
    const m = c.re.exec(cause);
    if (m) return { kind: c.kind, source: c.kind === "manual" ? null : m[1] };
  }
  return { kind: "other", source: null };
}

const DESIRED_RE = /desired count to (\d+)/i;

function timeMs(raw: unknown): number {
  if (typeof raw === "number") return Math.round(raw * 1000);
  if (typeof raw === "string") return Math.round(parseIsoMs(raw));
  return Number.NaN;
}

function activitiesOf(doc: JsonDoc): { list: unknown[]; path: (string | number)[] }[] {
  const pages = Array.isArray(doc.json)
    ? doc.json.map((p, i) => ({ p, path: [i] as (string | number)[] }))
    : [{ p: doc.json, path: [] }];
  return pages.map(({ p, path }) => {
    const list = (p as Record<string, unknown> | null)?.ScalingActivities;
    if (!Array.isArray(list))
      throw errorAt(
        doc,
        path,
        'expected describe-scaling-activities output: an object with "ScalingActivities": [...]',
      );
    return { list, path: [...path, "ScalingActivities"] };
  });
}

function parseActivity(doc: JsonDoc, raw: unknown, path: (string | number)[]): Activity {
  const a = (raw ?? {}) as Record<string, unknown>;
  const str = (key: string, required: boolean): string => {
    const v = a[key];
    if (typeof v === "string") return v;
    if (v === undefined && !required) return "";
    throw errorAt(doc, [...path, key], `expected a string${v === undefined ? " (missing)" : ""}`);
  };
  const startMs = timeMs(a.StartTime);
  if (!Number.isFinite(startMs))
    throw errorAt(doc, [...path, "StartTime"], "expected epoch seconds or an ISO 8601 time");
  const endMs = a.EndTime === undefined ? null : timeMs(a.EndTime);
  if (endMs !== null && !Number.isFinite(endMs))
    throw errorAt(doc, [...path, "EndTime"], "expected epoch seconds or an ISO 8601 time");
  const statusCode = str("StatusCode", true);
  if (!(STATUS_CODES as readonly string[]).includes(statusCode))
    throw errorAt(doc, [...path, "StatusCode"], `expected one of ${STATUS_CODES.join(", ")}`);
  const dimension = str("ScalableDimension", false);
  if (dimension && dimension !== "ecs:service:DesiredCount")
    throw errorAt(
      doc,
      [...path, "ScalableDimension"],
      "only ECS services (ecs:service:DesiredCount) are backtested",
    );
  const description = str("Description", true);
  const m = DESIRED_RE.exec(description);
  if (!m) throw errorAt(doc, [...path, "Description"], 'expected "Setting desired count to N."');
  const cause = str("Cause", false);
  const { kind, source } = classifyCause(cause);
  return {
    activityId: str("ActivityId", false),
    resourceId: str("ResourceId", false),
    startMs,
    endMs,
    to: Number(m[1]),
    statusCode: statusCode as StatusCode,
    cause,
    causeKind: kind,
    source,
    description,
  };
}

/** Parse describe-scaling-activities output (one or several pages); activities sorted by start time. */
export function parseActivities(docs: JsonDoc[]): Activity[] {
  const seen = new Map<string, Activity>();
  const out: Activity[] = [];
  const resources = new Set<string>();
  for (const doc of docs) {
    for (const { list, path } of activitiesOf(doc)) {
      list.forEach((raw, i) => {
        const act = parseActivity(doc, raw, [...path, i]);
        // Pages fetched twice, or overlapping exports, repeat an activity: keep one.
        if (act.activityId && seen.has(act.activityId)) return;
        if (act.activityId) seen.set(act.activityId, act);
        if (act.resourceId) resources.add(act.resourceId);
        if (resources.size > 1)
          throw errorAt(
            doc,
            [...path, i, "ResourceId"],
            `activities of several resources (${[...resources].join(", ")}); export one service (--resource-id)`,
          );
        out.push(act);
      });
    }
  }
  return out.sort((x, y) => x.startMs - y.startMs);
}

export function readActivities(file: string): Activity[] {
  return parseActivities(readJsonDocuments(file, "--activities"));
}

/** The scaling actions of Application Auto Scaling in a platform's decision log. */
export function scalingActions(decisions: readonly Decision[]): ApplicationAutoScalingDecision[] {
  return decisions.filter(
    (d): d is ApplicationAutoScalingDecision =>
      isApplicationAutoScaling(d) && (d.action === "scale-out" || d.action === "scale-in") && d.to !== d.from,
  );
}

/** The Cause AWS would record for a simulated decision. */
function simulatedCause(d: ApplicationAutoScalingDecision, resourceId: string, key: string): string {
  const policy = String(d.policy ?? "policy");
  if (d.controller === "applicationAutoScaling.scheduled")
    return `scheduled action name ${policy} was triggered`;
  if (d.controller === "applicationAutoScaling.predictive")
    return `predictive scaling policy ${policy} forecast`;
  const inputs = d.inputs?.[policy];
  const side = d.action === "scale-out" ? "AlarmHigh" : "AlarmLow";
  // Target tracking names its alarms TargetTracking-<resource>-AlarmHigh-<uuid> (as the console lists them).
  const alarm =
    inputs !== undefined && "target" in inputs
      ? `TargetTracking-${resourceId}-${side}-${uuid(key)}`
      : `${policy}-alarm`;
  return `monitor alarm ${alarm} in state ALARM triggered policy ${policy}`;
}

export interface ActivitiesOptions {
  /** Platform whose decisions to write (default: the first with Application Auto Scaling actions). */
  platform?: string;
  /** scaling.activityDuration: EndTime − StartTime. */
  activityDurationMs: number;
}

/** The platform a history is written from or compared with. */
export function pickPlatform(res: SimulationResult, name: string | undefined) {
  if (name !== undefined) return res.platforms.find((p) => p.name === name);
  return res.platforms.find((p) => scalingActions(p.decisions).length > 0) ?? res.platforms[0];
}

/**
 * A run's Application Auto Scaling decisions as describe-scaling-activities output, in time order, with
 * ids hashed from (scenario, platform, decision index) so the same run writes the same bytes.
 */
export function activitiesJson(res: SimulationResult, opts: ActivitiesOptions): string {
  const p = pickPlatform(res, opts.platform);
  const resourceId = `service/${clusterName(res.scenario)}/${p?.name ?? "service"}`;
  const acts = (p ? scalingActions(p.decisions) : []).map((d, i) => {
    const key = `${res.scenario}/${p?.name}/activity/${i}`;
    const start = res.startMs + Math.round(d.t * 1000);
    return {
      ActivityId: uuid(key),
      ServiceNamespace: "ecs",
      ResourceId: resourceId,
      ScalableDimension: "ecs:service:DesiredCount",
      Description: `Setting desired count to ${d.to}.`,
      Cause: simulatedCause(d, resourceId, key),
      StartTime: start / 1000,
      EndTime: (start + opts.activityDurationMs) / 1000,
      StatusCode: "Successful",
      StatusMessage: `Successfully set desired count to ${d.to}. Change successfully fulfilled by ecs.`,
    };
  });
  return `${JSON.stringify({ ScalingActivities: acts }, null, 2)}\n`;
}
