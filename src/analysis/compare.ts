import type { PlatformSummary, Summary } from "./summary.js";

/**
 * Two platforms side by side: what each costs, where the money goes, and at what utilisation of paid
 * capacity the dearer one would cost the same as the cheaper one. Reads only summary fields every
 * platform kind has; richer fields (idle or Spot costs a platform reports itself) are used when present.
 */

/** Where one platform's money goes; the three parts sum to `totalUsd`. */
export interface CostBreakdown {
  name: string;
  kind: string;
  totalUsd: number;
  monthlyUsd: number;
  perMillionRequestsUsd: number;
  /** CPU used as a share of the CPU paid for (0–1). */
  utilisation: number;
  /** Cost of the CPU share actually used. */
  usedUsd: number;
  /** Cost of paid capacity left idle while running (over-provisioning, unpacked instances). */
  idleUsd: number;
  /** Of `idleUsd`, what the platform itself reports as capacity no task reserved (EC2 packing), if it does. */
  unreservedUsd: number | undefined;
  /** EC2: share of registered instance CPU the tasks reserved (packing), if reported. */
  reservedCpuPercent: number | undefined;
  /** Billed outside running time: start-up before RUNNING, per-second rounding and billing minimums. */
  billingOverheadUsd: number;
  /** Cost on meters whose name says Spot. */
  spotUsd: number;
  /** Spot savings against On-Demand, if the platform reports them. */
  spotSavingsUsd: number | undefined;
  p99Ms: number;
  sloAttainment: number;
  requestsWithinSlo: number;
  meetsSlo: boolean;
}

export interface Comparison {
  a: CostBreakdown;
  b: CostBreakdown;
  /** a − b, total and per part. */
  differenceUsd: { total: number; monthly: number; used: number; idle: number; billingOverhead: number };
  cheaper: string;
  /**
   * Utilisation of paid capacity at which the dearer platform would cost what the cheaper one does now,
   * the cheaper one left as it is: u* = u × cost_dearer / cost_cheaper (same CPU work, cost proportional
   * to paid capacity). Above 1 it cannot break even.
   */
  breakEven: { platform: string; utilisation: number; current: number; reachable: boolean };
  /** The `comparison` object of summary.json, when the run wrote one, passed through. */
  reported: unknown;
}

type Obj = Record<string, unknown>;
function pick(o: unknown, paths: string[]): number | undefined {
  for (const path of paths) {
    let v: unknown = o;
    for (const k of path.split(".")) v = v !== null && typeof v === "object" ? (v as Obj)[k] : undefined;
    if (typeof v === "number" && Number.isFinite(v)) return v;
  }
  return undefined;
}

/** Does the platform meet the SLO over the run: at least `percentile` % of all requests within `latency`. */
export function meetsSlo(p: PlatformSummary): boolean {
  return p.slo.requestsWithinLatency >= p.slo.percentile / 100 - 1e-12;
}

export function costBreakdown(name: string, p: PlatformSummary): CostBreakdown {
  const total = p.cost.totalUsd;
  const billed = p.capacity.billedTaskHours;
  const overheadShare = billed > 0 ? Math.max(0, billed - p.capacity.taskHours) / billed : 0;
  const billingOverheadUsd = total * overheadShare;
  const utilisation = Math.min(1, Math.max(0, p.utilisation.cpuPercentOfPaid / 100));
  const usedUsd = Math.min(total - billingOverheadUsd, total * utilisation);
  const idleUsd = total - usedUsd - billingOverheadUsd;
  const spotUsd = p.cost.meters.filter((m) => /spot/i.test(m.name)).reduce((s, m) => s + m.usd, 0);
  return {
    name,
    kind: p.kind,
    totalUsd: total,
    monthlyUsd: p.cost.monthlyUsd,
    perMillionRequestsUsd: p.cost.perMillionRequestsUsd,
    utilisation,
    usedUsd,
    idleUsd,
    unreservedUsd: pick(p, ["capacityCost.idleUsd", "cost.idleUsd", "cost.idleCapacityUsd"]),
    reservedCpuPercent: pick(p, ["instances.reservedCpuPercent"]),
    billingOverheadUsd,
    spotUsd,
    spotSavingsUsd: pick(p, ["cost.spotSavingsUsd", "cost.spot.savingsUsd"]),
    p99Ms: p.latencyMs.p99,
    sloAttainment: p.slo.attainment,
    requestsWithinSlo: p.slo.requestsWithinLatency,
    meetsSlo: meetsSlo(p),
  };
}

