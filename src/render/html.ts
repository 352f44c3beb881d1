import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { Chart } from "./charts.js";
import { type Comparison, explainComparison, meetsSlo } from "../analysis/compare.js";
import type { ReportInput } from "../analysis/input.js";
import { paramsText, shortParamNames, sweepMeetsSlo } from "../analysis/pareto.js";
import { PLANNING_ASSUMPTIONS, type Plan, planSentences, recommendedIds } from "../analysis/planning.js";
import { formatMetricValue } from "../analysis/thresholds.js";

/**
 * The HTML report: one self-contained file that opens offline. Vega, Vega-Lite and vega-embed are inlined
 * from node_modules (their UMD bundles, which the packages do not export, so they are read from the package
 * folder); the chart specs travel as JSON in the page. Every chart's container gets
 * `data-rendered="true"` once drawn (or `data-error`), which the browser test checks.
 */

const require = createRequire(import.meta.url);

/** UMD bundles, in load order (vega-embed needs the two globals before it). */
const BUNDLES: [pkg: string, file: string][] = [
  ["vega", "vega.min.js"],
  ["vega-lite", "vega-lite.min.js"],
  ["vega-embed", "vega-embed.min.js"],
];

let bundleCache: string | undefined;
export function vegaBundles(): string {
  bundleCache ??= BUNDLES.map(([pkg, file]) =>
    inlineScript(readFileSync(join(dirname(require.resolve(pkg)), file), "utf8")),
  ).join("\n");
  return bundleCache;
}

/** `</script` inside an inline script would end it early; `<\/script` means the same to JavaScript. */
export function inlineScript(js: string): string {
  return `<script>${js.replace(/<\/script/gi, "<\\/script")}</script>`;
}

/** JSON safe to embed in a `<script type="application/json">`. */
function jsonForScript(v: unknown): string {
  return JSON.stringify(v).replace(/</g, "\\u003c");
}

