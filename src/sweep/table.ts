/**
 * The sweep table: one row per (variant, platform), replications reduced to means with confidence
 * intervals, flagged for the SLO and the Pareto frontiers. Built only from the plan and the run records,
 * in plan order, so one machine, any worker count and merged shards all write the same bytes.
 */
import { r } from "../analysis/summary.js";
import type { PlanMeta } from "./plan.js";
import { cheapest, paretoFront } from "./rank.js";
import { canonicalJson } from "./path.js";
import { meanCi } from "./stats.js";
import type { RunRecord } from "./store.js";
import type { RunMetrics } from "./task.js";

export interface SweepRow {
  variant: number;
  id: string;
  params: Record<string, unknown>;
  platform: string;
  kind: string;
  /** ok: every replication ran; failed: one or more failed (error says why); missing: not run yet. */
  status: "ok" | "failed" | "missing";
  replications: number;
  failedReplications: number;
  costUsd: number;
  costUsdCi: number | null;
  monthlyUsd: number;
  perMillionUsd: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  p99MsCi: number | null;
  sloLatencyMs: number;
  sloPercentile: number;
  requestsWithinLatency: number;
  sloAttainment: number;
  sloAttainmentCi: number | null;
  violationMinutes: number;
  meanTasks: number;
  maxTasks: number;
  taskHours: number;
  scaleOut: number;
  scaleIn: number;
  dropped: number;
  timedOut: number;
  checksOk: boolean;
  /** Every replication met the scenario's thresholds for this platform; null when it sets none. */
  thresholdsOk: boolean | null;
  meetsSlo: boolean;
  paretoCostP99: boolean;
  paretoCostP99Slo: boolean;
  error: string;
}

export interface SweepTable {
  format: "scalesim-sweep-table/1";
  scenario: string;
  plan: string;
  seeds: string;
  replications: number;
  confidence: number;
  minAttainment: number | null;
  runs: { total: number; ok: number; failed: number; missing: number };
  paramKeys: string[];
  rows: SweepRow[];
  groupBy: string[];
  /** The ranking, within each group of equal `groupBy` values (one group without groupBy). */
  groups: RankGroup[];
}

export interface RankGroup {
  params: Record<string, unknown>;
  candidates: number;
  /** Rows on the frontier of cost against p99, and of cost, p99 and SLO attainment (`v012/fargate`). */
  frontierCostP99: string[];
  frontierCostP99Slo: string[];
  cheapestMeetingSlo: string | null;
}

/** `v012/fargate`: how ranking lists refer to rows. */
export function rowRef(row: Pick<SweepRow, "id" | "platform">): string {
  return `${row.id}/${row.platform}`;
}

const NUMERIC: (keyof RunMetrics)[] = [
  "costUsd",
  "monthlyUsd",
  "perMillionUsd",
  "p50Ms",
  "p95Ms",
  "p99Ms",
  "sloAttainment",
  "requestsWithinLatency",
  "violationMinutes",
  "meanTasks",
  "maxTasks",
  "taskHours",
  "scaleOut",
  "scaleIn",
  "dropped",
  "timedOut",
];

export function buildTable(meta: PlanMeta, records: ReadonlyMap<string, RunRecord>): SweepTable {
  const runsOf = new Map<number, RunRecord[]>();
  let ok = 0;
  let failed = 0;
  let missing = 0;
  const perVariant: { rec: RunRecord | undefined }[][] = meta.variants.map(() => []);
  for (const run of meta.runs) {
    const rec = records.get(run.key);
    perVariant[run.variant].push({ rec });
    if (!rec) missing++;
    else if (rec.status === "ok") ok++;
    else failed++;
    if (rec) runsOf.set(run.variant, [...(runsOf.get(run.variant) ?? []), rec]);
  }
  const rows: SweepRow[] = [];
  for (const v of meta.variants) {
    const slots = perVariant[v.index];
    const recs = runsOf.get(v.index) ?? [];
    const okRecs = recs.filter((x) => x.status === "ok");
    const firstError = recs.find((x) => x.status === "failed")?.error ?? "";
    const nFailed = recs.length - okRecs.length;
    const status: SweepRow["status"] = nFailed > 0 ? "failed" : recs.length < slots.length ? "missing" : "ok";
    const platforms = okRecs.length ? Object.keys(okRecs[0].platforms ?? {}) : [""];
    for (const name of platforms) {
      const ms = okRecs.map((x) => x.platforms?.[name]).filter((m): m is RunMetrics => m !== undefined);
      rows.push(makeRow(meta, v, name, ms, status, slots.length, nFailed, firstError));
    }
  }
  const groups = rank(rows, meta.minAttainment, meta.groupBy ?? []);
  return {
    format: "scalesim-sweep-table/1",
    scenario: meta.scenario,
    plan: meta.hash,
    seeds: meta.seeds,
    replications: meta.replications,
    confidence: meta.confidence,
    minAttainment: meta.minAttainment,
    runs: { total: meta.runs.length, ok, failed, missing },
    paramKeys: meta.paramKeys,
    rows,
    groupBy: meta.groupBy ?? [],
    groups,
  };
}

