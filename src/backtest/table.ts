import type { BacktestResult } from "./backtest.js";

const pct = (v: number) => `${(v * 100).toFixed(1)} %`;
const num = (v: number, d = 1) =>
  v.toLocaleString("en-US", { minimumFractionDigits: d, maximumFractionDigits: d });

/** The verdict table `scalesim backtest` prints: one row per comparison, real | simulated | verdict. */
export function backtestTable(b: BacktestResult): string {
  const a = b.activities;
  const rows: [string, string, string, string][] = [
    [
      "scaling activities",
      String(a.real),
      String(a.simulated),
      `${a.matched} matched, ${a.unmatchedReal} real and ${a.unmatchedSimulated} simulated unmatched`,
    ],
    [
      "mean |time offset|",
      "",
      "",
      a.meanAbsOffsetSeconds === null
        ? "no match"
        : `${num(a.meanAbsOffsetSeconds)} s; same target count in ${pct(a.sameTargetShare ?? 0)}`,
    ],
  ];
  for (const [kind, c] of Object.entries(a.byCause))
    rows.push([`  caused by ${kind}`, String(c.real), "", `${c.matched} matched`]);
  if (a.notSuccessful.length > 0)
    rows.push([
      "not successful (ignored)",
      String(a.notSuccessful.length),
      "",
      a.notSuccessful
        .map((x) => `${x.statusCode} at ${x.time}`)
        .slice(0, 3)
        .join("; "),
    ]);
  const t = b.timelines;
  rows.push([
    `desired tasks (${t.desired.realSource})`,
    `${num(t.desired.realTaskMinutes, 0)} task-min`,
    `${num(t.desired.simulatedTaskMinutes, 0)} task-min`,
    `|error| ${num(t.desired.taskMinutesAbsError)} task-min; equal in ${pct(t.desired.shareMinutesEqual)} of ${t.desired.minutes} min`,
  ]);
  if (t.running)
    rows.push([
      "running tasks",
      `${num(t.running.realTaskMinutes, 0)} task-min`,
      `${num(t.running.simulatedTaskMinutes, 0)} task-min`,
      `|error| ${num(t.running.taskMinutesAbsError)} task-min; equal in ${pct(t.running.shareMinutesEqual)}${t.running.gapMinutes ? `; ${t.running.gapMinutes} gap min` : ""}`,
    ]);
  if (b.startLag)
    rows.push([
      "start-up lag per scale-out",
      `${num(b.startLag.realMeanSeconds)} s`,
      `${num(b.startLag.simulatedMeanSeconds)} s`,
      `over ${b.startLag.scaleOuts} matched scale-outs; difference ${num(b.startLag.realMeanSeconds - b.startLag.simulatedMeanSeconds)} s`,
    ]);
  if (b.cpu)
    rows.push([
      "CPU utilization (mean)",
      `${num(b.cpu.realMean)} %`,
      `${num(b.cpu.simulatedMean)} %`,
      `mean |error| ${num(b.cpu.meanAbsErrorPoints)} points over ${b.cpu.minutes} min`,
    ]);
  rows.push([
    "cost",
    b.cost.impliedRealUsd === null ? "" : `$${num(b.cost.impliedRealUsd, 2)}`,
    `$${num(b.cost.simulatedUsd, 2)}`,
    b.cost.impliedRealUsd === null
      ? "real cost needs --task-counts"
      : "real: implied by its running task-minutes",
  ]);
  const head: [string, string, string, string] = ["", "real", "simulated", "verdict"];
  const all = [head, ...rows];
  const w = [0, 1, 2].map((i) => Math.max(...all.map((r) => r[i].length)));
  const line = (r: string[]) =>
    [r[0].padEnd(w[0]), r[1].padStart(w[1]), r[2].padStart(w[2]), r[3]].join("  ").trimEnd();
  return [
    `backtest of ${b.scenario} / ${b.platform} against ${b.resourceId ?? "the history"}, ${b.period.start} to ${b.period.end}`,
    line(head),
    line(w.map((x) => "-".repeat(x)).concat("-------")),
    ...rows.map(line),
  ].join("\n");
}
