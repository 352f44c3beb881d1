import { type AssumptionValues, num } from "../../assumptions.js";
import { spotDiscount } from "../../data/ec2.js";
import { fargateSpotDiscount } from "../../data/fargate.js";

/**
 * Spot discounts when a scenario names none: per instance type and region (or per region for Fargate) from
 * the dated snapshots, else the flat assumption; `*.discountSource: flat` forces the flat one everywhere.
 * Spot prices vary by type, availability zone and time: https://aws.amazon.com/ec2/spot/pricing/,
 * https://aws.amazon.com/fargate/pricing/.
 */
/** A figure that may differ by instance type (a Spot discount or price factor). */
export type PerInstanceType = number | ((type: string) => number);

export const forInstanceType = (v: PerInstanceType, type: string): number =>
  typeof v === "number" ? v : v(type);

export function ec2SpotDiscountFor(type: string, region: string, a: AssumptionValues): number {
  const snapshot = a["ec2Spot.discountSource"] === "flat" ? undefined : spotDiscount(type, region);
  return snapshot ?? num(a, "ec2Spot.discount");
}

export function fargateSpotDiscountFor(region: string, a: AssumptionValues): number {
  const snapshot = a["fargateSpot.discountSource"] === "flat" ? undefined : fargateSpotDiscount(region);
  return snapshot ?? num(a, "fargateSpot.discount");
}
