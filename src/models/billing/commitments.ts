import { instancePrice, NORMALIZATION_FACTOR } from "../../data/ec2.js";
import { familyAndSize } from "../../data/eks.js";
import { InputError } from "../../errors.js";
import type { PlatformCommitments } from "../platform/result.js";
import { FARGATE_USAGE } from "./ledger.js";

/** A Savings Plan as the billing model reads it (a scenario's `billing.savingsPlans[]`). */
export type SavingsPlanSpec =
  | {
      readonly type: "compute";
      readonly commitmentPerHour: number;
      /** Rates by usage: `fargate`, an instance family or an instance type. */
      readonly discount: Readonly<Record<string, number>>;
    }
  | {
      readonly type: "ec2-instance";
      readonly family: string;
      readonly commitmentPerHour: number;
      readonly discount: number;
    };

/** A standard, regional Reserved Instance (a scenario's `billing.reservedInstances[]`). */
export interface ReservedInstanceSpec {
  readonly instanceType: string;
  readonly count: number;
  readonly discount: number;
}

/** The commitments of a run's billing block. */
export interface CommitmentsSpec {
  readonly savingsPlans: readonly SavingsPlanSpec[];
  readonly reservedInstances: readonly ReservedInstanceSpec[];
}

/**
 * Savings Plans and Reserved Instances applied to simulated usage the way AWS bills them, hour by hour:
 *
 * - Reserved Instances first. A standard regional RI is size-flexible within its family: it covers
 *   `count × normalization factor` units of the family's usage each hour, smallest sizes first, and its fee
 *   is due every hour whether used or not. https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/apply_ri.html
 * - Then Savings Plans: "Savings Plans apply to your usage after the Amazon EC2 Reserved Instances (RI) are
 *   applied"; EC2 Instance Savings Plans before Compute Savings Plans (they are narrower and save more);
 *   within a plan, usage with the highest savings percentage first, up to the hourly commitment (covered
 *   usage is charged at the plan's rate, which draws down the commitment). Usage beyond it is On-Demand and
 *   an unused commitment is still billed.
 *   https://docs.aws.amazon.com/savingsplans/latest/userguide/sp-applying.html
 *
 * Usage is On-Demand-equivalent USD per usage class per hour: "fargate" or "ec2:<type>" (src/models/billing/ledger.ts).
 */

export interface CommitmentHour {
  /** On-Demand-equivalent cost of the eligible usage. */
  onDemandUsd: number;
  /** What that usage costs with the commitments: RI fees + SP commitments + the rest at On-Demand. */
  withCommitmentsUsd: number;
  /** On-Demand-equivalent cost the commitments covered. */
  coveredUsd: number;
  /** Savings Plan commitment drawn down / committed this hour. */
  spUsedUsd: number;
  spCommittedUsd: number;
}

export interface CommitmentResult {
  hours: CommitmentHour[];
  onDemandUsd: number;
  withCommitmentsUsd: number;
  /** Covered On-Demand-equivalent spend / eligible On-Demand spend, percent. */
  coveragePercent: number;
  /** Savings Plan commitment used / committed, percent (100 when there is no plan). */
  utilisationPercent: number;
  /** Reserved Instance normalized units used / purchased, percent (100 when there is none). */
  riUtilisationPercent: number;
}

export interface CommitmentContext {
  /** On-Demand USD per hour of an instance type in the scenario's region (RI fees, instance-hours). */
  onDemandPerHour: (type: string) => number;
  /** Length of each hour of the run in hours (1, the last one possibly less). */
  hourFractions: readonly number[];
}

interface Item {
  cls: string;
  family?: string;
  type?: string;
  od: number;
}

function itemsOf(usage: Readonly<Record<string, readonly number[]>>, h: number): Item[] {
  return Object.keys(usage)
    .sort()
    .map((cls) => {
      const type = cls.startsWith("ec2:") ? cls.slice(4) : undefined;
      return { cls, type, family: type ? familyAndSize(type).family : undefined, od: usage[cls][h] ?? 0 };
    });
}

/** Apply one Reserved Instance to an hour's items (smallest sizes first); returns units used and cost covered. */
export function applyReservedInstance(
  ri: ReservedInstanceSpec,
  items: Item[],
  hourFraction: number,
  onDemandPerHour: (type: string) => number,
): { unitsUsed: number; coveredUsd: number } {
  const { family, size } = familyAndSize(ri.instanceType);
  let units = ri.count * NORMALIZATION_FACTOR[size] * hourFraction;
  let coveredUsd = 0;
  let unitsUsed = 0;
  const nf = (t: string) => NORMALIZATION_FACTOR[familyAndSize(t).size] ?? Number.POSITIVE_INFINITY;
  const eligible = items
    .filter((i) => i.family === family && i.type !== undefined && i.od > 0)
    .sort((a, b) => nf(a.type as string) - nf(b.type as string) || a.cls.localeCompare(b.cls));
  for (const it of eligible) {
    if (units <= 0) break;
    const type = it.type as string;
    const price = onDemandPerHour(type);
    const itemUnits = (it.od / price) * nf(type);
    const take = Math.min(units, itemUnits);
    const usd = (take / nf(type)) * price;
    it.od -= usd;
    coveredUsd += usd;
    units -= take;
    unitsUsed += take;
  }
  return { unitsUsed, coveredUsd };
}

