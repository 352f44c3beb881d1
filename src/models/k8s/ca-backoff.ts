/**
 * Node-group back-off of the Cluster Autoscaler: a port of
 * cluster-autoscaler/utils/backoff/exponential_backoff.go
 * (https://github.com/kubernetes/autoscaler/blob/master/cluster-autoscaler/utils/backoff/exponential_backoff.go).
 * When a scale-up of a group fails (for example it times out: the instances did not register within
 * max-node-provision-time, clusterstate.go updateScaleRequests -> registerFailedScaleUpNoLock), the group is
 * backed off: scale-up skips it until the back-off ends, so another group may be tried. The first back-off
 * lasts the initial duration; a failure after a back-off has ended doubles the last duration, up to the
 * maximum; failures while backed off do not lengthen it. Data older than the reset timeout is dropped, and a
 * scale-up of the group that completes removes it.
 * Flags and defaults (--initial-node-group-backoff-duration 5 min, --max-node-group-backoff-duration 30 min,
 * --node-group-backoff-reset-timeout 3 h):
 * https://github.com/kubernetes/autoscaler/blob/master/cluster-autoscaler/FAQ.md#what-are-the-parameters-to-ca
 */
import type { TimeMs } from "../../engine/time.js";

export interface BackoffConfig {
  readonly initialMs: TimeMs;
  readonly maxMs: TimeMs;
  readonly resetTimeoutMs: TimeMs;
}

export const DEFAULT_BACKOFF: BackoffConfig = {
  initialMs: 5 * 60_000,
  maxMs: 30 * 60_000,
  resetTimeoutMs: 3 * 3_600_000,
};

/** exponentialBackoffInfo. */
export interface BackoffInfo {
  readonly durationMs: TimeMs;
  readonly untilMs: TimeMs;
  readonly lastFailedMs: TimeMs;
}

/** Backoff(): the group's back-off after a failure at `now`. */
export function backoffAfterFailure(
  prev: BackoffInfo | undefined,
  now: TimeMs,
  cfg: BackoffConfig,
): BackoffInfo {
  let durationMs = cfg.initialMs;
  // Concurrent failures must not lengthen it: double only when the last back-off has already ended.
  if (prev !== undefined && prev.untilMs < now) durationMs = Math.min(2 * prev.durationMs, cfg.maxMs);
  return { durationMs, untilMs: now + durationMs, lastFailedMs: now };
}

/** IsBackedOff(): strictly before the end of the back-off. */
export function isBackedOff(info: BackoffInfo | undefined, now: TimeMs): boolean {
  return info !== undefined && info.untilMs > now;
}

/** RemoveStaleBackoffData(): the entry is forgotten once the last failure is older than the reset timeout. */
export function isStale(info: BackoffInfo, now: TimeMs, cfg: BackoffConfig): boolean {
  return info.lastFailedMs + cfg.resetTimeoutMs < now;
}
