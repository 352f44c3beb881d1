import { backtestSentence } from "./backtest-chart.js";
import { type Comparison, explainComparison, meetsSlo } from "../analysis/compare.js";
import type { ReportInput } from "../analysis/input.js";
import { type Plan, planSentences, recommendedIds } from "../analysis/planning.js";
import { paramsText, shortParamNames, sweepMeetsSlo } from "../analysis/pareto.js";
import { formatMetricValue } from "../analysis/thresholds.js";

/**
 * The report as Markdown for a pull-request comment: verdict first (thresholds), then the numbers per
 * platform, the recommendation, the comparison, and the assumptions folded away. Text only, so it reads
 * the same wherever it is pasted; the charts are in the HTML report and as PNG/SVG files.
 */

export interface MarkdownContext {
  input: ReportInput;
  plan: Plan | undefined;
  comparison: Comparison | undefined;
  /** Chart files to link, relative to the Markdown file (omitted for a PR comment). */
  chartLinks?: { title: string; path: string }[];
}

/** Escape a table cell. */
const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");
const usd = (v: number, d = 2) =>
  `$${v.toLocaleString("en-US", { minimumFractionDigits: d, maximumFractionDigits: d })}`;
const pct = (v: number, d = 1) => `${(v * 100).toFixed(d)}%`;

function table(head: string[], rows: string[][], align?: ("l" | "r")[]): string[] {
  const a = align ?? head.map((_, i) => (i === 0 ? "l" : "r"));
  return [
    `| ${head.map(cell).join(" | ")} |`,
    `|${a.map((x) => (x === "r" ? "---:" : ":---")).join("|")}|`,
    ...rows.map((r) => `| ${r.map(cell).join(" | ")} |`),
  ];
}

export const SWEEP_TABLE_ROWS = 15;

