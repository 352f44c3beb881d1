/**
 * The service's deployment configuration as the scheduler applies it when it replaces tasks: while any
 * container instance is DRAINING (cluster scale-in with managed draining, Spot interruption notices with
 * ECS_ENABLE_SPOT_INSTANCE_DRAINING, or an operator), and in rolling deployments.
 *
 * "Service tasks on the container instance that are in the RUNNING state are stopped and replaced according
 * to the service's deployment configuration parameters, minimumHealthyPercent and maximumPercent. If
 * minimumHealthyPercent is below 100%, the scheduler can ignore desiredCount temporarily during task
 * replacement. For example, desiredCount is four tasks, a minimum of 50% allows the scheduler to stop two
 * existing tasks before starting two new tasks. If the minimum is 100%, the service scheduler can't remove
 * existing tasks until the replacement tasks are considered healthy. … The maximumPercent parameter represents
 * an upper limit on the number of running tasks during task replacement … if desiredCount is four tasks, a
 * maximum of 200% starts four new tasks before stopping the four tasks to be drained."
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/container-instance-draining.html
 *
 * Rounding: the minimum "as a percentage of the desiredCount (rounded up to the nearest integer)", the
 * maximum "(rounded down to the nearest integer)"; defaults 100 and 200 for a REPLICA service.
 * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeploymentConfiguration.html
 */

import type { TimeMs } from "../../engine/time.js";

export interface DeploymentConfiguration {
  readonly minimumHealthyPercent: number;
  readonly maximumPercent: number;
}

/** REPLICA service defaults. https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeploymentConfiguration.html */
export const DEPLOYMENT_DEFAULTS: DeploymentConfiguration = {
  minimumHealthyPercent: 100,
  maximumPercent: 200,
};

/**
 * A service without any health check counts a task as healthy 40 seconds after it reaches RUNNING: "the
 * service scheduler will wait for 40 seconds after a task reaches a RUNNING state before the task is counted
 * towards the minimum healthy percent total."
 * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeploymentConfiguration.html
 */
export const NO_HEALTH_CHECK_HEALTHY_MS: TimeMs = 40_000;

/** Tasks that must stay healthy: ceil(desired × minimumHealthyPercent / 100). */
export function minimumHealthyTasks(desired: number, d: DeploymentConfiguration): number {
  return Math.ceil((desired * d.minimumHealthyPercent) / 100 - 1e-9);
}

/** Upper limit on RUNNING or PENDING tasks: floor(desired × maximumPercent / 100). */
export function maximumTasks(desired: number, d: DeploymentConfiguration): number {
  return Math.floor((desired * d.maximumPercent) / 100 + 1e-9);
}

/** One task being replaced: whether it is healthy now. */
export interface ReplacedTask {
  readonly healthy: boolean;
}

/**
 * Which of the tasks being replaced the scheduler may stop now, in order: an unhealthy one always (it holds
 * no healthy share), a healthy one only while the service keeps `minimumHealthyTasks` healthy tasks without it.
 * `healthy` counts every healthy task of the service, replaced ones included. Returns the indices to stop.
 */
export function replacedTasksToStop(
  replaced: readonly ReplacedTask[],
  healthy: number,
  desired: number,
  d: DeploymentConfiguration,
): number[] {
  const floor = minimumHealthyTasks(desired, d);
  const out: number[] = [];
  let h = healthy;
  replaced.forEach((t, i) => {
    if (!t.healthy) out.push(i);
    else if (h - 1 >= floor) {
      out.push(i);
      h--;
    }
  });
  return out;
}

/**
 * Replacement tasks the scheduler may launch now: enough to bring the tasks not being replaced up to the
 * desired count, within `maximumTasks` counting every task still RUNNING or PENDING (replaced ones included).
 */
export function replacementLaunches(
  notReplaced: number,
  replaced: number,
  desired: number,
  d: DeploymentConfiguration,
): number {
  const wanted = desired - notReplaced;
  const room = maximumTasks(desired, d) - (notReplaced + replaced);
  return Math.max(0, Math.min(wanted, room));
}
