import { Phase, type Simulation } from "../../engine/sim.js";
import type { TimeMs } from "../../engine/time.js";
import { parseSchedule, type Schedule } from "../../rules/schedule.js";
import type { ScalingController } from "./scaling-controller.js";

export interface ScheduledActionSpec {
  readonly name: string;
  readonly schedule: string;
  readonly timezone?: string;
  /** Epoch ms (UTC). */
  readonly startTimeMs?: number;
  readonly endTimeMs?: number;
  readonly minCapacity?: number;
  readonly maxCapacity?: number;
}

export interface ScheduleRunOptions {
  /** Epoch ms of simulated time 0. */
  readonly startMs: number;
  /** Length of the run; occurrences after it are not scheduled. */
  readonly durationMs: TimeMs;
  /** Assumption `schedule.rateAnchor`: "runStart" (rate() without StartTime counts from the run's start) or "epoch". */
  readonly rateAnchor: string;
  /** Assumption `schedule.cronDstGap`: a cron time skipped by spring-forward is "skip"ped or "shift"ed. */
  readonly cronDstGap: string;
  /** Assumption `schedule.triggerDelay`: "a few seconds" between the scheduled time and the change. */
  readonly triggerDelayMs: TimeMs;
}

/**
 * Scheduled actions of one scalable target: each occurrence of an action's schedule (at, rate or cron in
 * its Timezone, between StartTime and EndTime; schedule.ts) sets the target's min/max through the
 * controller. Actions due at the same instant run in the order they are listed ("actions close together
 * run in order").
 * https://docs.aws.amazon.com/autoscaling/application/userguide/application-auto-scaling-scheduled-scaling.html
 */
export class ScheduleController {
  private readonly schedules: { spec: ScheduledActionSpec; schedule: Schedule }[];

  constructor(
    private readonly sim: Simulation,
    private readonly controller: ScalingController,
    actions: ReadonlyArray<ScheduledActionSpec>,
    private readonly opts: ScheduleRunOptions,
  ) {
    this.schedules = actions.map((spec) => ({
      spec,
      schedule: parseSchedule(spec.schedule, {
        timezone: spec.timezone,
        startTimeMs: spec.startTimeMs,
        endTimeMs: spec.endTimeMs,
        rateAnchorMs: opts.rateAnchor === "runStart" ? opts.startMs : undefined,
        dstGap: opts.cronDstGap === "shift" ? "shift" : "skip",
      }),
    }));
  }

  start(): void {
    // Occurrences at the run's first instant count, so search from just before it.
    for (const s of this.schedules) this.arm(s, this.opts.startMs - 1);
  }

  private arm(s: { spec: ScheduledActionSpec; schedule: Schedule }, afterMs: number): void {
    const next = s.schedule.nextFire(afterMs);
    if (next === null) return;
    const at = next - this.opts.startMs + this.opts.triggerDelayMs;
    if (at > this.opts.durationMs) return;
    this.sim.at(
      Math.max(0, at),
      (now) => {
        const when = new Date(next).toISOString();
        const min = s.spec.minCapacity;
        const max = s.spec.maxCapacity;
        const what = [
          min !== undefined ? `MinCapacity ${min}` : "",
          max !== undefined ? `MaxCapacity ${max}` : "",
        ]
          .filter(Boolean)
          .join(", ");
        this.controller.applyScheduled(
          now,
          s.spec.name,
          min,
          max,
          `scheduled action ${s.spec.schedule} fired at ${when}: ${what}`,
        );
        this.arm(s, next);
      },
      Phase.schedule,
    );
  }
}