/** The plan's rate for a usage class, undefined when the plan cannot cover it; an error when a rate is missing. */
export function planDiscount(plan: SavingsPlanSpec, it: Item, path: string): number | undefined {
  if (plan.type === "ec2-instance") return it.family === plan.family ? plan.discount : undefined;
  const key = it.cls === FARGATE_USAGE ? FARGATE_USAGE : (it.type as string);
  const d = plan.discount[key] ?? (it.family !== undefined ? plan.discount[it.family] : undefined);
  if (d === undefined) {
    throw new InputError(
      `no Compute Savings Plan rate for ${it.family ?? key} usage; add \`${it.family ?? key}: <discount>\` from your rate card (rates given: ${Object.keys(plan.discount).join(", ")})`,
      { path: `${path}.discount` },
    );
  }
  return d;
}

/** Apply one Savings Plan to an hour's items, highest savings percentage first; returns commitment used. */
export function applySavingsPlan(
  plan: SavingsPlanSpec,
  items: Item[],
  hourFraction: number,
  path: string,
): { usedUsd: number; coveredUsd: number } {
  const committed = plan.commitmentPerHour * hourFraction;
  let left = committed;
  let coveredUsd = 0;
  const rated = items
    .filter((i) => i.od > 0)
    .map((i) => ({ it: i, d: planDiscount(plan, i, path) }))
    .filter((x): x is { it: Item; d: number } => x.d !== undefined)
    // Highest savings percentage first; equal ones in a stable (class name) order.
    .sort((a, b) => b.d - a.d || a.it.cls.localeCompare(b.it.cls));
  for (const { it, d } of rated) {
    if (left <= 0) break;
    const atRate = it.od * (1 - d);
    const spend = Math.min(left, atRate);
    const covered = spend / (1 - d);
    it.od -= covered;
    coveredUsd += covered;
    left -= spend;
  }
  return { usedUsd: committed - left, coveredUsd };
}

type Commitments = CommitmentsSpec;

/** EC2 Instance Savings Plans before Compute Savings Plans; the scenario's order otherwise. */
function orderedPlans(billing: Commitments) {
  return billing.savingsPlans
    .map((p, i) => ({ p, path: `billing.savingsPlans[${i}]` }))
    .sort((a, b) => Number(a.p.type === "compute") - Number(b.p.type === "compute"));
}

/** One hour: RIs, then the plans in order, drawn from `items` (left holding the On-Demand rest). */
function applyHour(billing: Commitments, items: Item[], hf: number, ctx: CommitmentContext) {
  let coveredUsd = 0;
  let fees = 0;
  let riUnitsUsed = 0;
  let riUnits = 0;
  for (const ri of billing.reservedInstances) {
    const r = applyReservedInstance(ri, items, hf, ctx.onDemandPerHour);
    coveredUsd += r.coveredUsd;
    riUnitsUsed += r.unitsUsed;
    riUnits += ri.count * NORMALIZATION_FACTOR[familyAndSize(ri.instanceType).size] * hf;
    fees += ri.count * ctx.onDemandPerHour(ri.instanceType) * (1 - ri.discount) * hf;
  }
  let spUsedUsd = 0;
  let spCommittedUsd = 0;
  for (const { p, path } of orderedPlans(billing)) {
    const r = applySavingsPlan(p, items, hf, path);
    coveredUsd += r.coveredUsd;
    spUsedUsd += r.usedUsd;
    spCommittedUsd += p.commitmentPerHour * hf;
  }
  return { coveredUsd, fees, riUnitsUsed, riUnits, spUsedUsd, spCommittedUsd };
}

/** Apply the billing block's commitments to hourly usage; see the module comment for the order. */
export function applyCommitments(
  billing: Commitments,
  usage: Readonly<Record<string, readonly number[]>>,
  ctx: CommitmentContext,
): CommitmentResult {
  const hours: CommitmentHour[] = [];
  let riUnitsUsed = 0;
  let riUnits = 0;
  ctx.hourFractions.forEach((hf, h) => {
    const items = itemsOf(usage, h);
    const onDemandUsd = items.reduce((s, i) => s + i.od, 0);
    const r = applyHour(billing, items, hf, ctx);
    riUnitsUsed += r.riUnitsUsed;
    riUnits += r.riUnits;
    const rest = items.reduce((s, i) => s + i.od, 0);
    hours.push({
      onDemandUsd,
      withCommitmentsUsd: r.fees + r.spCommittedUsd + rest,
      coveredUsd: r.coveredUsd,
      spUsedUsd: r.spUsedUsd,
      spCommittedUsd: r.spCommittedUsd,
    });
  });
  const sum = (f: (x: CommitmentHour) => number) => hours.reduce((s, x) => s + f(x), 0);
  const onDemandUsd = sum((x) => x.onDemandUsd);
  const committed = sum((x) => x.spCommittedUsd);
  return {
    hours,
    onDemandUsd,
    withCommitmentsUsd: sum((x) => x.withCommitmentsUsd),
    coveragePercent: onDemandUsd > 0 ? (100 * sum((x) => x.coveredUsd)) / onDemandUsd : 0,
    utilisationPercent: committed > 0 ? (100 * sum((x) => x.spUsedUsd)) / committed : 100,
    riUtilisationPercent: riUnits > 0 ? (100 * riUnitsUsed) / riUnits : 100,
  };
}

