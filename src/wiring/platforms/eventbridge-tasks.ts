import { num } from "../../assumptions.js";
import { Phase, type Simulation } from "../../engine/sim.js";
import { MINUTE, type TimeMs } from "../../engine/time.js";
import { parseSchedule } from "../../rules/schedule.js";
import type { Decision } from "../../models/decisions.js";
import type { EcsService } from "../../models/ecs/service.js";
import type { Task } from "../../models/ecs/task.js";
import { nextRetryAt, type RetryBackoff, type RetryPolicy } from "../../models/eventbridge/retry-policy.js";
import {
  makeDistribution,
  type RandomSource,
  type ServiceTimeDistribution,
} from "../../models/latency/distributions.js";
import { LogHistogram } from "../../models/latency/histogram.js";
import type { LatencyStats } from "../../models/latency/recorder.js";
import { statsOf } from "../../models/latency/request-recorder.js";
import type { JobDetails, PlatformResult } from "../../models/platform/result.js";
import { WholeArrivals } from "../../models/traffic/whole-arrivals.js";
import type { EventBridgeTasksPlatform } from "../../scenario/platforms/eventbridge-tasks.js";
import { assembleWorkResult, closeWorkMinute, RunningTime } from "./collectors.js";
import { buildCompute, workService } from "./ecs-compute.js";
import type { ClosedBooks, PlatformKind, PlatformRun } from "./skeleton.js";

type Run = PlatformRun<EventBridgeTasksPlatform>;

/** Where a job's RunTask call came from, as far as failures go. */
interface RetryTarget {
  readonly RetryPolicy: RetryPolicy;
  readonly DeadLetterConfig?: { readonly Arn: string };
}

/** One job: one task of one invocation. */
interface Job {
  /** The invocation's time: completion and waits count from it, and so does the event's age. */
  readonly at: TimeMs;
  /** The minute whose `arrived` counted it. */
  readonly minute: number;
  retries: number;
  readonly target: RetryTarget;
}

/** Job counts over the run and over the minute being closed. */
class JobCounts {
  submitted = 0;
  completed = 0;
  lost = 0;
  dropped = 0;
  deadLettered = 0;
  retries = 0;
  retrying = 0;
  tasksHeld = 0;
  maxHeld = 0;
  /** The minute being counted: a job submitted at a minute boundary before that minute closes is its. */
  minute = 0;
  minuteSubmitted = 0;
  minuteCompleted = 0;
  minuteLost = 0;
}

/**
 * RunTask for each job: it succeeds while the Fargate vCPU quota has room; a failed call is retried under the
 * target's RetryPolicy, then dead-lettered or dropped (retry-policy.ts). Each task runs one job and exits.
 */
class RunTaskJobs {
  readonly n = new JobCounts();
  readonly completion = new LogHistogram();
  readonly minuteCompletion = new LogHistogram();
  readonly wait = new LogHistogram();
  withinSlo = 0;
  readonly withinBySubmitMinute: Float64Array;
  /** Jobs admitted (RunTask succeeded) whose task has not reached PROVISIONING yet, FIFO; each task's job. */
  private readonly admitted: Job[] = [];
  private admittedHead = 0;
  private readonly jobOf = new Map<number, Job>();
  private readonly exited = new Set<number>();
  /** Tasks stopped before their job finished (Spot interruption, instance drained): the job is lost. */
  private readonly cut = new Set<number>();
  private readonly duration: ServiceTimeDistribution;

  constructor(
    private readonly sim: Simulation,
    private readonly ecs: EcsService,
    private readonly o: {
      name: string;
      vcpu: number;
      quota?: number;
      backoff: RetryBackoff;
      sloMs: number;
      minutes: number;
      duration: EventBridgeTasksPlatform["job"]["duration"];
      decisions: Decision[];
    },
  ) {
    this.withinBySubmitMinute = new Float64Array(o.minutes);
    const d = o.duration;
    this.duration = makeDistribution({ distribution: d.distribution, mean: d.mean, cv: d.cv });
  }

  /** A job's container has exited by itself when its task stops; anything else gets the usual SIGTERM. */
  hasExited(task: Task): boolean {
    return this.exited.has(task.id);
  }

  submit(now: TimeMs, count: number, target: RetryTarget): void {
    const jobs: Job[] = [];
    for (let i = 0; i < count; i++) jobs.push({ at: now, minute: this.n.minute, retries: 0, target });
    this.n.submitted += count;
    this.n.minuteSubmitted += count;
    this.runTasks(jobs, now);
  }

  private hasCapacity(): boolean {
    const { quota, vcpu } = this.o;
    return quota === undefined || (this.n.tasksHeld + 1) * vcpu <= quota + 1e-9;
  }

