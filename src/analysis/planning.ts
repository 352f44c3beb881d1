import { meetsSlo } from "./compare.js";
import type { GrowthResult } from "./growth.js";
import type { PlatformSeries } from "./input.js";
import { sweepMeetsSlo } from "./pareto.js";
import type { Summary } from "./summary.js";
import type { SweepTable } from "./sweep-input.js";

/**
 * Capacity planning in plain words: which configuration to run (the cheapest meeting the SLO), what it
 * costs a month, how much room it had at the peak, and what would break it.
 */

export interface Candidate {
  id: string;
  platform: string;
  monthlyUsd: number;
  p99Ms: number;
  requestsWithinSlo: number | undefined;
  attainment: number | undefined;
  meetsSlo: boolean;
}

export interface Headroom {
  platform: string;
  /** The busiest minute (most arrivals). */
  peakTime: string;
  peakRps: number;
  tasks: number;
  cpuPercent: number;
  /** Spare CPU at the busiest minute, in percent of the CPU of the tasks in service. */
  headroomPercent: number;
  /** The highest minute CPU of the run, and when. */
  maxCpuPercent: number;
  maxCpuTime: string;
}

export interface Plan {
  slo: { latencyMs: number; percentile: number };
  source: "platforms" | "sweep";
  candidates: Candidate[];
  recommended: Candidate | undefined;
  /** When nothing meets the SLO: the candidate closest to it. */
  closest: Candidate | undefined;
  headroom: Headroom | undefined;
  growth: GrowthResult | undefined;
  /** The sweep's recommendation per group (groupBy), when it ranked several groups. */
  groups: { label: string; recommended: Candidate | undefined }[];
  assumptions: string[];
}

export const PLANNING_ASSUMPTIONS: readonly string[] = [
  "a configuration meets the SLO when at least `percentile` % of all requests of the run completed within `latency` (dropped and timed-out requests count as misses)",
  "monthly cost = cost of the simulated period scaled to 730 hours; a month is assumed to look like the simulated period",
  "headroom is spare CPU of the tasks in service at the busiest minute; scaling policies would add tasks beyond it",
  "the growth multiplier scales every interval of the trace alike (same shape, more requests), and more traffic is assumed never to make the SLO easier to meet (bisection)",
];

function byCost(a: Candidate, b: Candidate): number {
  return a.monthlyUsd - b.monthlyUsd || a.p99Ms - b.p99Ms || a.id.localeCompare(b.id);
}

/** Candidates from the platforms of one run. */
export function platformCandidates(summary: Summary): Candidate[] {
  return Object.entries(summary.platforms).map(([name, p]) => ({
    id: name,
    platform: name,
    monthlyUsd: p.cost.monthlyUsd,
    p99Ms: p.latencyMs.p99,
    requestsWithinSlo: p.slo.requestsWithinLatency,
    attainment: p.slo.attainment,
    meetsSlo: meetsSlo(p),
  }));
}

/** Candidates from a sweep: every variant that ran and has both cost and p99. */
export function sweepCandidates(
  sweep: SweepTable,
  slo: { latencyMs: number; percentile: number },
): Candidate[] {
  return sweep.rows
    .filter((r) => r.error === undefined && Number.isFinite(r.monthlyCostUsd) && Number.isFinite(r.p99Ms))
    .map((r) => ({
      id: r.id,
      platform: r.platform,
      monthlyUsd: r.monthlyCostUsd,
      p99Ms: r.p99Ms,
      requestsWithinSlo: r.requestsWithinSlo,
      attainment: r.attainment,
      meetsSlo: sweepMeetsSlo(r, slo),
    }));
}

/** The busiest minute of a platform's series and the CPU room the running tasks had there. */
export function headroomAtPeak(s: PlatformSeries): Headroom | undefined {
  const arrived = s.columns.arrived;
  const cpu = s.columns.cpuPercent;
  const tasks = s.columns.inService ?? s.columns.running;
  if (!arrived || !cpu || !tasks || arrived.length === 0) return undefined;
  let peak = 0;
  let maxCpu = 0;
  for (let i = 1; i < arrived.length; i++) {
    if (arrived[i] > arrived[peak]) peak = i;
    if (cpu[i] > cpu[maxCpu]) maxCpu = i;
  }
  const stepMs = arrived.length > 1 ? s.time[1] - s.time[0] : 60_000;
  return {
    platform: s.platform,
    peakTime: new Date(s.time[peak]).toISOString(),
    peakRps: arrived[peak] / (stepMs / 1000),
    tasks: tasks[peak],
    cpuPercent: cpu[peak],
    headroomPercent: Math.max(0, 100 - cpu[peak]),
    maxCpuPercent: cpu[maxCpu],
    maxCpuTime: new Date(s.time[maxCpu]).toISOString(),
  };
}

/** The ids to highlight as recommended: one per ranking group, or the single recommendation. */
export function recommendedIds(p: Plan | undefined): string[] {
  if (!p) return [];
  if (p.groups.length > 1) return p.groups.flatMap((g) => (g.recommended ? [g.recommended.id] : []));
  return p.recommended ? [p.recommended.id] : [];
}

