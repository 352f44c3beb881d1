import type { TimeMs } from "../../engine/time.js";

/**
 * App Runner billing (https://aws.amazon.com/apprunner/pricing/): provisioned instances pay memory per
 * second; an instance processing requests is active and pays vCPU (and memory) per second, with a
 * one-minute minimum vCPU charge each time a provisioned instance starts processing.
 * "Per second, rounded up" follows the pricing page's per-second billing; the minimum is per activation.
 */
export const ACTIVE_MINIMUM_MS: TimeMs = 60_000;

/**
 * Billed seconds of one active period [start, end): at least 60, rounded up to the second, but never past
 * `untilMs`, the end of the instance's provisioned life (its removal, or the end of the run): active time is
 * part of provisioned time ("you pay for the memory of provisioned instances, and for the CPU and memory of
 * active instances" — an active instance is one of the provisioned ones).
 */
export function activeBilledSeconds(
  startMs: TimeMs,
  endMs: TimeMs,
  untilMs = Number.POSITIVE_INFINITY,
): number {
  const billed = Math.max(ACTIVE_MINIMUM_MS / 1000, Math.ceil((endMs - startMs) / 1000));
  return Math.min(billed, Math.ceil((untilMs - startMs) / 1000));
}

/**
 * When an active period that began at `activeSince` ends, given that the instance's last request completes
 * at `busyUntil`: not before the one-minute minimum, nor before the idle timeout after the last request.
 * While the minimum runs the instance is already paid for, so requests in it do not start a new period.
 */
export function activeUntil(activeSince: TimeMs, busyUntil: TimeMs, idleTimeoutMs: TimeMs): TimeMs {
  return Math.max(activeSince + ACTIVE_MINIMUM_MS, busyUntil + idleTimeoutMs);
}