/** Pick the pair to compare: the names given, else the first Fargate platform against the first other kind, else the first two. */
export function choosePair(summary: Summary, a?: string, b?: string): [string, string] | string {
  const names = Object.keys(summary.platforms);
  for (const n of [a, b])
    if (n !== undefined && !names.includes(n)) return `no platform named "${n}" (have: ${names.join(", ")})`;
  if (a !== undefined && b !== undefined) return [a, b];
  if (names.length < 2)
    return `comparing needs two platforms; this run has ${names.length} (${names.join(", ")})`;
  if (a !== undefined) return [a, names.find((n) => n !== a)!];
  const fargate = names.find((n) => summary.platforms[n].kind === "ecs-fargate");
  const other = fargate && names.find((n) => summary.platforms[n].kind !== "ecs-fargate");
  // EC2 (or another kind) on the left, Fargate on the right: "EC2 versus Fargate".
  if (fargate && other) return [other, fargate];
  return [names[0], names[1]];
}

export function compare(summary: Summary, aName: string, bName: string): Comparison {
  const a = costBreakdown(aName, summary.platforms[aName]);
  const b = costBreakdown(bName, summary.platforms[bName]);
  const [dear, cheap] = a.totalUsd >= b.totalUsd ? [a, b] : [b, a];
  const u =
    cheap.totalUsd > 0 ? (dear.utilisation * dear.totalUsd) / cheap.totalUsd : Number.POSITIVE_INFINITY;
  return {
    a,
    b,
    differenceUsd: {
      total: a.totalUsd - b.totalUsd,
      monthly: a.monthlyUsd - b.monthlyUsd,
      used: a.usedUsd - b.usedUsd,
      idle: a.idleUsd - b.idleUsd,
      billingOverhead: a.billingOverheadUsd - b.billingOverheadUsd,
    },
    cheaper: cheap.name,
    breakEven: { platform: dear.name, utilisation: u, current: dear.utilisation, reachable: u <= 1 },
    reported: (summary as unknown as Obj).comparison,
  };
}

const usd = (v: number) => `${v < 0 ? "−" : ""}$${Math.abs(v).toFixed(2)}`;
const pct = (v: number, d = 1) => `${(v * 100).toFixed(d)}%`;
const signed = (v: number) => `${v >= 0 ? "+" : "−"}$${Math.abs(v).toFixed(2)}`;

