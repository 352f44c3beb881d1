import { type AssumptionValues, num } from "../../assumptions.js";
import type { TimeMs } from "../../engine/time.js";

/**
 * What the ALB target group adds to a task's life: health checks before traffic, and a deregistration
 * delay before the task is told to stop.
 */
export interface TargetGroupConfig {
  /** HealthCheckIntervalSeconds, default 30 s. https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateTargetGroup.html */
  healthCheckInterval: TimeMs;
  /**
   * HealthyThresholdCount, default 5 (same source, 2–10). Used only for a target recovering from
   * unhealthy; a newly registered target needs one passing check (`timeToInService`).
   */
  healthyThreshold: number;
  /** deregistration_delay.timeout_seconds, default 300 s. https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_TargetGroupAttribute.html */
  deregistrationDelay: TimeMs;
  /** load_balancing.algorithm.type (same source); default round_robin. Request mode routes by it. */
  algorithm?: "round_robin" | "least_outstanding_requests";
  /** slow_start.duration_seconds, 0 = off (same source). */
  slowStart?: TimeMs;
  /** Assumption `alb.targetRegistrationDelay`: from RegisterTargets to the target being checked (default 0). */
  registrationDelay?: TimeMs;
  /** Assumption `alb.healthCheckSchedule`: when a new target's first check is sent (default "grid"). */
  healthCheckSchedule?: "grid" | "immediate";
}

/**
 * When a target that registers at `registeringAt` starts receiving requests. "After your target is
 * registered, it must pass one health check to be considered healthy"
 * (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html);
 * the ECS guide adds that for a new target one success is enough whatever HealthyThresholdCount says, the
 * threshold applying only to a target recovering from unhealthy
 * (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/load-balancer-healthcheck.html).
 *
 * So: registration (assumption `alb.targetRegistrationDelay`), then the wait for the next check, then one
 * passing check. The load balancer "sends a health check request to each registered target every
 * HealthCheckIntervalSeconds seconds" and a target's response time does not move the next check (same ALB
 * page); AWS does not say when the first one is sent. Assumption `alb.healthCheckSchedule`: "grid" (the
 * default) puts the target group's checks on one grid of the interval counted from the start of the run,
 * so the wait is 0 to one interval; "immediate" checks at once. The passing check's own round trip is
 * taken as instantaneous (a passing target answers well within HealthCheckTimeoutSeconds). The
 * HealthyThresholdCount (5 × 30 s = 150 s) applies only to recovery from unhealthy, which scalesim's
 * targets never need: they do not fail checks.
 */
export function inServiceAt(cfg: TargetGroupConfig, registeringAt: TimeMs): TimeMs {
  const registered = registeringAt + (cfg.registrationDelay ?? 0);
  const interval = cfg.healthCheckInterval;
  if (interval <= 0 || cfg.healthCheckSchedule === "immediate") return registered;
  return Math.ceil(registered / interval) * interval;
}

/**
 * How long a deregistering target stays `draining` (the task DEACTIVATING: running, billed, no new
 * requests): the whole deregistration delay. Deregistration may complete early when in-flight requests
 * finish, "However, the target state will display as draining until the timeout period has elapsed"
 * (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/edit-target-group-attributes.html#deregistration-delay),
 * and ECS waits for the target to reach UNUSED before it stops the task
 * (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/load-balancer-connection-draining.html).
 */
export function deregistrationTime(cfg: TargetGroupConfig): TimeMs {
  return cfg.deregistrationDelay;
}

/** A scenario's target group with the registration assumptions in force. */
export function withRegistrationAssumptions(lb: TargetGroupConfig, a: AssumptionValues): TargetGroupConfig {
  return {
    ...lb,
    registrationDelay: num(a, "alb.targetRegistrationDelay"),
    healthCheckSchedule: a["alb.healthCheckSchedule"] === "immediate" ? "immediate" : "grid",
  };
}

/**
 * AWS/ApplicationELB RequestCountPerTarget for one minute: "Always reported" (zeros included), the target
 * group's requests divided by its healthy targets, or by all registered targets when none is healthy.
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html
 * Targets are time-averaged over the minute; registered = tasks RUNNING (healthy or still `initial`).
 * With no target at all a minute with requests has no defined value (missing); one without is 0.
 */
export function requestCountPerTarget(
  requests: number,
  healthyTargets: number,
  registeredTargets: number,
): number | null {
  const targets = healthyTargets > 0 ? healthyTargets : registeredTargets;
  if (targets > 0) return requests / targets;
  return requests > 0 ? null : 0;
}