function makeRow(
  meta: PlanMeta,
  v: PlanMeta["variants"][number],
  platform: string,
  ms: RunMetrics[],
  status: SweepRow["status"],
  replications: number,
  failedReplications: number,
  error: string,
): SweepRow {
  const mean: Record<string, number> = {};
  for (const k of NUMERIC) {
    let s = 0;
    for (const m of ms) s += m[k] as number;
    mean[k] = ms.length ? r(s / ms.length) : Number.NaN;
  }
  const ci = (k: keyof RunMetrics) => {
    const h = meanCi(
      ms.map((m) => m[k] as number),
      meta.confidence,
    ).halfWidth;
    return Number.isFinite(h) ? r(h) : null;
  };
  return {
    variant: v.index,
    id: v.id,
    params: v.params,
    platform,
    kind: ms[0]?.kind ?? "",
    status,
    replications,
    failedReplications,
    costUsd: mean.costUsd,
    costUsdCi: ci("costUsd"),
    monthlyUsd: r(mean.monthlyUsd, 2),
    perMillionUsd: mean.perMillionUsd,
    p50Ms: r(mean.p50Ms, 3),
    p95Ms: r(mean.p95Ms, 3),
    p99Ms: r(mean.p99Ms, 3),
    p99MsCi: ci("p99Ms"),
    sloLatencyMs: ms[0]?.sloLatencyMs ?? Number.NaN,
    sloPercentile: ms[0]?.sloPercentile ?? Number.NaN,
    requestsWithinLatency: mean.requestsWithinLatency,
    sloAttainment: mean.sloAttainment,
    sloAttainmentCi: ci("sloAttainment"),
    violationMinutes: mean.violationMinutes,
    meanTasks: r(mean.meanTasks, 4),
    maxTasks: mean.maxTasks,
    taskHours: r(mean.taskHours, 4),
    scaleOut: mean.scaleOut,
    scaleIn: mean.scaleIn,
    dropped: r(mean.dropped, 3),
    timedOut: r(mean.timedOut, 3),
    checksOk: ms.length > 0 && ms.every((m) => m.checksOk),
    thresholdsOk: ms.some((m) => m.thresholdsOk !== null && m.thresholdsOk !== undefined)
      ? ms.every((m) => m.thresholdsOk === true)
      : null,
    meetsSlo: false,
    paretoCostP99: false,
    paretoCostP99Slo: false,
    error,
  };
}

/**
 * Candidates are rows whose every replication ran and passed the invariant checks. A candidate meets the
 * SLO when at least `percentile` % of all its requests finished within the SLO latency (dropped and
 * timed-out requests count as misses) and, with `minAttainment`, that share of minutes met it too.
 * Frontiers and the cheapest candidate are found within each group of equal `groupBy` values.
 */
function rank(rows: SweepRow[], minAttainment: number | null, groupBy: readonly string[]): RankGroup[] {
  const byGroup = new Map<string, SweepRow[]>();
  for (const x of rows) {
    const g = canonicalJson(groupBy.map((k) => x.params[k] ?? null));
    byGroup.set(g, [...(byGroup.get(g) ?? []), x]);
  }
  const groups: RankGroup[] = [];
  // Map iteration follows first appearance in plan order: deterministic.
  for (const members of byGroup.values()) {
    const cand = members.filter((x) => x.status === "ok" && x.checksOk);
    for (const x of cand) {
      x.meetsSlo =
        x.requestsWithinLatency >= x.sloPercentile / 100 - 1e-12 &&
        (minAttainment === null || x.sloAttainment >= minAttainment - 1e-12);
    }
    for (const i of paretoFront(cand.map((x) => [x.costUsd, x.p99Ms]))) cand[i].paretoCostP99 = true;
    for (const i of paretoFront(cand.map((x) => [x.costUsd, x.p99Ms, -x.sloAttainment])))
      cand[i].paretoCostP99Slo = true;
    const best = cheapest(
      cand.map((x) => x.costUsd),
      cand.map((x) => x.p99Ms),
      cand.map((x) => x.meetsSlo),
    );
    const params: Record<string, unknown> = {};
    for (const k of groupBy) params[k] = members[0].params[k] ?? null;
    groups.push({
      params,
      candidates: cand.length,
      frontierCostP99: cand.filter((x) => x.paretoCostP99).map(rowRef),
      frontierCostP99Slo: cand.filter((x) => x.paretoCostP99Slo).map(rowRef),
      cheapestMeetingSlo: best >= 0 ? rowRef(cand[best]) : null,
    });
  }
  return groups;
}