export function plan(input: {
  summary?: Summary;
  sweep?: SweepTable;
  series: PlatformSeries[];
  growth?: GrowthResult;
}): Plan | undefined {
  const { summary, sweep } = input;
  const slo =
    sweep?.slo ??
    (summary && Object.values(summary.platforms)[0]
      ? {
          latencyMs: Object.values(summary.platforms)[0].slo.latencyMs,
          percentile: Object.values(summary.platforms)[0].slo.percentile,
        }
      : undefined);
  if (!slo) return undefined;
  const fromSweep = sweep !== undefined && sweep.rows.length > 0;
  const candidates = (
    fromSweep ? sweepCandidates(sweep, slo) : summary ? platformCandidates(summary) : []
  ).sort(byCost);
  if (candidates.length === 0) return undefined;
  const meeting = candidates.filter((c) => c.meetsSlo);
  const named =
    fromSweep && sweep.recommended ? candidates.find((c) => c.id === sweep.recommended) : undefined;
  const recommended = named ?? meeting[0];
  const closest = recommended
    ? undefined
    : [...candidates].sort(
        (a, b) => (b.requestsWithinSlo ?? -b.p99Ms) - (a.requestsWithinSlo ?? -a.p99Ms) || byCost(a, b),
      )[0];
  const focus = recommended ?? closest;
  const series = input.series.find((s) => s.platform === focus?.platform);
  return {
    slo,
    source: fromSweep ? "sweep" : "platforms",
    candidates,
    recommended,
    closest,
    headroom: series ? headroomAtPeak(series) : undefined,
    growth: input.growth,
    groups: fromSweep
      ? sweep.groups.map((g) => ({
          label: g.label,
          recommended: candidates.find((c) => c.id === g.recommended),
        }))
      : [],
    assumptions: [...PLANNING_ASSUMPTIONS, ...(summary?.assumptions ?? [])],
  };
}

const usd = (v: number) =>
  `$${v.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
const ms = (v: number) => `${v.toFixed(0)} ms`;
const x = (m: number) => `×${m.toFixed(2)}`;

/** The recommendation as sentences (Markdown-safe plain text). */
export function planSentences(p: Plan): string[] {
  const out: string[] = [];
  const sloText = `p${p.slo.percentile} ≤ ${p.slo.latencyMs} ms`;
  const meeting = p.candidates.filter((c) => c.meetsSlo).length;
  const what = p.source === "sweep" ? "variants" : "platforms";
  if (p.groups.length > 1) {
    // Ranked within groups (e.g. per traffic level): one recommendation per group, none across them.
    out.push(
      `The sweep ranks ${p.groups.length} groups separately; ${meeting} of ${p.candidates.length} ${what} meet the SLO.`,
    );
  } else if (p.recommended) {
    const r = p.recommended;
    out.push(
      `Run **${r.id}**: the cheapest of the ${what} meeting the SLO (${sloText}), at **${usd(r.monthlyUsd)} a month** with p99 ${ms(r.p99Ms)}` +
        (r.requestsWithinSlo !== undefined
          ? ` and ${(r.requestsWithinSlo * 100).toFixed(2)}% of requests within ${p.slo.latencyMs} ms.`
          : "."),
    );
    out.push(`${meeting} of ${p.candidates.length} ${what} ${meeting === 1 ? "meets" : "meet"} the SLO.`);
    const cheaper = p.candidates.filter((c) => c.monthlyUsd < r.monthlyUsd && !c.meetsSlo);
    if (cheaper.length > 0) {
      const c = cheaper[0];
      out.push(
        `The cheapest overall, ${c.id} (${usd(c.monthlyUsd)} a month), misses the SLO with p99 ${ms(c.p99Ms)}.`,
      );
    }
  } else if (p.closest) {
    const c = p.closest;
    out.push(
      `**None of the ${p.candidates.length} ${what} meets the SLO** (${sloText}). The closest is ${c.id}: p99 ${ms(c.p99Ms)}` +
        (c.requestsWithinSlo !== undefined
          ? `, ${(c.requestsWithinSlo * 100).toFixed(2)}% of requests within ${p.slo.latencyMs} ms`
          : "") +
        `, ${usd(c.monthlyUsd)} a month. Give it more capacity (a lower scaling target, bigger tasks or a higher minimum) before relying on it.`,
    );
  }
  for (const g of p.groups) {
    const r = g.recommended;
    out.push(
      r
        ? `For ${g.label}: run **${r.id}**, ${usd(r.monthlyUsd)} a month, p99 ${ms(r.p99Ms)}.`
        : `For ${g.label}: no variant meets the SLO.`,
    );
  }
  const h = p.headroom;
  if (h) {
    out.push(
      `Headroom at peak: at the busiest minute (${h.peakTime}, ${h.peakRps.toFixed(1)} req/s) ${h.platform} had ${h.tasks.toFixed(0)} tasks in service at ${h.cpuPercent.toFixed(0)}% CPU, ` +
        `so ${h.headroomPercent.toFixed(0)}% spare CPU` +
        (h.cpuPercent > 0
          ? ` (about ${x(100 / h.cpuPercent)} that traffic before the running tasks saturate).`
          : ".") +
        (h.maxCpuTime !== h.peakTime
          ? ` CPU peaked at ${h.maxCpuPercent.toFixed(0)}% at ${h.maxCpuTime}.`
          : ""),
    );
  }
  const g = p.growth;
  if (g) {
    if (g.failsAt === undefined) {
      out.push(
        `What would break it: nothing up to ${x(g.maxMultiplier)} the traffic; ${g.platform} still meets the SLO there.`,
      );
    } else if (g.holdsUpTo === undefined) {
      out.push(
        `What would break it: ${g.platform} misses the SLO even at ${x(g.failsAt)} the traffic; ${g.breaks}.`,
      );
    } else {
      out.push(
        `What would break it: ${g.platform} meets the SLO up to **${x(g.holdsUpTo)}** the traffic and misses it at ${x(g.failsAt)}: ${g.breaks}.`,
      );
    }
  }
  return out;
}