/**
 * The hourly Compute Savings Plan commitment that minimises the simulated bill, at the rates of the scenario's
 * first Compute Savings Plan (its discounts), on top of its Reserved Instances and EC2 Instance Savings Plans;
 * as AWS Cost Explorer recommends a commitment from past usage
 * (https://docs.aws.amazon.com/savingsplans/latest/userguide/sp-recommendations.html). The bill is convex and
 * piecewise linear in the commitment, so its minimum is at 0 or at an hour's eligible spend at the plan's
 * rates; every such breakpoint is tried (rounded to a tenth of a cent).
 */
export function recommendComputeCommitment(
  billing: CommitmentsSpec,
  usage: Readonly<Record<string, readonly number[]>>,
  ctx: CommitmentContext,
): { commitmentPerHour: number; withCommitmentsUsd: number } | undefined {
  const compute = billing.savingsPlans.find((p) => p.type === "compute");
  if (!compute) return undefined;
  const others = billing.savingsPlans.filter((p) => p.type !== "compute");
  const billWith = (c: number) =>
    applyCommitments(
      {
        reservedInstances: billing.reservedInstances,
        savingsPlans: c > 0 ? [...others, { ...compute, commitmentPerHour: c }] : others,
      },
      usage,
      ctx,
    ).withCommitmentsUsd;
  // Breakpoints: each full hour's eligible spend at the plan's rates, after RIs and EC2 Instance SPs.
  const candidates = new Set<number>([0]);
  const base = { reservedInstances: billing.reservedInstances, savingsPlans: others };
  ctx.hourFractions.forEach((hf, h) => {
    if (hf < 1) return;
    const items = itemsOf(usage, h);
    applyHour(base, items, 1, ctx);
    let atRate = 0;
    for (const it of items) {
      const d = it.od > 0 ? planDiscount(compute, it, "billing.savingsPlans") : undefined;
      if (d !== undefined) atRate += it.od * (1 - d);
    }
    candidates.add(Math.round(atRate * 1000) / 1000);
  });
  let best = { commitmentPerHour: 0, withCommitmentsUsd: billWith(0) };
  for (const c of [...candidates].sort((a, b) => a - b)) {
    const usd = billWith(c);
    if (usd < best.withCommitmentsUsd - 1e-9) best = { commitmentPerHour: c, withCommitmentsUsd: usd };
  }
  return best;
}

/**
 * A platform's bill with the scenario's commitments: its eligible usage re-priced hour by hour, every other
 * meter unchanged, and the Compute Savings Plan commitment that would minimise it.
 */
export function platformCommitments(
  billing: Commitments,
  cost: { totalUsd: number; usagePerHour?: Record<string, number[]> },
  region: string,
  durationMs: number,
): PlatformCommitments {
  const minutes = Math.ceil(durationMs / 60_000);
  const hourFractions = Array.from(
    { length: Math.ceil(minutes / 60) },
    (_, h) => Math.min(60, minutes - 60 * h) / 60,
  );
  const ctx: CommitmentContext = { onDemandPerHour: (t) => instancePrice(t, region), hourFractions };
  const usage = cost.usagePerHour ?? {};
  const r = applyCommitments(billing, usage, ctx);
  const others = cost.totalUsd - r.onDemandUsd;
  const rec = recommendComputeCommitment(billing, usage, ctx);
  return {
    onDemandEquivalentUsd: r.onDemandUsd,
    withCommitmentsUsd: r.withCommitmentsUsd,
    totalUsd: others + r.withCommitmentsUsd,
    coveragePercent: r.coveragePercent,
    utilisationPercent: r.utilisationPercent,
    riUtilisationPercent: r.riUtilisationPercent,
    perHour: {
      onDemandEquivalentUsd: r.hours.map((x) => x.onDemandUsd),
      withCommitmentsUsd: r.hours.map((x) => x.withCommitmentsUsd),
    },
    ...(rec
      ? {
          recommendation: {
            commitmentPerHour: rec.commitmentPerHour,
            totalUsd: others + rec.withCommitmentsUsd,
          },
        }
      : {}),
  };
}