  private runTasks(jobs: readonly Job[], now: TimeMs): void {
    let k = 0;
    for (const job of jobs) {
      if (this.hasCapacity()) {
        this.admitted.push(job);
        this.n.tasksHeld++;
        k++;
      } else this.retryOrDrop(job, now);
    }
    this.n.maxHeld = Math.max(this.n.maxHeld, this.n.tasksHeld);
    if (k > 0) this.ecs.setDesiredCount(this.ecs.desiredCount + k);
  }

  private retryOrDrop(job: Job, now: TimeMs): void {
    const next = nextRetryAt(job.target.RetryPolicy, this.o.backoff, job.at, job.retries, now);
    if (next === null) {
      this.giveUp(job, now);
      return;
    }
    job.retries++;
    this.n.retries++;
    this.n.retrying++;
    this.sim.at(
      next,
      (t) => {
        this.n.retrying--;
        this.runTasks([job], t);
      },
      Phase.schedule,
    );
  }

  private giveUp(job: Job, now: TimeMs): void {
    const dlq = job.target.DeadLetterConfig;
    if (dlq) this.n.deadLettered++;
    else this.n.dropped++;
    this.n.minuteLost++;
    const rp = job.target.RetryPolicy;
    this.o.decisions.push({
      t: now / 1000,
      platform: this.o.name,
      controller: "eventBridgeScheduler",
      action: dlq ? "dead-letter" : "drop",
      from: 1,
      to: 0,
      reason: `RunTask found no capacity (Fargate vCPU quota ${this.o.quota}) after ${job.retries} retries over ${(now - job.at) / 1000}s (MaximumRetryAttempts ${rp.MaximumRetryAttempts}, MaximumEventAgeInSeconds ${rp.MaximumEventAgeInSeconds})${dlq ? `: sent to ${dlq.Arn}` : ""}`,
    });
  }

  /** The service's task observer: each task takes the next admitted job, runs it, and exits. */
  taskChanged(task: Task, now: TimeMs, rngDuration: RandomSource): void {
    if (task.status === "PROVISIONING" && !this.jobOf.has(task.id)) this.assign(task);
    if (task.status === "RUNNING" && task.desiredStatus === "RUNNING") this.runJob(task, now, rngDuration);
    // Stopped for another reason (Spot interruption, instance drained): nothing replaces a RunTask task.
    if (task.desiredStatus === "STOPPED" && !this.exited.has(task.id) && !this.cut.has(task.id)) {
      this.cut.add(task.id);
      this.ecs.desiredCount--;
    }
    if (task.status === "STOPPED") this.stopped(task, now);
  }

  private assign(task: Task): void {
    this.jobOf.set(task.id, this.admitted[this.admittedHead++]);
    if (this.admittedHead > 1024 && this.admittedHead * 2 > this.admitted.length) {
      this.admitted.splice(0, this.admittedHead);
      this.admittedHead = 0;
    }
  }

  private runJob(task: Task, now: TimeMs, rngDuration: RandomSource): void {
    this.wait.record(Math.max(0.01, now - this.jobOf.get(task.id)!.at));
    const d = Math.max(0, Math.round(this.duration.sample(rngDuration)));
    this.sim.after(d, (t) => {
      if (task.desiredStatus !== "RUNNING") return;
      this.exited.add(task.id);
      this.ecs.desiredCount--;
      this.ecs.stopTask(task, t, "EssentialContainerExited", "Essential container in task exited");
    });
  }

  private stopped(task: Task, now: TimeMs): void {
    const job = this.jobOf.get(task.id)!;
    this.jobOf.delete(task.id);
    this.n.tasksHeld--;
    if (!this.exited.delete(task.id)) {
      this.cut.delete(task.id);
      this.n.lost++;
      this.n.minuteLost++;
      return;
    }
    const ms = Math.max(0.01, now - job.at);
    this.completion.record(ms);
    this.minuteCompletion.record(ms);
    this.n.completed++;
    this.n.minuteCompleted++;
    if (ms <= this.o.sloMs) {
      this.withinSlo++;
      // Credited to the minute whose `arrived` counted the job.
      if (job.minute < this.o.minutes) this.withinBySubmitMinute[job.minute]++;
    }
  }
}

