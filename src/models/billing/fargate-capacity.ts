import type { FargateRates } from "../../data/fargate.js";
import type { TimeMs } from "../../engine/time.js";
import { factorAt, integrateFactor, type PriceFactorSeries } from "./ec2.js";
import { fargateBilledSeconds, type FargateTaskSize } from "./fargate.js";

/**
 * Charge of one Fargate task billed from `startMs` (image pull) to `endMs` at the on-demand rates × a price
 * factor over time: 1 for FARGATE, (1 − discount) or a series of them for FARGATE_SPOT. Per second, rounded
 * up, one-minute minimum, as for every Fargate task; the minimum and the rounding are priced at the factor
 * in force when the task stops. https://aws.amazon.com/fargate/pricing/ ("Fargate Spot … up to a 70%
 * discount"; the Spot price varies over time).
 */
export interface FargateCharge {
  /** Seconds billed (≥ 60). */
  readonly seconds: number;
  readonly vcpuUsd: number;
  readonly memoryUsd: number;
  /** USD for the time actually run (part of vcpuUsd + memoryUsd). */
  readonly usedUsd: number;
  /** USD added by the minimum and the rounding up to the second (the rest of vcpuUsd + memoryUsd). */
  readonly minimumUsd: number;
}

export function fargateCharge(
  size: FargateTaskSize,
  rates: FargateRates,
  factor: PriceFactorSeries,
  startMs: TimeMs,
  endMs: TimeMs,
): FargateCharge {
  const seconds = fargateBilledSeconds(startMs, endMs);
  const vcpuPerMs = (size.vcpu * rates.vcpuHour) / 3_600_000;
  const memPerMs = (size.memoryGb * rates.gbHour) / 3_600_000;
  const run = integrateFactor(factor, startMs, endMs);
  const extra = Math.max(0, seconds * 1000 - (endMs - startMs)) * factorAt(factor, endMs);
  const vcpuUsd = vcpuPerMs * (run + extra);
  const memoryUsd = memPerMs * (run + extra);
  return {
    seconds,
    vcpuUsd,
    memoryUsd,
    usedUsd: (vcpuPerMs + memPerMs) * run,
    minimumUsd: (vcpuPerMs + memPerMs) * extra,
  };
}