/** Sentences saying where the difference comes from, largest part first. */
export function explainComparison(c: Comparison): string[] {
  const { a, b } = c;
  const d = c.differenceUsd;
  const lines: string[] = [];
  if (Math.abs(d.total) < 0.005) lines.push(`${a.name} and ${b.name} cost the same (${usd(a.totalUsd)}).`);
  else {
    const dear = d.total > 0 ? a : b;
    const cheap = d.total > 0 ? b : a;
    lines.push(
      `${cheap.name} is cheaper by ${usd(Math.abs(d.total))} over the run (${usd(Math.abs(d.monthly))} a month, ` +
        `${pct(Math.abs(d.total) / dear.totalUsd)} of ${dear.name}'s cost).`,
    );
  }
  const parts: [string, number, string][] = [
    [
      "capacity in use",
      d.used,
      `the price of the CPU actually used: ${a.name} ${usd(a.usedUsd)} vs ${b.name} ${usd(b.usedUsd)} (unit prices, Spot and architecture discounts)`,
    ],
    [
      "idle capacity",
      d.idle,
      `paid but unused while running: ${a.name} ${usd(a.idleUsd)} (${pct(a.idleUsd / Math.max(a.totalUsd, 1e-12))} of its cost) vs ${b.name} ${usd(b.idleUsd)}`,
    ],
    [
      "billing overhead",
      d.billingOverhead,
      `billed outside running time (start-up, per-second rounding, minimum charge): ${a.name} ${usd(a.billingOverheadUsd)} vs ${b.name} ${usd(b.billingOverheadUsd)}`,
    ],
  ];
  parts.sort((x, y) => Math.abs(y[1]) - Math.abs(x[1]) || x[0].localeCompare(y[0]));
  for (const [label, v, detail] of parts) lines.push(`${label}: ${signed(v)} for ${a.name}; ${detail}.`);
  for (const x of [a, b]) {
    if (x.unreservedUsd !== undefined) {
      lines.push(
        `packing: ${x.name} paid ${usd(x.unreservedUsd)} for instance capacity no task reserved (part of its idle cost)` +
          (x.reservedCpuPercent !== undefined
            ? `; its tasks reserved ${x.reservedCpuPercent.toFixed(1)}% of the registered CPU.`
            : "."),
      );
    }
    if (x.spotUsd > 0 || x.spotSavingsUsd !== undefined) {
      lines.push(
        `Spot: ${x.name} spent ${usd(x.spotUsd)} on Spot capacity${x.spotSavingsUsd !== undefined ? `, saving ${usd(x.spotSavingsUsd)} against On-Demand` : ""}.`,
      );
    }
  }
  if (a.meetsSlo !== b.meetsSlo) {
    const ok = a.meetsSlo ? a : b;
    const miss = a.meetsSlo ? b : a;
    lines.push(
      `only ${ok.name} meets the SLO; ${miss.name}'s cost is not a like-for-like alternative until it is given the capacity to meet it (p99 ${miss.p99Ms.toFixed(0)} ms).`,
    );
  }
  const verdict = (c.reported as { verdict?: unknown } | undefined)?.verdict;
  if (typeof verdict === "string" && verdict)
    lines.push(`every EC2 platform against Fargate (summary.json): ${verdict}.`);
  const be = c.breakEven;
  lines.push(
    be.reachable
      ? `break-even: ${be.platform} would cost what ${c.cheaper} costs at ${pct(be.utilisation)} CPU utilisation of paid capacity (now ${pct(be.current)}).`
      : `break-even: none; ${be.platform} would need ${pct(be.utilisation)} utilisation of paid capacity (now ${pct(be.current)}), more than it can use.`,
  );
  return lines;
}

/** The plain-text table `scalesim compare` prints. */
export function comparisonText(c: Comparison): string {
  const { a, b } = c;
  const rows: [string, string, string][] = [
    ["kind", a.kind, b.kind],
    ["cost over the run", usd(a.totalUsd), usd(b.totalUsd)],
    ["cost per month (730 h)", usd(a.monthlyUsd), usd(b.monthlyUsd)],
    ["$ per million requests", a.perMillionRequestsUsd.toFixed(3), b.perMillionRequestsUsd.toFixed(3)],
    ["— capacity in use", usd(a.usedUsd), usd(b.usedUsd)],
    ["— idle capacity", usd(a.idleUsd), usd(b.idleUsd)],
    ["— billing overhead", usd(a.billingOverheadUsd), usd(b.billingOverheadUsd)],
    ["cost on Spot meters (included above)", usd(a.spotUsd), usd(b.spotUsd)],
    ["CPU utilisation of paid capacity", pct(a.utilisation), pct(b.utilisation)],
    ["p99 latency", `${a.p99Ms.toFixed(1)} ms`, `${b.p99Ms.toFixed(1)} ms`],
    ["SLO attainment (minutes)", pct(a.sloAttainment), pct(b.sloAttainment)],
    ["requests within SLO latency", pct(a.requestsWithinSlo, 2), pct(b.requestsWithinSlo, 2)],
    ["meets the SLO over the run (requests)", a.meetsSlo ? "yes" : "no", b.meetsSlo ? "yes" : "no"],
  ];
  const head: [string, string, string] = ["", a.name, b.name];
  const w = [0, 1, 2].map((i) => Math.max(head[i].length, ...rows.map((r) => r[i].length)));
  const fmt = (r: string[]) => `${r[0].padEnd(w[0])}  ${r[1].padStart(w[1])}  ${r[2].padStart(w[2])}`;
  return [fmt(head), fmt(w.map((x) => "-".repeat(x))), ...rows.map(fmt), "", ...explainComparison(c)].join(
    "\n",
  );
}