const esc = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
/** Sentences use **bold** like the Markdown report; render it, escape everything else. */
const rich = (s: string) => esc(s).replace(/\*\*(.+?)\*\*/g, "<strong>$1</strong>");
const usd = (v: number) =>
  `$${v.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
const pct = (v: number, d = 1) => `${(v * 100).toFixed(d)}%`;

function htmlTable(
  head: string[],
  rows: (string | { html: string; sort?: number | string })[][],
  opts: { id?: string; sortable?: boolean } = {},
): string {
  const th = head
    .map((h, i) => `<th${opts.sortable ? ` data-col="${i}" title="sort"` : ""}>${esc(h)}</th>`)
    .join("");
  const tr = rows
    .map(
      (r) =>
        `<tr>${r
          .map((c) => {
            if (typeof c === "string") return `<td${NUMERIC.test(c) ? ' class="n"' : ""}>${esc(c)}</td>`;
            const sort = c.sort === undefined ? "" : ` data-sort="${esc(String(c.sort))}"`;
            return `<td${sort}${typeof c.sort === "number" || c.sort === "" ? ' class="n"' : ""}>${c.html}</td>`;
          })
          .join("")}</tr>`,
    )
    .join("\n");
  return `<table${opts.id ? ` id="${opts.id}"` : ""}${opts.sortable ? ' class="sortable"' : ""}><thead><tr>${th}</tr></thead><tbody>\n${tr}\n</tbody></table>`;
}

/** A numeric cell; a missing value sorts last whichever way the column is sorted. */
/** Cells that read as numbers are right-aligned. */
const NUMERIC = /^[−-]?\$?[\d.,/]+( ?(%|ms))?$/;
const num = (v: number, text: string) => ({ html: esc(text), sort: Number.isFinite(v) ? v : "" });

export interface HtmlContext {
  input: ReportInput;
  plan: Plan | undefined;
  comparison: Comparison | undefined;
  charts: Chart[];
}

export function reportHtml(ctx: HtmlContext): string {
  const { input, plan, comparison, charts } = ctx;
  const s = input.summary;
  const title = `scalesim report: ${s?.scenario ?? input.sweep?.scenario ?? input.backtest?.scenario ?? "sweep"}`;
  const body: string[] = [];
  body.push(`<header><h1>${esc(title)}</h1>`);
  if (s) {
    const first = Object.values(s.platforms)[0];
    body.push(
      `<p class="facts">${esc(`${(s.durationSeconds / 3600).toFixed(1)} h from ${s.start} · ${Math.round(s.traffic.totalRequests).toLocaleString("en-US")} requests, peak ${s.traffic.peakRequestsPerSecond.toFixed(1)}/s · seed ${s.seed} · ${s.region}`)}` +
        (first ? ` · <strong>SLO p${first.slo.percentile} ≤ ${first.slo.latencyMs} ms</strong>` : "") +
        `<br><span class="source">${esc(s.traffic.source)}</span></p>`,
    );
  }
  body.push("</header>");

  const th = input.thresholds;
  if (th && th.total > 0) {
    const rows = [...th.results]
      .sort((a, b) => Number(a.ok) - Number(b.ok))
      .map((r) => [
        { html: r.ok ? '<span class="pass">pass</span>' : '<span class="fail">FAIL</span>' },
        r.platform,
        r.metric,
        r.expression,
        formatMetricValue(r.metric, r.actual),
      ]);
    body.push(
      `<section id="thresholds" class="${th.passed ? "verdict-pass" : "verdict-fail"}"><h2>${th.passed ? `Thresholds: all ${th.total} passed` : `Thresholds: ${th.failed} of ${th.total} failed`}</h2>`,
      htmlTable(["result", "platform", "metric", "threshold", "actual"], rows),
      "</section>",
    );
  }

  if (plan) {
    body.push(
      `<section id="planning"><h2>Capacity planning</h2><ul>${planSentences(plan)
        .map((l) => `<li>${rich(l)}</li>`)
        .join("")}</ul>`,
      `<p class="rests">This rests on: ${PLANNING_ASSUMPTIONS.map(esc).join("; ")}; and on the model's assumptions listed at the end.</p>`,
    );
    if (plan.growth && plan.growth.probes.length > 0) {
      body.push(
        "<details><summary>Growth search: every multiplier simulated</summary>",
        htmlTable(
          [
            "traffic ×",
            "run meets SLO (requests)",
            "p99 ms",
            "requests within SLO",
            "most tasks",
            "failed requests",
          ],
          plan.growth.probes.map((p) => [
            p.multiplier.toFixed(3),
            p.meetsSlo ? "yes" : "no",
            p.p99Ms.toFixed(1),
            pct(p.requestsWithinSlo, 2),
            String(p.maxTasks),
            Math.round(p.failedRequests).toLocaleString("en-US"),
          ]),
        ),
        "</details>",
      );
    }
    body.push("</section>");
  }

  if (s && Object.keys(s.platforms).length > 0) {
    const rows = Object.entries(s.platforms).map(([n, p]) => [
      n,
      p.kind,
      num(p.cost.monthlyUsd, usd(p.cost.monthlyUsd)),
      num(p.cost.totalUsd, usd(p.cost.totalUsd)),
      num(p.cost.perMillionRequestsUsd, p.cost.perMillionRequestsUsd.toFixed(3)),
      num(p.latencyMs.p50, p.latencyMs.p50.toFixed(1)),
      num(p.latencyMs.p99, p.latencyMs.p99.toFixed(1)),
      num(p.slo.attainment, pct(p.slo.attainment)),
      num(p.slo.requestsWithinLatency, pct(p.slo.requestsWithinLatency, 2)),
      meetsSlo(p) ? "yes" : "no",
      `${p.capacity.min}/${p.capacity.mean.toFixed(1)}/${p.capacity.max}`,
      num(p.utilisation.cpuPercentOfPaid, `${p.utilisation.cpuPercentOfPaid.toFixed(1)}%`),
      `${p.scaling.scaleOutEvents}/${p.scaling.scaleInEvents}`,
    ]);
    body.push(
      '<section id="platforms"><h2>Platforms</h2>',
      htmlTable(
        [
          "platform",
          "kind",
          "$/month",
          "$ run",
          "$/M req",
          "p50 ms",
          "p99 ms",
          "SLO minutes",
          "req. within SLO",
          "run meets SLO (requests)",
          "tasks min/mean/max",
          "CPU of paid",
          "scale out/in",
        ],
        rows,
      ),
      "</section>",
    );
  }

  if (charts.length > 0) {
    body.push('<section id="charts"><h2>Charts</h2>');
    for (const c of charts)
      body.push(`<figure><div class="chart" id="chart-${c.name}" data-chart="${c.name}"></div></figure>`);
    body.push("</section>");
  }

  if (comparison) {
    const { a, b } = comparison;
    body.push(
      `<section id="comparison"><h2>${esc(a.name)} versus ${esc(b.name)}</h2>`,
      htmlTable(
        ["", a.name, b.name],
        [
          ["kind", a.kind, b.kind],
          ["cost per month", usd(a.monthlyUsd), usd(b.monthlyUsd)],
          ["cost over the run", usd(a.totalUsd), usd(b.totalUsd)],
          ["— capacity in use", usd(a.usedUsd), usd(b.usedUsd)],
          ["— idle capacity", usd(a.idleUsd), usd(b.idleUsd)],
          ["— billing overhead", usd(a.billingOverheadUsd), usd(b.billingOverheadUsd)],
          ["CPU utilisation of paid capacity", pct(a.utilisation), pct(b.utilisation)],
          ["$ per million requests", a.perMillionRequestsUsd.toFixed(3), b.perMillionRequestsUsd.toFixed(3)],
          ["p99 latency", `${a.p99Ms.toFixed(1)} ms`, `${b.p99Ms.toFixed(1)} ms`],
          ["meets the SLO over the run (requests)", a.meetsSlo ? "yes" : "no", b.meetsSlo ? "yes" : "no"],
        ],
      ),
      `<ul>${explainComparison(comparison)
        .map((l) => `<li>${rich(l)}</li>`)
        .join("")}</ul>`,
    );
    if (comparison.reported !== undefined) {
      body.push(
        `<details><summary>The run's own comparison (summary.json)</summary><pre>${esc(JSON.stringify(comparison.reported, null, 2))}</pre></details>`,
      );
    }
    body.push("</section>");
  }

  const sweep = input.sweep;
  if (sweep && sweep.rows.length > 0 && plan) {
    const names = shortParamNames(sweep.rows.flatMap((r) => Object.keys(r.params)));
    const rows = sweep.rows.map((r) => [
      {
        html: recommendedIds(plan).includes(r.id) ? `<strong>${esc(r.id)}</strong> (recommended)` : esc(r.id),
        sort: r.id,
      },
      paramsText(r.params, names),
      num(r.monthlyCostUsd, Number.isFinite(r.monthlyCostUsd) ? usd(r.monthlyCostUsd) : "–"),
      num(r.p99Ms, Number.isFinite(r.p99Ms) ? r.p99Ms.toFixed(1) : "–"),
      num(r.attainment ?? -1, r.attainment === undefined ? "–" : pct(r.attainment)),
      r.error !== undefined ? `failed: ${r.error}` : sweepMeetsSlo(r, plan.slo) ? "yes" : "no",
    ]);
    body.push(
      `<section id="sweep"><h2>Sweep: ${sweep.rows.length} variants</h2><p class="hint">Click a column heading to sort.</p>`,
      htmlTable(
        ["variant", "parameters", "$/month", "p99 ms", "SLO minutes", "run meets SLO (requests)"],
        rows,
        {
          id: "sweep-table",
          sortable: true,
        },
      ),
      "</section>",
    );
  }

  const assumptions = plan?.assumptions ?? s?.assumptions ?? [];
  if (assumptions.length > 0) {
    body.push(
      `<section id="assumptions"><h2>Assumptions</h2><details><summary>The ${assumptions.length} assumptions these numbers rest on</summary><ul>${assumptions.map((a) => `<li>${esc(a)}</li>`).join("")}</ul></details></section>`,
    );
  }

  const specs = Object.fromEntries(charts.map((c) => [c.name, c.spec]));
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${STYLE}</style>
${vegaBundles()}
</head>
<body>
${body.join("\n")}
<script type="application/json" id="chart-specs">${jsonForScript(specs)}</script>
${inlineScript(PAGE_SCRIPT)}
</body>
</html>
`;
}

const STYLE = `
body { font-family: "DejaVu Sans", system-ui, sans-serif; color: #222; max-width: 1040px; margin: 24px auto; padding: 0 16px; line-height: 1.45; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 28px 0 8px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
.facts { margin: 0; color: #444; font-size: 14px; } .source { color: #777; font-size: 12px; }
table { border-collapse: collapse; font-size: 13px; margin: 8px 0; }
th, td { border-bottom: 1px solid #e4e4e4; padding: 4px 8px; text-align: left; white-space: nowrap; }
td.n { text-align: right; font-variant-numeric: tabular-nums; } th { background: #f6f6f6; }
table.sortable th { cursor: pointer; user-select: none; } table.sortable th[data-dir="asc"]::after { content: " ▲"; } table.sortable th[data-dir="desc"]::after { content: " ▼"; }
#platforms, #sweep { overflow-x: auto; }
.pass { color: #217a21; font-weight: bold; } .fail { color: #c0392b; font-weight: bold; }
.verdict-fail h2 { color: #c0392b; } .verdict-pass h2 { color: #217a21; }
figure { margin: 12px 0 20px; } .chart[data-error] { color: #c0392b; }
.hint { color: #777; font-size: 12px; margin: 0; } .rests { color: #555; font-size: 12px; }
details { margin: 8px 0; font-size: 13px; } pre { font-size: 12px; background: #f6f6f6; padding: 8px; overflow-x: auto; }
li { margin: 3px 0; }
`;

/** Draw every chart, then make sortable tables sortable. Plain ES5-level code: it runs in any browser. */
const PAGE_SCRIPT = `
(function () {
  var specs = JSON.parse(document.getElementById("chart-specs").textContent);
  document.querySelectorAll("[data-chart]").forEach(function (el) {
    var name = el.getAttribute("data-chart");
    vegaEmbed(el, specs[name], { renderer: "svg", actions: false })
      .then(function () { el.setAttribute("data-rendered", "true"); })
      .catch(function (e) { el.setAttribute("data-error", String(e)); el.textContent = "chart failed: " + e; console.error(e); });
  });
  document.querySelectorAll("table.sortable").forEach(function (table) {
    table.querySelectorAll("th").forEach(function (th) {
      th.addEventListener("click", function () {
        var col = Number(th.getAttribute("data-col"));
        var dir = th.getAttribute("data-dir") === "asc" ? "desc" : "asc";
        table.querySelectorAll("th").forEach(function (h) { h.removeAttribute("data-dir"); });
        th.setAttribute("data-dir", dir);
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        var key = function (r) { var c = r.cells[col]; var s = c.getAttribute("data-sort"); var v = s === null ? c.textContent : s; var n = Number(v); return v === "" ? null : !isNaN(n) ? n : v; };
        rows.sort(function (a, b) {
          var x = key(a), y = key(b);
          if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;
          var c = typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y));
          return dir === "asc" ? c : -c;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
  });
})();
`;
