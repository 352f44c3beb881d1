/**
 * App Runner's concurrency-based scaling, as pure arithmetic. AWS documents the rule, not its timing:
 * "App Runner ... scales up when the number of concurrent requests per instance exceeds MaxConcurrency",
 * between MinSize provisioned instances and MaxSize.
 * https://docs.aws.amazon.com/apprunner/latest/dg/manage-autoscaling.html
 * The evaluation interval and the scale-in window are the assumptions `appRunner.scalingInterval` and
 * `appRunner.scaleInStabilization` (src/assumptions.ts).
 */

/** Instances needed so that no instance holds more than MaxConcurrency concurrent requests. */
export function appRunnerInstancesNeeded(
  concurrentRequests: number,
  cfg: { MaxConcurrency: number; MinSize: number; MaxSize: number },
): number {
  // A tiny epsilon keeps 200.0000001 concurrent requests at MaxConcurrency 100 at 2 instances.
  const raw = Math.ceil(concurrentRequests / cfg.MaxConcurrency - 1e-9);
  return Math.min(cfg.MaxSize, Math.max(cfg.MinSize, raw));
}

/**
 * The instance count after one evaluation: scale up at once to the newest need; scale down only to the
 * highest need seen over the stabilization window (the newest `windowNeeds`, oldest first).
 */
export function appRunnerNextCount(current: number, windowNeeds: readonly number[]): number {
  const newest = windowNeeds[windowNeeds.length - 1];
  if (newest > current) return newest;
  let highest = 0;
  for (const n of windowNeeds) if (n > highest) highest = n;
  return Math.min(current, highest);
}
