import type { TimeMs } from "../../engine/time.js";

/**
 * EC2 billing, shared by every platform that runs on instances (ECS on EC2, EKS node groups).
 *
 * Linux On-Demand and Spot instances are billed per second with a 60-second minimum, while the instance is
 * `running`; `pending` is not billed. https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ec2-instance-lifecycle.html
 * https://aws.amazon.com/ec2/pricing/ ("per-second billing … minimum of 60 seconds").
 */
export const EC2_MINIMUM_SECONDS = 60;

/** Hours in the month AWS prices storage by (the AWS Pricing Calculator's 730-hour month). */
export const HOURS_PER_MONTH = 730;

/** Seconds billed for an instance running from `startMs` to `endMs`: whole seconds, at least 60. */
export function ec2BilledSeconds(startMs: TimeMs, endMs: TimeMs): number {
  return Math.max(EC2_MINIMUM_SECONDS, Math.ceil((endMs - startMs) / 1000));
}

/**
 * A piecewise-constant price multiplier over simulated time: `at` ascending, the first entry at 0.
 * On-Demand is the constant 1; Spot is (1 − discount), or a series of them.
 */
export interface PriceFactorSeries {
  readonly at: readonly TimeMs[];
  readonly factor: readonly number[];
}

export function constantFactor(f: number): PriceFactorSeries {
  return { at: [0], factor: [f] };
}

/** Integral of the factor over [startMs, endMs), in factor·ms. */
export function integrateFactor(s: PriceFactorSeries, startMs: TimeMs, endMs: TimeMs): number {
  let total = 0;
  for (let i = 0; i < s.at.length; i++) {
    const a = Math.max(startMs, i === 0 ? Number.NEGATIVE_INFINITY : s.at[i]);
    const b = Math.min(endMs, i + 1 < s.at.length ? s.at[i + 1] : Number.POSITIVE_INFINITY);
    if (b > a) total += (b - a) * s.factor[i];
  }
  return total;
}

/** The factor in force at `t`. */
export function factorAt(s: PriceFactorSeries, t: TimeMs): number {
  let f = s.factor[0];
  for (let i = 1; i < s.at.length && s.at[i] <= t; i++) f = s.factor[i];
  return f;
}

export interface InstanceCharge {
  /** Seconds billed (≥ 60). */
  readonly seconds: number;
  /** USD for the time actually run. */
  readonly usedUsd: number;
  /** USD added by the 60-second minimum and the rounding up to the second (priced at the factor at the end). */
  readonly minimumUsd: number;
}

/**
 * Charge of one instance running [startMs, endMs) at `onDemandPerHour` × factor(t). The minimum and the
 * rounding-up are priced at the factor in force when the instance stops.
 */
export function instanceCharge(
  onDemandPerHour: number,
  factor: PriceFactorSeries,
  startMs: TimeMs,
  endMs: TimeMs,
): InstanceCharge {
  const seconds = ec2BilledSeconds(startMs, endMs);
  const perMs = onDemandPerHour / 3_600_000;
  const usedUsd = perMs * integrateFactor(factor, startMs, endMs);
  const extraMs = Math.max(0, seconds * 1000 - (endMs - startMs));
  return { seconds, usedUsd, minimumUsd: perMs * extraMs * factorAt(factor, endMs) };
}

/**
 * EBS volume storage, prorated by the second over the volume's life (launch to termination).
 * https://aws.amazon.com/ebs/pricing/ (gp3 storage priced per GB-month)
 */
/**
 * Whether EC2 charges a Spot instance it interrupted after `runningMs` of running time. Linux: "Interrupted in
 * the first hour: No charge"; "Interrupted in any hour after the first hour: Charged for the seconds used".
 * (Windows bills the first hour's seconds; the pinned catalogue is Linux.) Instances the user or the group
 * terminates are charged in full.
 * https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/billing-for-interrupted-spot-instances.html
 */
export function interruptedSpotCharged(runningMs: TimeMs): boolean {
  return runningMs >= 3_600_000;
}

export function ebsVolumeUsd(gb: number, perGbMonth: number, startMs: TimeMs, endMs: TimeMs): number {
  const hours = Math.max(0, endMs - startMs) / 3_600_000;
  return (gb * perGbMonth * hours) / HOURS_PER_MONTH;
}
