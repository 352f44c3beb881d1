import { num } from "../../assumptions.js";
import { Phase } from "../../engine/sim.js";
import { MINUTE, type TimeMs } from "../../engine/time.js";
import type { EventBridgeTasksPlatform } from "../../scenario/platforms/eventbridge-tasks.js";
import { parseSchedule } from "../../models/aas/schedule.js";
import { EcsService } from "../../models/ecs/service.js";
import { TaskEventLog } from "../../models/ecs/task-events.js";
import type { Task } from "../../models/ecs/task.js";
import { makeDistribution } from "../../models/latency/distributions.js";
import { LogHistogram } from "../../models/latency/histogram.js";
import { statsOf } from "../../models/latency/request-recorder.js";
import type { LatencyStats } from "../../models/latency/recorder.js";
import { nextRetryAt, type RetryBackoff, type RetryPolicy } from "../../models/eventbridge/retry-policy.js";
import { WholeArrivals } from "../../models/traffic/whole-arrivals.js";
import { buildCompute } from "./ecs-compute.js";
import { closeCost, costMatchesMetersCheck, costOf, startPlatformRun } from "./harness.js";
import type { PlatformRunInput } from "./ecs-service.js";
import type { PlatformResult } from "../../models/platform/result.js";

/**
 * Jobs started by EventBridge as ECS RunTask: scheduled (EventBridge Scheduler, cron/rate/at in the AWS
 * dialect with time zones, optional flexible time window) and one per event of the scenario's traffic.
 * Each task runs one job and exits (stopCode EssentialContainerExited). On Fargate, a RunTask beyond the
 * account's vCPU quota fails and is retried under the target's RetryPolicy, then dead-lettered or dropped;
 * on EC2 the tasks wait in PROVISIONING while cluster auto scaling adds instances. The result is the batch's cost and its completion-time distribution.
 * https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-targets-templated.html
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/scheduled_tasks.html
 */
