import type { Summary } from "./summary.js";

/** The compact table `scalesim run` prints. */
export function summaryTable(s: Summary): string {
  const head = [
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
  ];
  const rows = Object.entries(s.platforms).map(([name, p]) => [
    name,
    p.cost.totalUsd.toFixed(2),
    p.cost.perMillionRequestsUsd.toFixed(3),
    p.cost.monthlyUsd.toFixed(0),
    p.latencyMs.p50.toFixed(1),
    p.latencyMs.p99.toFixed(1),
    `${(p.slo.attainment * 100).toFixed(1)}%`,
    String(p.slo.violationMinutes),
    `${p.capacity.min}/${p.capacity.mean.toFixed(1)}/${p.capacity.max}`,
    `${p.scaling.scaleOutEvents}/${p.scaling.scaleInEvents}`,
    (p.requests.dropped + p.requests.timedOut).toFixed(0),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const fmt = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  const hours = (s.durationSeconds / 3600).toFixed(1);
  const lines = [
    `${s.scenario}: ${hours} h from ${s.start}, ${Math.round(s.traffic.totalRequests).toLocaleString("en-US")} requests (peak ${s.traffic.peakRequestsPerSecond.toFixed(1)}/s), seed ${s.seed}`,
    fmt(head),
    fmt(head.map((_, i) => "-".repeat(widths[i]))),
    ...rows.map(fmt),
  ];
  const failed = Object.entries(s.platforms).flatMap(([n, p]) =>
    p.checks.filter((c) => !c.ok).map((c) => `${n}: ${c.name}: ${c.detail}`),
  );
  if (failed.length) lines.push(`invariant checks FAILED: ${failed.join("; ")}`);
  return lines.join("\n");
}