// --- files ---------------------------------------------------------------------------------------------

const CSV_COLUMNS: [string, (x: SweepRow) => unknown][] = [
  ["platform", (x) => x.platform],
  ["kind", (x) => x.kind],
  ["status", (x) => x.status],
  ["replications", (x) => x.replications],
  ["failed", (x) => x.failedReplications],
  ["cost_usd", (x) => x.costUsd],
  ["cost_usd_ci", (x) => x.costUsdCi],
  ["monthly_usd", (x) => x.monthlyUsd],
  ["usd_per_million", (x) => x.perMillionUsd],
  ["p50_ms", (x) => x.p50Ms],
  ["p95_ms", (x) => x.p95Ms],
  ["p99_ms", (x) => x.p99Ms],
  ["p99_ms_ci", (x) => x.p99MsCi],
  ["slo_latency_ms", (x) => x.sloLatencyMs],
  ["slo_percentile", (x) => x.sloPercentile],
  ["requests_within_slo", (x) => x.requestsWithinLatency],
  ["slo_attainment", (x) => x.sloAttainment],
  ["slo_attainment_ci", (x) => x.sloAttainmentCi],
  ["violation_minutes", (x) => x.violationMinutes],
  ["mean_tasks", (x) => x.meanTasks],
  ["max_tasks", (x) => x.maxTasks],
  ["task_hours", (x) => x.taskHours],
  ["scale_out", (x) => x.scaleOut],
  ["scale_in", (x) => x.scaleIn],
  ["dropped", (x) => x.dropped],
  ["timed_out", (x) => x.timedOut],
  ["checks_ok", (x) => x.checksOk],
  ["thresholds_ok", (x) => x.thresholdsOk],
  ["meets_slo", (x) => x.meetsSlo],
  ["pareto_cost_p99", (x) => x.paretoCostP99],
  ["pareto_cost_p99_slo", (x) => x.paretoCostP99Slo],
  ["error", (x) => x.error],
];

