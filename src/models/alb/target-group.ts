import type { TimeMs } from "../../engine/time.js";

/**
 * What the ALB target group adds to a task's life: health checks before traffic, and a deregistration
 * delay before the task is told to stop.
 */
export interface TargetGroupConfig {
  /** HealthCheckIntervalSeconds, default 30 s. https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateTargetGroup.html */
  healthCheckInterval: TimeMs;
  /** HealthyThresholdCount, default 5 (same source). */
  healthyThreshold: number;
  /** deregistration_delay.timeout_seconds, default 300 s. https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_TargetGroupAttribute.html */
  deregistrationDelay: TimeMs;
  /** load_balancing.algorithm.type (same source); default round_robin. Request mode routes by it. */
  algorithm?: "round_robin" | "least_outstanding_requests";
  /** slow_start.duration_seconds, 0 = off (same source). */
  slowStart?: TimeMs;
}

/**
 * A newly registered target receives traffic once it has passed `healthyThreshold` consecutive checks
 * `healthCheckInterval` apart: 5 × 30 s = 150 s with defaults.
 * https://docs.aws.amazon.com/AmazonECS/latest/bestpracticesguide/load-balancer-healthcheck.html
 */
export function timeToHealthy(cfg: TargetGroupConfig): TimeMs {
  return cfg.healthyThreshold * cfg.healthCheckInterval;
}

/**
 * Deregistration completes when the target has no in-flight requests, or at the delay, whichever is first.
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/edit-target-group-attributes.html#deregistration-delay
 */
export function drainTime(cfg: TargetGroupConfig, inFlightDrainMs: TimeMs): TimeMs {
  return Math.min(cfg.deregistrationDelay, Math.max(0, Math.ceil(inFlightDrainMs)));
}