function buildJobs(run: Run) {
  const { name, platform: p, scenario, assumptions: a } = run.input;
  const compute = buildCompute(run, p.compute, `platforms.${name}.compute`);
  const rngDuration = run.sim.rng(`${name}.jobs.duration`);
  const rngWindow = run.sim.rng(`${name}.jobs.flexibleWindow`);
  let jobs: RunTaskJobs | undefined;
  const { ecs, taskEvents } = workService(run, compute, {
    group: `family:${name}`,
    desiredCount: 0,
    stopDelay: (task) => (jobs?.hasExited(task) ? 0 : num(a, "ecs.stopDuration")),
    scaleInSelection: "newest",
    // RunTask is not paced by the service scheduler.
    launchesPerMinute: Number.MAX_SAFE_INTEGER,
    // Standalone tasks have no deployment configuration: one on a DRAINING instance stops at once (its job
    // is lost) and the job count launches another, as before deployment configurations were modelled.
    deployment: { minimumHealthyPercent: 0, maximumPercent: 100 },
  });
  const runTask = new RunTaskJobs(run.sim, ecs, {
    name,
    vcpu: compute.task.vcpu,
    quota: p.fargateVcpuQuota,
    backoff: { baseMs: num(a, "eventBridge.retryBaseDelay"), maxMs: num(a, "eventBridge.retryMaxDelay") },
    sloMs: scenario.slo.latency,
    minutes: run.minutes,
    duration: p.job.duration,
    decisions: run.decisions,
  });
  jobs = runTask;
  const running = new RunningTime(() => ecs.runningCount);
  ecs.observers.unshift(
    { taskChanged: (_t, now) => running.integrate(now) },
    { taskChanged: (task, now) => runTask.taskChanged(task, now, rngDuration) },
  );
  return { compute, ecs, taskEvents, jobs: runTask, running, rngWindow };
}
type Parts = ReturnType<typeof buildJobs>;

/** Schedules (EventBridge Scheduler); simulated time 0 is the trace's start. */
function armSchedules(q: Parts, run: Run): void {
  const { name, platform: p } = run.input;
  const startMs = run.input.startMs ?? 0;
  for (const s of p.schedules) {
    const schedule = parseSchedule(s.ScheduleExpression, {
      timezone: s.ScheduleExpressionTimezone,
      startTimeMs: s.StartDate,
      endTimeMs: s.EndDate,
      rateAnchorMs: startMs,
      // Documented for EventBridge Scheduler: a cron time that spring-forward skips is not invoked.
      dstGap: "skip",
    });
    const windowMs =
      s.FlexibleTimeWindow.Mode === "FLEXIBLE"
        ? (s.FlexibleTimeWindow.MaximumWindowInMinutes ?? 0) * MINUTE
        : 0;
    const armFrom = (afterEpoch: number) => {
      const next = schedule.nextFire(afterEpoch);
      if (next === null) return;
      const at = next - startMs;
      if (at > run.input.durationMs) return;
      run.sim.at(
        Math.max(0, at),
        (now) => {
          // FLEXIBLE: the invocation falls within the window after the scheduled time (uniformly: AWS states
          // only "within the window"). https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-schedule-flexible-time-windows.html
          const delay = windowMs > 0 ? Math.floor(q.rngWindow.next() * windowMs) : 0;
          run.sim.after(delay, (t) => q.jobs.submit(t, s.TaskCount, s), Phase.schedule);
          run.decisions.push({
            t: now / 1000,
            platform: name,
            controller: "eventBridgeScheduler",
            action: "run-task",
            from: 0,
            to: s.TaskCount,
            reason: `schedule ${s.Name}: ${s.ScheduleExpression}${s.ScheduleExpressionTimezone ? ` (${s.ScheduleExpressionTimezone})` : ""}${delay > 0 ? `, flexible window delay ${delay / 1000}s` : ""}`,
          });
          armFrom(next);
        },
        Phase.schedule,
      );
    };
    armFrom(startMs - 1);
  }
}

/** Events: each arrival of the scenario's traffic invokes RunTask once. */
function armEvents(q: Parts, run: Run): void {
  const p = run.input.platform;
  if (!p.eventTarget) return;
  const target: RetryTarget = {
    RetryPolicy: p.eventTargetRetryPolicy,
    DeadLetterConfig: p.eventTargetDeadLetterConfig,
  };
  const tick = run.input.scenario.engine.tick;
  const arrivals = new WholeArrivals(run.input.rates, run.input.stepMs);
  run.sim.every(
    tick,
    (now) => {
      const n = arrivals.take(now - tick, tick);
      if (n > 0) q.jobs.submit(now, n, target);
    },
    Phase.lifecycle,
  );
}

