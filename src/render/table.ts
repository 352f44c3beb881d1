import type { Summary } from "../analysis/summary.js";

/**
 * The compact table `scalesim run` prints: one table per kind of work, with the columns that kind is
 * judged by (web services: requests and latency; queue workers: messages and message age; scheduled and
 * event-driven tasks: jobs and completion time).
 */
type PlatformSummary = Summary["platforms"][string];

/** A queue worker's own figures, for the queue table. */
function queueOf(p: PlatformSummary) {
  if (p.kind !== "sqs-worker") throw new Error(`a ${p.kind} platform in the queue table`);
  return p.details.queue;
}

/** Scheduled and event-driven tasks' own figures, for the jobs table. */
function jobsOf(p: PlatformSummary) {
  if (p.kind !== "eventbridge-tasks") throw new Error(`a ${p.kind} platform in the jobs table`);
  return p.details.jobs;
}

interface TableKind {
  title: string;
  /** What the traffic counts for this kind. */
  arrivals: string;
  head: string[];
  row(name: string, p: PlatformSummary): string[];
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const capacity = (p: PlatformSummary) => `${p.capacity.min}/${p.capacity.mean.toFixed(1)}/${p.capacity.max}`;
const scaling = (p: PlatformSummary) => `${p.scaling.scaleOutEvents}/${p.scaling.scaleInEvents}`;

const WEB: TableKind = {
  title: "web services",
  arrivals: "requests",
  head: [
    "platform",
    "cost $",
    "$/M req",
    "$/month",
    "p50 ms",
    "p99 ms",
    "SLO att.",
    "viol. min",
    "tasks min/mean/max",
    "scale out/in",
    "dropped+t/o",
  ],
  row: (name, p) => [
    name,
    p.cost.totalUsd.toFixed(2),
    p.cost.perMillionRequestsUsd.toFixed(3),
    p.cost.monthlyUsd.toFixed(0),
    p.latencyMs.p50.toFixed(1),
    p.latencyMs.p99.toFixed(1),
    pct(p.slo.attainment),
    String(p.slo.violationMinutes),
    capacity(p),
    scaling(p),
    (p.requests.dropped + p.requests.timedOut).toFixed(0),
  ],
};

/** Queue workers: a message's latency is its age from SendMessage to DeleteMessage. */
const QUEUE: TableKind = {
  title: "queue workers",
  arrivals: "messages",
  head: [
    "platform",
    "cost $",
    "$/M msg",
    "$/month",
    "messages",
    "age p50 s",
    "age p99 s",
    "SLO att.",
    "redelivered",
    "dead-lettered",
    "workers min/mean/max",
    "scale out/in",
  ],
  row: (name, p) => {
    const q = queueOf(p);
    return [
      name,
      p.cost.totalUsd.toFixed(2),
      Number(q.costPerMillionMessagesUsd).toFixed(3),
      p.cost.monthlyUsd.toFixed(0),
      Math.round(q.messagesSent).toLocaleString("en-US"),
      (p.latencyMs.p50 / 1000).toFixed(1),
      (p.latencyMs.p99 / 1000).toFixed(1),
      pct(p.slo.attainment),
      String(q.redelivered),
      String(q.deadLettered),
      capacity(p),
      scaling(p),
    ];
  },
};

/** Scheduled and event-driven tasks: each job's completion time from its trigger. */
const JOBS: TableKind = {
  title: "scheduled and event-driven tasks",
  arrivals: "events",
  head: [
    "platform",
    "cost $",
    "$/job",
    "$/month",
    "jobs",
    "completed",
    "lost",
    "done p50 s",
    "done p95 s",
    "done max s",
    "SLO att.",
    "max tasks",
  ],
  row: (name, p) => {
    const j = jobsOf(p);
    const c = j.completionSeconds;
    return [
      name,
      p.cost.totalUsd.toFixed(2),
      Number(j.costPerJobUsd).toFixed(4),
      p.cost.monthlyUsd.toFixed(0),
      String(j.submitted),
      String(j.completed),
      String(j.lost),
      Number(c.p50).toFixed(1),
      Number(c.p95).toFixed(1),
      Number(c.max).toFixed(1),
      pct(p.slo.attainment),
      String(j.maxConcurrentTasks),
    ];
  },
};

function kindOf(p: PlatformSummary): TableKind {
  if (p.kind === "sqs-worker") return QUEUE;
  if (p.kind === "eventbridge-tasks") return JOBS;
  return WEB;
}

function table(kind: TableKind, rows: string[][]): string[] {
  const widths = kind.head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const fmt = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  return [fmt(kind.head), fmt(kind.head.map((_, i) => "-".repeat(widths[i]))), ...rows.map(fmt)];
}

export function summaryTable(s: Summary): string {
  const groups = new Map<TableKind, string[][]>();
  for (const [name, p] of Object.entries(s.platforms)) {
    const k = kindOf(p);
    groups.set(k, [...(groups.get(k) ?? []), k.row(name, p)]);
  }
  const hours = (s.durationSeconds / 3600).toFixed(1);
  const lines = [
    `${s.scenario}: ${hours} h from ${s.start}, ${Math.round(s.traffic.totalRequests).toLocaleString("en-US")} ${groups.size === 1 ? [...groups.keys()][0].arrivals : "arrivals"} (peak ${s.traffic.peakRequestsPerSecond.toFixed(1)}/s), seed ${s.seed}`,
  ];
  for (const [k, rows] of groups) {
    if (groups.size > 1) lines.push("", `${k.title}:`);
    lines.push(...table(k, rows));
  }
  const failed = Object.entries(s.platforms).flatMap(([n, p]) =>
    p.checks.filter((c) => !c.ok).map((c) => `${n}: ${c.name}: ${c.detail}`),
  );
  if (failed.length) lines.push(`invariant checks FAILED: ${failed.join("; ")}`);
  return lines.join("\n");
}