export function runEventBridgeTasks(input: PlatformRunInput<EventBridgeTasksPlatform>): PlatformResult {
  const { name, platform: p, scenario, assumptions: a } = input;
  const c = p.compute;
  const { sim, minutes, ledger, series, decisions, log } = startPlatformRun(input);
  const cols = series.columns;
  const compute = buildCompute(name, c, {
    sim,
    ledger,
    log,
    region: scenario.region,
    assumptions: a,
    image: scenario.workload.image,
    ebsGp3PerGbMonth: scenario.billing?.ebsGp3PerGbMonth,
    path: `platforms.${name}.compute`,
  });
  const duration = makeDistribution({
    distribution: p.job.duration.distribution,
    mean: p.job.duration.mean,
    cv: p.job.duration.cv,
  });
  const rngDuration = sim.rng(`${name}.jobs.duration`);
  const rngWindow = sim.rng(`${name}.jobs.flexibleWindow`);
  const sloMs = scenario.slo.latency;

  // Jobs admitted (RunTask succeeded) whose task has not reached PROVISIONING yet, FIFO; each task's job.
  const admitted: Job[] = [];
  let admittedHead = 0;
  const jobOf = new Map<number, Job>();
  const exited = new Set<number>();
  // Tasks stopped before their job finished (Spot interruption, instance drained): the job is lost.
  const cut = new Set<number>();
  let tasksHeld = 0;
  const quota = p.fargateVcpuQuota;
  const vcpu = compute.task.vcpu;
  const backoff: RetryBackoff = {
    baseMs: num(a, "eventBridge.retryBaseDelay"),
    maxMs: num(a, "eventBridge.retryMaxDelay"),
  };

  const completion = new LogHistogram();
  const minuteCompletion = new LogHistogram();
  const wait = new LogHistogram();
  let withinSlo = 0;
  const withinBySubmitMinute = new Float64Array(minutes);
  // The minute being counted: a job submitted at a minute boundary before that minute closes is its.
  let minute = 0;
  let submitted = 0;
  let completed = 0;
  let lost = 0;
  let dropped = 0;
  let deadLettered = 0;
  let retries = 0;
  let retrying = 0;
  let minuteSubmitted = 0;
  let minuteCompleted = 0;
  let minuteLost = 0;
  let maxHeld = 0;

  const ecs = new EcsService(sim, compute.launcher, {
    name,
    desiredCount: 0,
    targetGroup: { healthCheckInterval: 0, healthyThreshold: 0, deregistrationDelay: 0 },
    loadBalanced: false,
    stopDuration: num(a, "ecs.stopDuration"),
    // A job's container has exited by itself when its task stops; anything else gets the usual SIGTERM.
    stopDelay: (task) => (exited.has(task.id) ? 0 : num(a, "ecs.stopDuration")),
    scaleInSelection: "newest",
    // RunTask is not paced by the service scheduler.
    launchesPerMinute: Number.MAX_SAFE_INTEGER,
    // Standalone tasks have no deployment configuration: one on a DRAINING instance stops at once (its job
    // is lost) and the job count launches another, as before deployment configurations were modelled.
    deployment: { minimumHealthyPercent: 0, maximumPercent: 100 },
  });

  // RunTask for each job: it succeeds while the Fargate vCPU quota has room; a failed call is retried
  // under the target's RetryPolicy, then dead-lettered or dropped (retry-policy.ts).
  const hasCapacity = () => quota === undefined || (tasksHeld + 1) * vcpu <= quota + 1e-9;
  const runTasks = (jobs: readonly Job[], now: TimeMs) => {
    let k = 0;
    for (const job of jobs) {
      if (hasCapacity()) {
        admitted.push(job);
        tasksHeld++;
        k++;
      } else retryOrDrop(job, now);
    }
    maxHeld = Math.max(maxHeld, tasksHeld);
    if (k > 0) ecs.setDesiredCount(ecs.desiredCount + k);
  };
  const retryOrDrop = (job: Job, now: TimeMs) => {
    const next = nextRetryAt(job.target.RetryPolicy, backoff, job.at, job.retries, now);
    if (next === null) {
      const dlq = job.target.DeadLetterConfig;
      if (dlq) deadLettered++;
      else dropped++;
      minuteLost++;
      const rp = job.target.RetryPolicy;
      decisions.push({
        t: now / 1000,
        platform: name,
        controller: "eventBridgeScheduler",
        action: dlq ? "dead-letter" : "drop",
        from: 1,
        to: 0,
        reason: `RunTask found no capacity (Fargate vCPU quota ${quota}) after ${job.retries} retries over ${(now - job.at) / 1000}s (MaximumRetryAttempts ${rp.MaximumRetryAttempts}, MaximumEventAgeInSeconds ${rp.MaximumEventAgeInSeconds})${dlq ? `: sent to ${dlq.Arn}` : ""}`,
      });
      return;
    }
    job.retries++;
    retries++;
    retrying++;
    sim.at(
      next,
      (t) => {
        retrying--;
        runTasks([job], t);
      },
      Phase.schedule,
    );
  };
  const submit = (now: TimeMs, count: number, target: RetryTarget) => {
    const jobs: Job[] = [];
    for (let i = 0; i < count; i++) jobs.push({ at: now, minute, retries: 0, target });
    submitted += count;
    minuteSubmitted += count;
    runTasks(jobs, now);
  };

  const taskEvents = new TaskEventLog({
    group: `family:${name}`,
    launchType: compute.launchType,
    cpu: c.task.cpu,
    memory: c.task.memory,
  });
  ecs.observers.push({
    taskChanged(task: Task, now: TimeMs) {
      if (task.status === "PROVISIONING" && !jobOf.has(task.id)) {
        jobOf.set(task.id, admitted[admittedHead++]);
        if (admittedHead > 1024 && admittedHead * 2 > admitted.length) {
          admitted.splice(0, admittedHead);
          admittedHead = 0;
        }
      }
      if (task.status === "RUNNING" && task.desiredStatus === "RUNNING") {
        wait.record(Math.max(0.01, now - jobOf.get(task.id)!.at));
        const d = Math.max(0, Math.round(duration.sample(rngDuration)));
        sim.after(d, (t) => {
          if (task.desiredStatus !== "RUNNING") return;
          exited.add(task.id);
          ecs.desiredCount--;
          ecs.stopTask(task, t, "EssentialContainerExited", "Essential container in task exited");
        });
      }
      // Stopped for another reason (Spot interruption, instance drained): nothing replaces a RunTask task.
      if (task.desiredStatus === "STOPPED" && !exited.has(task.id) && !cut.has(task.id)) {
        cut.add(task.id);
        ecs.desiredCount--;
      }
      if (task.status === "STOPPED") {
        const job = jobOf.get(task.id)!;
        jobOf.delete(task.id);
        if (exited.delete(task.id)) {
          const ms = Math.max(0.01, now - job.at);
          completion.record(ms);
          minuteCompletion.record(ms);
          completed++;
          minuteCompleted++;
          if (ms <= sloMs) {
            withinSlo++;
            // Credited to the minute whose `arrived` counted the job.
            if (job.minute < minutes) withinBySubmitMinute[job.minute]++;
          }
        } else {
          cut.delete(task.id);
          lost++;
          minuteLost++;
        }
        tasksHeld--;
      }
    },
  });
  ecs.observers.push(taskEvents);

  // Schedules (EventBridge Scheduler); simulated time 0 is the trace's start.
  const startMs = input.startMs ?? 0;
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
      if (at > input.durationMs) return;
      sim.at(
        Math.max(0, at),
        (now) => {
          // FLEXIBLE: the invocation falls within the window after the scheduled time (uniformly: AWS states
          // only "within the window"). https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-schedule-flexible-time-windows.html
          const delay = windowMs > 0 ? Math.floor(rngWindow.next() * windowMs) : 0;
          sim.after(delay, (t) => submit(t, s.TaskCount, s), Phase.schedule);
          decisions.push({
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
  // Events: each arrival of the scenario's traffic invokes RunTask once.
  if (p.eventTarget) {
    const eventTarget: RetryTarget = {
      RetryPolicy: p.eventTargetRetryPolicy,
      DeadLetterConfig: p.eventTargetDeadLetterConfig,
    };
    const tick = scenario.engine.tick;
    const arrivals = new WholeArrivals(input.rates, input.stepMs);
    sim.every(
      tick,
      (now) => {
        const n = arrivals.take(now - tick, tick);
        if (n > 0) submit(now, n, eventTarget);
      },
      Phase.lifecycle,
    );
  }

  // Per-minute series.
  let runningMs = 0;
  let minuteRunningMs = 0;
  let lastT = 0;
  const integrate = (now: TimeMs) => {
    runningMs += ecs.runningCount * (now - lastT);
    minuteRunningMs += ecs.runningCount * (now - lastT);
    lastT = now;
  };
  ecs.observers.unshift({ taskChanged: (_t, now) => integrate(now) });
  sim.every(
    MINUTE,
    (now) => {
      integrate(now);
      if (minute < minutes) {
        const st = statsOf(minuteCompletion, 0);
        cols.arrived[minute] = minuteSubmitted;
        cols.served[minute] = minuteCompleted;
        cols.dropped[minute] = minuteLost;
        cols.desired[minute] = ecs.desiredCount;
        cols.running[minute] = minuteRunningMs / MINUTE;
        cols.inService[minute] = minuteRunningMs / MINUTE;
        cols.cpuPercent[minute] = Number.NaN;
        cols.memoryPercent[minute] = Number.NaN;
        series.setLatency(minute, st);
      }
      minute++;
      minuteCompletion.reset();
      minuteSubmitted = minuteCompleted = minuteLost = 0;
      minuteRunningMs = 0;
    },
    Phase.metrics,
  );

  sim.run(input.durationMs);
  integrate(input.durationMs);
  compute.launcher.finish(ecs.tasks, input.durationMs);

  cols.withinSlo.set(withinBySubmitMinute);
  const { perMinuteCost, totalUsd } = closeCost(ledger, series);
  const extra = compute.report();
  const inFlight = retrying + tasksHeld;
  const notRun = dropped + deadLettered;
  const completionStats = statsOf(completion, withinSlo);
  const paidVcpuSeconds = extra.paidVcpuSeconds ?? compute.launcher.billedTaskSeconds * vcpu;
  return {
    name,
    kind: p.kind,
    minutes: series,
    requests: {
      arrived: submitted,
      served: completed,
      dropped: lost + notRun,
      timedOut: 0,
      inFlightAtEnd: inFlight,
    },
    latency: completionStats,
    capacity: {
      min: 0,
      max: maxHeld,
      mean: input.durationMs > 0 ? runningMs / input.durationMs : 0,
      taskHours: runningMs / 3_600_000,
      billedTaskHours: compute.launcher.billedTaskSeconds / 3600,
    },
    cost: costOf(ledger, totalUsd),
    scaling: { scaleOutEvents: 0, scaleInEvents: 0 },
    // Jobs are taken to keep their task's vCPUs busy while RUNNING.
    utilisation: {
      cpuPercentOfPaid: paidVcpuSeconds > 0 ? (100 * (runningMs / 1000) * vcpu) / paidVcpuSeconds : 0,
    },
    decisions,
    taskEvents: [taskEvents],
    details: {
      jobs: {
        launchType: compute.launchType,
        submitted,
        completed,
        lost,
        retries,
        dropped,
        deadLettered,
        waitingAtEnd: retrying,
        runningAtEnd: tasksHeld,
        maxConcurrentTasks: maxHeld,
        completionSeconds: secondsOf(completionStats),
        waitForRunningSeconds: secondsOf(statsOf(wait, 0)),
        costPerJobUsd: completed > 0 ? totalUsd / completed : 0,
      },
    },
    checks: [
      {
        name: "jobs conserved",
        ok: submitted === completed + lost + notRun + inFlight,
        detail: `submitted ${submitted} = completed ${completed} + lost ${lost} + dropped or dead-lettered ${notRun} + waiting or running ${inFlight}`,
      },
      costMatchesMetersCheck(perMinuteCost, totalUsd),
      {
        name: "vCPU quota respected",
        ok: quota === undefined || maxHeld * vcpu <= quota + 1e-9,
        detail:
          quota === undefined ? "no quota" : `at most ${maxHeld} tasks × ${vcpu} vCPU within ${quota} vCPU`,
      },
      ...(extra.checks ?? []),
    ],
    ...(extra.capacityCost ? { capacityCost: extra.capacityCost } : {}),
    ...(extra.instances ? { instances: extra.instances } : {}),
  };
}

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

function secondsOf(s: LatencyStats): { mean: number; p50: number; p95: number; max: number } {
  const r = (x: number) => Math.round(x) / 1000;
  return { mean: r(s.mean), p50: r(s.p50), p95: r(s.p95), max: r(s.max) };
}
