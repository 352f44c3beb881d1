import { num } from "../../assumptions.js";
import { Phase } from "../../engine/sim.js";
import { MINUTE, type TimeMs } from "../../engine/time.js";
import type { EventBridgeTasksPlatform } from "../../scenario/platforms/eventbridge-tasks.js";
import { parseSchedule } from "../aas/schedule.js";
import { EcsService } from "../ecs/service.js";
import { TaskEventLog } from "../ecs/task-events.js";
import type { Task } from "../ecs/task.js";
import { makeDistribution } from "../latency/distributions.js";
import { LogHistogram } from "../latency/histogram.js";
import { statsOf } from "../latency/request-recorder.js";
import type { LatencyStats } from "../latency/recorder.js";
import { WholeArrivals } from "../traffic/whole-arrivals.js";
import { buildCompute } from "./ecs-compute.js";
import { closeCost, costMatchesMetersCheck, startPlatformRun } from "./harness.js";
import type { PlatformRunInput } from "./ecs-service.js";
import type { PlatformResult } from "./result.js";

/**
 * Jobs started by EventBridge as ECS RunTask: scheduled (EventBridge Scheduler, cron/rate/at in the AWS
 * dialect with time zones, optional flexible time window) and one per event of the scenario's traffic.
 * Each task runs one job and exits (stopCode EssentialContainerExited). On Fargate, tasks beyond the
 * account's vCPU quota wait for capacity; on EC2 they wait in PROVISIONING while cluster auto scaling
 * adds instances. The result is the batch's cost and its completion-time distribution.
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
  });
  const duration = makeDistribution({
    distribution: p.job.duration.distribution,
    mean: p.job.duration.mean,
    cv: p.job.duration.cv,
  });
  const rngDuration = sim.rng(`${name}.jobs.duration`);
  const rngWindow = sim.rng(`${name}.jobs.flexibleWindow`);
  const sloMs = scenario.slo.latency;

  // Jobs waiting for capacity (submission times, FIFO), jobs admitted but without a task yet.
  const waiting: number[] = [];
  let waitHead = 0;
  const admitted: number[] = [];
  let admittedHead = 0;
  const submittedAt = new Map<number, number>();
  const exited = new Set<number>();
  // Tasks stopped before their job finished (Spot interruption, instance drained): the job is lost.
  const cut = new Set<number>();
  let tasksHeld = 0;
  const quota = p.fargateVcpuQuota;
  const vcpu = compute.task.vcpu;

  const completion = new LogHistogram();
  const minuteCompletion = new LogHistogram();
  const wait = new LogHistogram();
  let withinSlo = 0;
  const withinBySubmitMinute = new Float64Array(minutes);
  let submitted = 0;
  let completed = 0;
  let lost = 0;
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
  });

  const admit = () => {
    let k = 0;
    while (waitHead < waiting.length && (quota === undefined || (tasksHeld + 1) * vcpu <= quota + 1e-9)) {
      admitted.push(waiting[waitHead++]);
      tasksHeld++;
      k++;
    }
    if (waitHead > 1024 && waitHead * 2 > waiting.length) {
      waiting.splice(0, waitHead);
      waitHead = 0;
    }
    maxHeld = Math.max(maxHeld, tasksHeld);
    if (k > 0) ecs.setDesiredCount(ecs.desiredCount + k);
  };
  const submit = (now: TimeMs, count: number) => {
    for (let i = 0; i < count; i++) waiting.push(now);
    submitted += count;
    minuteSubmitted += count;
    admit();
  };

  const taskEvents = new TaskEventLog({
    group: `family:${name}`,
    launchType: compute.launchType,
    cpu: c.task.cpu,
    memory: c.task.memory,
  });
  ecs.observers.push({
    taskChanged(task: Task, now: TimeMs) {
      if (task.status === "PROVISIONING" && !submittedAt.has(task.id)) {
        submittedAt.set(task.id, admitted[admittedHead++]);
        if (admittedHead > 1024 && admittedHead * 2 > admitted.length) {
          admitted.splice(0, admittedHead);
          admittedHead = 0;
        }
      }
      if (task.status === "RUNNING" && task.desiredStatus === "RUNNING") {
        wait.record(Math.max(0.01, now - submittedAt.get(task.id)!));
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
        const at = submittedAt.get(task.id)!;
        submittedAt.delete(task.id);
        if (exited.delete(task.id)) {
          const ms = Math.max(0.01, now - at);
          completion.record(ms);
          minuteCompletion.record(ms);
          completed++;
          minuteCompleted++;
          if (ms <= sloMs) {
            withinSlo++;
            // Credited to the minute the job was triggered in.
            const m = Math.floor(at / MINUTE);
            if (m >= 0 && m < minutes) withinBySubmitMinute[m]++;
          }
        } else {
          cut.delete(task.id);
          lost++;
          minuteLost++;
        }
        tasksHeld--;
        admit();
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
          sim.after(delay, (t) => submit(t, s.TaskCount), Phase.schedule);
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
    const tick = scenario.engine.tick;
    const arrivals = new WholeArrivals(input.rates, input.stepMs);
    sim.every(
      tick,
      (now) => {
        const n = arrivals.take(now - tick, tick);
        if (n > 0) submit(now, n);
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
  let minute = 0;
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
  const extra = compute.launcher.report?.() ?? {};
  const stillWaiting = waiting.length - waitHead;
  const inFlight = stillWaiting + tasksHeld;
  const completionStats = statsOf(completion, withinSlo);
  const paidVcpuSeconds = extra.paidVcpuSeconds ?? compute.launcher.billedTaskSeconds * vcpu;
  return {
    name,
    kind: p.kind,
    minutes: series,
    requests: { arrived: submitted, served: completed, dropped: lost, timedOut: 0, inFlightAtEnd: inFlight },
    latency: completionStats,
    capacity: {
      min: 0,
      max: maxHeld,
      mean: input.durationMs > 0 ? runningMs / input.durationMs : 0,
      taskHours: runningMs / 3_600_000,
      billedTaskHours: compute.launcher.billedTaskSeconds / 3600,
    },
    cost: { totalUsd, meters: ledger.meterList() },
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
        waitingAtEnd: stillWaiting,
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
        ok: submitted === completed + lost + inFlight,
        detail: `submitted ${submitted} = completed ${completed} + lost ${lost} + waiting or running ${inFlight}`,
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

function secondsOf(s: LatencyStats): { mean: number; p50: number; p95: number; max: number } {
  const r = (x: number) => Math.round(x) / 1000;
  return { mean: r(s.mean), p50: r(s.p50), p95: r(s.p95), max: r(s.max) };
}
