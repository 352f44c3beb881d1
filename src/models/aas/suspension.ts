import { Phase, type Simulation } from "../../engine/sim.js";
import type { TimeMs } from "../../engine/time.js";
import type { ScalingController, SuspendedFlags } from "./scaling-controller.js";

/**
 * Suspending and resuming scaling during a run: each change is a RegisterScalableTarget call with
 * `--suspended-state` at its time.
 *   https://docs.aws.amazon.com/autoscaling/application/userguide/application-auto-scaling-suspend-resume-scaling.html
 * What resuming does is documented per flag ("When you resume scale in/out, Application Auto Scaling
 * evaluates policies with alarm thresholds that are currently in breach"; "When you resume scheduled
 * scaling, Application Auto Scaling only evaluates scheduled actions whose execution time has not yet
 * passed"); the controller implements it (ScalingController.setSuspendedState).
 */

export interface SuspendedStatePatch {
  readonly DynamicScalingInSuspended?: boolean;
  readonly DynamicScalingOutSuspended?: boolean;
  readonly ScheduledScalingSuspended?: boolean;
}

export interface SuspendedStateChangeSpec {
  /** Simulated ms since the start of the run. */
  readonly atMs: TimeMs;
  readonly flags: SuspendedStatePatch;
}

const FLAGS = [
  "DynamicScalingInSuspended",
  "DynamicScalingOutSuspended",
  "ScheduledScalingSuspended",
] as const;

/** The suspended state after a call: named flags take their value, omitted ones keep theirs. Pure. */
export function applySuspendedState(current: SuspendedFlags, patch: SuspendedStatePatch): SuspendedFlags {
  return {
    DynamicScalingInSuspended: patch.DynamicScalingInSuspended ?? current.DynamicScalingInSuspended,
    DynamicScalingOutSuspended: patch.DynamicScalingOutSuspended ?? current.DynamicScalingOutSuspended,
    ScheduledScalingSuspended: patch.ScheduledScalingSuspended ?? current.ScheduledScalingSuspended,
  };
}

/** Which flags a change turns on (suspended) and off (resumed). Pure. */
export function suspendedStateDiff(
  before: SuspendedFlags,
  after: SuspendedFlags,
): { suspended: string[]; resumed: string[] } {
  const suspended: string[] = [];
  const resumed: string[] = [];
  for (const f of FLAGS) {
    if (!before[f] && after[f]) suspended.push(f);
    else if (before[f] && !after[f]) resumed.push(f);
  }
  return { suspended, resumed };
}

/** Schedule the changes on the simulation; each runs in the control phase of its instant. */
export function scheduleSuspendedStateChanges(
  sim: Simulation,
  controller: ScalingController,
  changes: ReadonlyArray<SuspendedStateChangeSpec>,
  durationMs: TimeMs,
): void {
  for (const c of changes) {
    if (c.atMs > durationMs) continue;
    sim.at(c.atMs, (now) => controller.setSuspendedState(now, c.flags), Phase.control);
  }
}
