import type { TimeMs } from "../../engine/time.js";
import type { FargateRates } from "../../data/fargate.js";
import type { CostLedger } from "./ledger.js";

/**
 * Fargate billing: per second, rounded up to the next second, from the start of the image download until
 * the task terminates, with a one-minute minimum. https://aws.amazon.com/fargate/pricing/
 */
export const FARGATE_MINIMUM_SECONDS = 60;

export function fargateBilledSeconds(startMs: TimeMs, endMs: TimeMs): number {
  return Math.max(FARGATE_MINIMUM_SECONDS, Math.ceil((endMs - startMs) / 1000));
}

export interface FargateTaskSize {
  vcpu: number;
  memoryGb: number;
  /** ECS `ephemeralStorage.sizeInGiB` (21–200); 20 GiB when unset. */
  ephemeralStorageGb?: number;
}

/** Ephemeral storage every Fargate task gets free. https://aws.amazon.com/fargate/pricing/ */
export const FARGATE_FREE_EPHEMERAL_GB = 20;

/**
 * Ephemeral storage configured above the free 20 GB is billed per GB-hour for the task's billed seconds
 * (https://aws.amazon.com/fargate/pricing/, rate pinned in data/fargate-prices.json), on its own meter,
 * `fargate.ephemeralStorage`, at the on-demand rate for FARGATE and FARGATE_SPOT tasks alike (AWS gives no
 * Spot discount for storage).
 */
export function billEphemeralStorage(
  ledger: CostLedger,
  size: FargateTaskSize,
  gbHourUsd: number,
  startMs: TimeMs,
  endMs: TimeMs,
): void {
  const extraGb = Math.max(
    0,
    (size.ephemeralStorageGb ?? FARGATE_FREE_EPHEMERAL_GB) - FARGATE_FREE_EPHEMERAL_GB,
  );
  if (extraGb === 0) return;
  const seconds = fargateBilledSeconds(startMs, endMs);
  const usd = (extraGb * gbHourUsd * seconds) / 3600;
  const span = Math.max(1, endMs - startMs);
  const used = (extraGb * gbHourUsd * span) / 3_600_000;
  ledger.addInterval(startMs, Math.max(endMs, startMs + 1), used / span, usd - used);
  ledger.addToMeter("fargate.ephemeralStorage", "GB-hours", (extraGb * seconds) / 3600, usd);
}

/** Cost in USD of one task billed from `startMs` to `endMs`, split into the vCPU and memory meters. */
export function fargateTaskCost(
  size: FargateTaskSize,
  rates: FargateRates,
  startMs: TimeMs,
  endMs: TimeMs,
): { vcpuUsd: number; memoryUsd: number; seconds: number } {
  const seconds = fargateBilledSeconds(startMs, endMs);
  return {
    vcpuUsd: (size.vcpu * rates.vcpuHour * seconds) / 3600,
    memoryUsd: (size.memoryGb * rates.gbHour * seconds) / 3600,
    seconds,
  };
}
