import type { TimeMs } from "../../engine/time.js";
import type { FargateRates } from "../../data/fargate.js";

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