export function reportMarkdown(ctx: MarkdownContext): string {
  const { input, plan, comparison } = ctx;
  const s = input.summary;
  const out: string[] = [];
  const name = s?.scenario ?? input.sweep?.scenario ?? input.backtest?.scenario ?? "sweep";
  out.push(`## scalesim report: ${name}`, "");
  if (s) {
    const hours = (s.durationSeconds / 3600).toFixed(1);
    const first = Object.values(s.platforms)[0];
    const slo = first ? ` · SLO p${first.slo.percentile} ≤ ${first.slo.latencyMs} ms` : "";
    out.push(
      `${hours} h from ${s.start} · ${Math.round(s.traffic.totalRequests).toLocaleString("en-US")} requests (peak ${s.traffic.peakRequestsPerSecond.toFixed(1)}/s) · seed ${s.seed} · ${s.region}${slo}`,
      "",
    );
  }

  const th = input.thresholds;
  if (th && th.total > 0) {
    out.push(
      th.passed
        ? `**Thresholds: all ${th.total} passed.**`
        : `**Thresholds: ${th.failed} of ${th.total} FAILED.**`,
      "",
    );
    const sorted = [...th.results].sort((a, b) => Number(a.ok) - Number(b.ok));
    out.push(
      ...table(
        ["result", "platform", "metric", "threshold", "actual"],
        sorted.map((r) => [
          r.ok ? "pass" : "**FAIL**",
          r.platform,
          r.metric,
          r.expression,
          formatMetricValue(r.metric, r.actual),
        ]),
        ["l", "l", "l", "l", "r"],
      ),
      "",
    );
  }

  if (s && Object.keys(s.platforms).length > 0) {
    out.push("### Platforms", "");
    out.push(
      ...table(
        [
          "platform",
          "kind",
          "$/month",
          "$/M req",
          "p50 ms",
          "p99 ms",
          "SLO minutes",
          "req. within SLO",
          "run meets SLO (requests)",
          "tasks min/mean/max",
          "CPU of paid",
          "failed req.",
        ],
        Object.entries(s.platforms).map(([n, p]) => [
          n,
          p.kind,
          usd(p.cost.monthlyUsd),
          p.cost.perMillionRequestsUsd.toFixed(3),
          p.latencyMs.p50.toFixed(1),
          p.latencyMs.p99.toFixed(1),
          pct(p.slo.attainment),
          pct(p.slo.requestsWithinLatency, 2),
          meetsSlo(p) ? "yes" : "no",
          `${p.capacity.min}/${p.capacity.mean.toFixed(1)}/${p.capacity.max}`,
          `${p.utilisation.cpuPercentOfPaid.toFixed(1)}%`,
          Math.round(p.requests.dropped + p.requests.timedOut).toLocaleString("en-US"),
        ]),
        ["l", "l", "r", "r", "r", "r", "r", "r", "l", "r", "r", "r"],
      ),
      "",
    );
    const failed = Object.entries(s.platforms).flatMap(([n, p]) =>
      p.checks.filter((c) => !c.ok).map((c) => `${n}: ${c.name}: ${c.detail}`),
    );
    if (failed.length) out.push(`**Invariant checks failed** (a simulator bug): ${failed.join("; ")}`, "");
  }

  if (input.backtest)
    out.push("### Backtest against the real service", "", backtestSentence(input.backtest), "");

  if (plan) {
    out.push("### Capacity planning", "");
    for (const line of planSentences(plan)) out.push(`- ${line}`);
    out.push("");
  }

  if (comparison) {
    const { a, b } = comparison;
    out.push(`### ${a.name} versus ${b.name}`, "");
    out.push(
      ...table(
        ["", a.name, b.name],
        [
          ["cost per month", usd(a.monthlyUsd), usd(b.monthlyUsd)],
          ["cost over the run", usd(a.totalUsd), usd(b.totalUsd)],
          ["— capacity in use", usd(a.usedUsd), usd(b.usedUsd)],
          ["— idle capacity", usd(a.idleUsd), usd(b.idleUsd)],
          ["— billing overhead", usd(a.billingOverheadUsd), usd(b.billingOverheadUsd)],
          ["CPU utilisation of paid capacity", pct(a.utilisation), pct(b.utilisation)],
          ["p99", `${a.p99Ms.toFixed(1)} ms`, `${b.p99Ms.toFixed(1)} ms`],
          ["meets the SLO over the run (requests)", a.meetsSlo ? "yes" : "no", b.meetsSlo ? "yes" : "no"],
        ],
      ),
      "",
    );
    for (const line of explainComparison(comparison)) out.push(`- ${line}`);
    out.push("");
  }

  const sweep = input.sweep;
  if (sweep && sweep.rows.length > 0 && plan) {
    const rows = [...sweep.rows]
      .filter((r) => r.error === undefined)
      .sort((x, y) => x.monthlyCostUsd - y.monthlyCostUsd || x.p99Ms - y.p99Ms || x.id.localeCompare(y.id));
    const failed = sweep.rows.filter((r) => r.error !== undefined);
    const names = shortParamNames(sweep.rows.flatMap((r) => Object.keys(r.params)));
    out.push(
      `### Sweep: ${sweep.rows.length} variants${rows.length > SWEEP_TABLE_ROWS ? ` (cheapest ${SWEEP_TABLE_ROWS} shown)` : ""}`,
      "",
    );
    out.push(
      ...table(
        ["variant", "parameters", "$/month", "p99 ms", "run meets SLO (requests)"],
        rows
          .slice(0, SWEEP_TABLE_ROWS)
          .map((r) => [
            recommendedIds(plan).includes(r.id) ? `**${r.id}** (recommended)` : r.id,
            paramsText(r.params, names),
            usd(r.monthlyCostUsd),
            r.p99Ms.toFixed(1),
            sweepMeetsSlo(r, plan.slo) ? "yes" : "no",
          ]),
        ["l", "l", "r", "r", "l"],
      ),
      "",
    );
    if (failed.length)
      out.push(
        `${failed.length} variant${failed.length === 1 ? "" : "s"} failed: ${failed.map((r) => `${r.id} (${r.error})`).join("; ")}`,
        "",
      );
  }

  if (ctx.chartLinks && ctx.chartLinks.length > 0) {
    out.push("### Charts", "");
    for (const c of ctx.chartLinks) out.push(`![${c.title}](${c.path})`);
    out.push("");
  }

  const assumptions = plan?.assumptions ?? s?.assumptions ?? [];
  if (assumptions.length > 0) {
    out.push(`<details><summary>Assumptions (${assumptions.length})</summary>`, "");
    for (const a of assumptions) out.push(`- ${a}`);
    out.push("", "</details>", "");
  }
  return `${out.join("\n").trimEnd()}\n`;
}