/** Once a minute: jobs submitted, completed and lost, running tasks, completion times. */
function closeJobMinutes(q: Parts, run: Run): void {
  const n = q.jobs.n;
  run.sim.every(
    MINUTE,
    (now) => {
      q.running.integrate(now);
      const running = q.running.closeMinute();
      if (n.minute < run.minutes) {
        const row = {
          arrived: n.minuteSubmitted,
          served: n.minuteCompleted,
          dropped: n.minuteLost,
          desired: q.ecs.desiredCount,
          running,
        };
        closeWorkMinute(run.series, n.minute, row, statsOf(q.jobs.minuteCompletion, 0));
      }
      n.minute++;
      q.jobs.minuteCompletion.reset();
      n.minuteSubmitted = n.minuteCompleted = n.minuteLost = 0;
    },
    Phase.metrics,
  );
}

/** The `details.jobs` figures of the summary. */
function jobDetails(q: Parts, completion: LatencyStats, totalUsd: number): JobDetails {
  const n = q.jobs.n;
  return {
    launchType: q.compute.launchType,
    submitted: n.submitted,
    completed: n.completed,
    lost: n.lost,
    retries: n.retries,
    dropped: n.dropped,
    deadLettered: n.deadLettered,
    waitingAtEnd: n.retrying,
    runningAtEnd: n.tasksHeld,
    maxConcurrentTasks: n.maxHeld,
    completionSeconds: secondsOf(completion),
    waitForRunningSeconds: secondsOf(statsOf(q.jobs.wait, 0)),
    costPerJobUsd: n.completed > 0 ? totalUsd / n.completed : 0,
  };
}

function collectJobs(q: Parts, run: Run, books: ClosedBooks): PlatformResult {
  const { compute, jobs } = q;
  const n = jobs.n;
  run.series.columns.withinSlo.set(jobs.withinBySubmitMinute);
  const inFlight = n.retrying + n.tasksHeld;
  const notRun = n.dropped + n.deadLettered;
  const completion = statsOf(jobs.completion, jobs.withinSlo);
  const vcpu = compute.task.vcpu;
  const quota = run.input.platform.fargateVcpuQuota;
  const runningMs = q.running.totalMs;
  return assembleWorkResult(run, books, compute, {
    kind: "eventbridge-tasks",
    requests: {
      arrived: n.submitted,
      served: n.completed,
      dropped: n.lost + notRun,
      timedOut: 0,
      inFlightAtEnd: inFlight,
    },
    latency: completion,
    range: { min: 0, max: n.maxHeld },
    runningMs,
    scaling: { scaleOutEvents: 0, scaleInEvents: 0 },
    // Jobs are taken to keep their task's vCPUs busy while RUNNING.
    usedVcpuSeconds: (runningMs / 1000) * vcpu,
    taskEvents: [q.taskEvents],
    details: { jobs: jobDetails(q, completion, books.totalUsd) },
    conservation: {
      name: "jobs conserved",
      ok: n.submitted === n.completed + n.lost + notRun + inFlight,
      detail: `submitted ${n.submitted} = completed ${n.completed} + lost ${n.lost} + dropped or dead-lettered ${notRun} + waiting or running ${inFlight}`,
    },
    checks: [
      {
        name: "vCPU quota respected",
        ok: quota === undefined || n.maxHeld * vcpu <= quota + 1e-9,
        detail:
          quota === undefined ? "no quota" : `at most ${n.maxHeld} tasks × ${vcpu} vCPU within ${quota} vCPU`,
      },
    ],
  });
}

/**
 * Jobs started by EventBridge as ECS RunTask: scheduled (EventBridge Scheduler, cron/rate/at in the AWS
 * dialect with time zones, optional flexible time window) and one per event of the scenario's traffic.
 * Each task runs one job and exits (stopCode EssentialContainerExited). On Fargate, a RunTask beyond the
 * account's vCPU quota fails and is retried under the target's RetryPolicy, then dead-lettered or dropped;
 * on EC2 the tasks wait in PROVISIONING while cluster auto scaling adds instances. The result is the batch's
 * cost and its completion-time distribution.
 * https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-targets-templated.html
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/scheduled_tasks.html
 */
export const eventBridgeTasksKind: PlatformKind<EventBridgeTasksPlatform, Parts> = {
  build: buildJobs,
  start(q, run) {
    armSchedules(q, run);
    armEvents(q, run);
    closeJobMinutes(q, run);
  },
  finish(q, run) {
    q.running.integrate(run.input.durationMs);
    q.compute.launcher.finish(q.ecs.tasks, run.input.durationMs);
  },
  collect: collectJobs,
};

function secondsOf(s: LatencyStats): { mean: number; p50: number; p95: number; max: number } {
  const r = (x: number) => Math.round(x) / 1000;
  return { mean: r(s.mean), p50: r(s.p50), p95: r(s.p95), max: r(s.max) };
}