function csvCell(v: unknown): string {
  if (v === null || v === undefined || (typeof v === "number" && Number.isNaN(v))) return "";
  const s = typeof v === "object" ? JSON.stringify(v) : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function tableCsv(t: SweepTable): string {
  const head = ["variant", "id", ...t.paramKeys, ...CSV_COLUMNS.map(([h]) => h)];
  const lines = [head.map(csvCell).join(",")];
  for (const x of t.rows) {
    lines.push(
      [x.variant, x.id, ...t.paramKeys.map((k) => x.params[k]), ...CSV_COLUMNS.map(([, f]) => f(x))]
        .map(csvCell)
        .join(","),
    );
  }
  return `${lines.join("\n")}\n`;
}

export function tableJson(t: SweepTable): string {
  // NaN (a row without results) is not JSON: write null.
  return `${JSON.stringify(t, (_k, v) => (typeof v === "number" && !Number.isFinite(v) ? null : v), 1)}\n`;
}

/** Short parameter names for printing: the last path segment, or the whole path where that is ambiguous. */
function shortNames(keys: readonly string[]): Map<string, string> {
  const last = (k: string) =>
    k
      .split(/[.[\]"]+/)
      .filter(Boolean)
      .pop() ?? k;
  const m = new Map<string, string>();
  for (const k of keys) m.set(k, keys.filter((o) => last(o) === last(k)).length > 1 ? k : last(k));
  return m;
}

function paramText(
  t: SweepTable,
  row: SweepRow,
  names: Map<string, string>,
  skip: ReadonlySet<string> = new Set(),
): string {
  return t.paramKeys
    .filter((k) => k in row.params && !skip.has(k))
    .map(
      (k) =>
        `${names.get(k)}=${typeof row.params[k] === "object" ? JSON.stringify(row.params[k]) : String(row.params[k])}`,
    )
    .join(" ");
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const withCi = (x: number, ci: number | null, digits: number) =>
  ci === null ? x.toFixed(digits) : `${x.toFixed(digits)}±${ci.toFixed(digits)}`;

/** The ranking as printed after a sweep and written to ranking.txt. */
export function rankingText(t: SweepTable): string {
  const names = shortNames(t.paramKeys);
  const byRef = new Map(t.rows.map((x) => [rowRef(x), x]));
  const cand = t.rows.filter((x) => x.status === "ok" && x.checksOk);
  const reps =
    t.replications === 1
      ? "1 replication"
      : `${t.replications} replications (means, ${Math.round(t.confidence * 100)}% intervals)`;
  const lines = [
    `${t.scenario}: ${t.rows.length ? new Set(t.rows.map((x) => x.variant)).size : 0} variants × ${reps} = ${t.runs.total} runs; ${t.runs.ok} ok, ${t.runs.failed} failed${t.runs.missing ? `, ${t.runs.missing} missing` : ""}; ${t.seeds} seeds`,
  ];
  const first = cand[0];
  if (first) {
    const att = t.minAttainment !== null ? ` and in ${pct(t.minAttainment)} of minutes` : "";
    lines.push(`SLO: ${first.sloPercentile}% of requests within ${first.sloLatencyMs} ms${att}`);
  }
  const describe = (x: SweepRow) =>
    `${rowRef(x)}: $${withCi(x.costUsd, x.costUsdCi, 2)}, p99 ${withCi(x.p99Ms, x.p99MsCi, 1)} ms, ${pct(x.requestsWithinLatency)} of requests within SLO, ${pct(x.sloAttainment)} of minutes  [${paramText(t, x, names)}]`;
  const grouped = new Set(t.groupBy);
  for (const g of t.groups) {
    const members = t.rows.filter((x) =>
      t.groupBy.every((k) => canonicalJson(x.params[k] ?? null) === canonicalJson(g.params[k])),
    );
    const gc = members.filter((x) => x.status === "ok" && x.checksOk);
    if (t.groupBy.length)
      lines.push("", `${t.groupBy.map((k) => `${names.get(k)}=${JSON.stringify(g.params[k])}`).join(" ")}:`);
    const best = g.cheapestMeetingSlo ? byRef.get(g.cheapestMeetingSlo) : undefined;
    if (best) lines.push(`cheapest meeting the SLO: ${describe(best)}`);
    else if (gc.length) {
      const closest = [...gc].sort(
        (a, b) => b.requestsWithinLatency - a.requestsWithinLatency || a.costUsd - b.costUsd,
      )[0];
      lines.push(`no variant meets the SLO; closest: ${describe(closest)}`);
    } else lines.push("no variant finished: nothing to rank");
    const front = g.frontierCostP99
      .map((ref) => byRef.get(ref)!)
      .sort((a, b) => a.costUsd - b.costUsd || a.p99Ms - b.p99Ms || a.variant - b.variant);
    if (!front.length) continue;
    lines.push(
      `Pareto frontier, cost vs p99 (${front.length} of ${gc.length}; cost–p99–SLO frontier: ${g.frontierCostP99Slo.length}):`,
    );
    const head = ["variant", "cost $", "p99 ms", "within SLO", "SLO min.", "run meets", "parameters"];
    const shown = (x: SweepRow) => paramText(t, x, names, grouped);
    const body = front.map((x) => [
      rowRef(x),
      withCi(x.costUsd, x.costUsdCi, 2),
      withCi(x.p99Ms, x.p99MsCi, 1),
      pct(x.requestsWithinLatency),
      pct(x.sloAttainment),
      x.meetsSlo ? "yes" : "no",
      shown(x),
    ]);
    const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
    const fmt = (cells: string[]) =>
      `  ${cells.map((c, i) => (i === 0 || i === cells.length - 1 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ")}`.trimEnd();
    lines.push(fmt(head), ...body.map(fmt));
  }
  const failed = t.rows.filter((x) => x.status === "failed");
  if (failed.length) {
    lines.push(`failed variants (${new Set(failed.map((x) => x.id)).size}):`);
    const ids = [...new Map(failed.map((x) => [x.id, x.error])).entries()];
    for (const [id, error] of ids.slice(0, 10)) lines.push(`  ${id}: ${error}`);
    if (ids.length > 10) lines.push(`  … and ${ids.length - 10} more in sweep.csv`);
  }
  return `${lines.join("\n")}\n`;
}
