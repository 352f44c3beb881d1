import type { TimeMs } from "../../engine/time.js";

/**
 * What EventBridge does with an invocation whose target call fails (for RunTask: no capacity, e.g. the
 * account's Fargate vCPU quota is in use). A schedule's RetryPolicy: "Retry attempts with exponential
 * backoff continue until either the maximum number of attempts is made or until the duration of the
 * MaximumEventAgeInSeconds is reached" (MaximumRetryAttempts 0–185, MaximumEventAgeInSeconds 60–86,400).
 * https://docs.aws.amazon.com/scheduler/latest/APIReference/API_RetryPolicy.html
 * Unset, they are the ranges' maxima, 185 attempts and 24 hours. "A DLQ is a standard Amazon SQS queue
 * EventBridge Scheduler uses to deliver failed events to, after the retry policy has been exhausted";
 * without one the invocation is dropped.
 * https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-schedule.html
 * Rule targets (PutTargets) take the same RetryPolicy fields and defaults:
 * https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_RetryPolicy.html
 */
export interface RetryPolicy {
  readonly MaximumRetryAttempts: number;
  readonly MaximumEventAgeInSeconds: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  MaximumRetryAttempts: 185,
  MaximumEventAgeInSeconds: 86_400,
};

/** The backoff between attempts, which AWS does not document: assumptions `eventBridge.retry*`. */
export interface RetryBackoff {
  /** Wait before the first retry. */
  readonly baseMs: TimeMs;
  /** Longest wait between two attempts. */
  readonly maxMs: TimeMs;
}

/** Wait before retry number `retry` (1 = the first retry): base × 2^(retry−1), at most max. */
export function retryDelayMs(retry: number, b: RetryBackoff): TimeMs {
  return Math.min(b.maxMs, b.baseMs * 2 ** Math.min(retry - 1, 40));
}

/**
 * When an invocation first tried at `firstAttemptMs`, after `retriesDone` failed retries (the latest at
 * `nowMs`), is tried again; null when the policy is exhausted (no attempts left, or the next one would come
 * after the maximum event age).
 */
export function nextRetryAt(
  policy: RetryPolicy,
  b: RetryBackoff,
  firstAttemptMs: TimeMs,
  retriesDone: number,
  nowMs: TimeMs,
): TimeMs | null {
  if (retriesDone >= policy.MaximumRetryAttempts) return null;
  const at = nowMs + retryDelayMs(retriesDone + 1, b);
  return at - firstAttemptMs > policy.MaximumEventAgeInSeconds * 1000 ? null : at;
}
