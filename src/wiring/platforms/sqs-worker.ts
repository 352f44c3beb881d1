import { num } from "../../assumptions.js";
import { Phase } from "../../engine/sim.js";
import { MINUTE, SECOND, type TimeMs } from "../../engine/time.js";
import type { SqsWorkerPlatform } from "../../scenario/platforms/sqs-worker.js";
import { MetricRegistry, type Statistic } from "../../models/aas/metric-registry.js";
import { buildAutoScaling } from "../../models/aas/setup.js";
import { MetricSeries } from "../../models/cloudwatch/metric.js";
import { EcsService } from "../../models/ecs/service.js";
import { TaskEventLog } from "../../models/ecs/task-events.js";
import { makeDistribution } from "../../models/latency/distributions.js";
import { LogHistogram } from "../../models/latency/histogram.js";
import { statsOf } from "../../models/latency/request-recorder.js";
import { sqsRates } from "../../data/sqs.js";
import { InputError } from "../../errors.js";
import { billedSendRequests, sqsRequestsUsd } from "../../models/sqs/backlog.js";
import { SqsQueue } from "../../models/sqs/queue.js";
import { QueueWorkers } from "../../models/sqs/workers.js";
import { WholeArrivals } from "../../models/traffic/whole-arrivals.js";
import { buildCompute } from "./ecs-compute.js";
import {
  closeCost,
  costMatchesMetersCheck,
  costOf,
  desiredCountWithinBoundsCheck,
  startPlatformRun,
} from "./harness.js";
import type { PlatformRunInput } from "./ecs-service.js";
import type { PlatformResult } from "../../models/platform/result.js";

const GAUGE: readonly Statistic[] = ["Average", "Minimum", "Maximum", "Sum", "SampleCount"];

/**
 * Queue workers: the scenario's traffic is the stream of messages sent to an SQS queue; an ECS service of
 * workers (Fargate or EC2) polls it, scaled by Application Auto Scaling on whatever the policies name —
 * typically backlog per task, `m1 / m2` over AWS/SQS ApproximateNumberOfMessagesVisible and
 * ECS/ContainerInsights RunningTaskCount. The queue publishes its CloudWatch metrics once a minute.
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-available-cloudwatch-metrics.html
 */
export function runSqsWorker(input: PlatformRunInput<SqsWorkerPlatform>): PlatformResult {
  const { name, platform: p, scenario, assumptions: a } = input;
  const c = p.compute;
  const { sim, minutes, ledger, series, decisions, log } = startPlatformRun(input);
  const cols = series.columns;
  const w = scenario.workload;
  const compute = buildCompute(name, c, {
    sim,
    ledger,
    log,
    region: scenario.region,
    assumptions: a,
    image: w.image,
    ebsGp3PerGbMonth: scenario.billing?.ebsGp3PerGbMonth,
    path: `platforms.${name}.compute`,
  });

  const rates = sqsRates(scenario.region);
  const pricePerMillion =
    p.queue.pricePerMillionRequests ?? (typeof rates === "string" ? undefined : rates[p.queue.type]);
  if (pricePerMillion === undefined)
    throw new InputError(rates as string, { path: `platforms.${name}.queue.pricePerMillionRequests` });
  const queue = new SqsQueue();
  const sloMs = scenario.slo.latency;
  const runHist = new LogHistogram();
  const minuteHist = new LogHistogram();
  let withinSlo = 0;
  const withinBySendMinute = new Float64Array(minutes);

  let workers: QueueWorkers | undefined;
  const ecs = new EcsService(sim, compute.launcher, {
    name,
    desiredCount: c.service.desiredCount,
    targetGroup: { healthCheckInterval: 0, healthyThreshold: 0, deregistrationDelay: 0 },
    loadBalanced: false,
    stopDuration: num(a, "ecs.stopDuration"),
    stopDelay: (task) => (workers ? workers.sigterm(task, sim.now) : num(a, "ecs.stopDuration")),
    scaleInSelection: a["ecs.scaleInSelection"] === "oldest" ? "oldest" : "newest",
    launchesPerMinute: compute.launchesPerMinute,
    deployment: c.service.deploymentConfiguration,
  });
  workers = new QueueWorkers(sim, queue, {
    pollers: p.worker.pollers,
    maxMessages: p.worker.MaxNumberOfMessages,
    waitTimeMs: (p.worker.WaitTimeSeconds ?? p.queue.ReceiveMessageWaitTimeSeconds) * SECOND,
    emptyReceiveDelayMs: p.worker.emptyReceiveDelay,
    visibilityTimeoutMs: p.queue.VisibilityTimeout * SECOND,
    maxReceiveCount: p.queue.maxReceiveCount ?? 0,
    failureRate: p.worker.failureRate,
    deleteBatch: p.worker.deleteBatch,
    messageSizeBytes: p.queue.messageSizeBytes,
    shortPollSampledShare: num(a, "sqs.shortPollSampledShare"),
    shortPollRng: sim.rng(`${name}.sqs.shortPoll`),
    processing: makeDistribution({
      distribution: w.serviceTime.distribution,
      mean: w.serviceTime.mean,
      cv: w.serviceTime.cv,
    }),
    cpuPerMessageMs: w.cpuPerRequest,
    stopTimeoutMs: p.worker.stopTimeout,
    idleExitMs: num(a, "ecs.stopDuration"),
    rng: sim.rng(`${name}.sqs.processing`),
    onDeleted(latencyMs, now) {
      const v = Math.max(latencyMs, 0.01);
      runHist.record(v);
      minuteHist.record(v);
      if (latencyMs <= sloMs) {
        withinSlo++;
        // Credited to the minute whose `arrived` counted the message, so each minute's share is of its own.
        const m = sendMinute(now - latencyMs);
        if (m < minutes) withinBySendMinute[m]++;
      }
    },
  });
  const ws = workers;

  // Running-task time per minute (RunningTaskCount is the minute's average) and capacity statistics.
  let lastT = 0;
  let runningMs = 0;
  let minuteRunningMs = 0;
  let capMin = Number.POSITIVE_INFINITY;
  let capMax = 0;
  const integrate = (now: TimeMs) => {
    const dt = now - lastT;
    runningMs += ecs.runningCount * dt;
    minuteRunningMs += ecs.runningCount * dt;
    lastT = now;
  };
  const taskEvents = new TaskEventLog({
    group: `service:${name}`,
    launchType: compute.launchType,
    cpu: c.task.cpu,
    memory: c.task.memory,
  });
  ecs.observers.push({
    taskChanged(task, now) {
      integrate(now);
      if (task.status === "RUNNING" && task.desiredStatus === "RUNNING") ws.taskStarted(task, now);
      if (task.status === "STOPPED") ws.taskStopped(task, now);
      capMin = Math.min(capMin, ecs.runningCount);
      capMax = Math.max(capMax, ecs.runningCount);
    },
  });
  ecs.observers.push(taskEvents);
  ecs.warmStart(0);
  capMin = capMax = ecs.runningCount;

  // Messages: the traffic series, whole messages per engine tick (fractions carried to the next tick).
  const tick = scenario.engine.tick;
  const arrivals = new WholeArrivals(input.rates, input.stepMs);
  // Send requests billed: SendMessage per message, or SendMessageBatch per sendBatchSize messages of a tick.
  let sendRequests = 0;
  sim.every(
    tick,
    (now) => {
      const n = arrivals.take(now - tick, tick);
      if (n > 0) {
        sendRequests += billedSendRequests(n, p.queue.sendBatchSize, p.queue.messageSizeBytes);
        queue.send(now, n);
        ws.messagesAvailable(now);
      }
    },
    Phase.lifecycle,
  );

  // CloudWatch: AWS/SQS metrics once a minute; ECS/ContainerInsights RunningTaskCount (minute average).
  const m = {
    visible: new MetricSeries("ApproximateNumberOfMessagesVisible", MINUTE),
    notVisible: new MetricSeries("ApproximateNumberOfMessagesNotVisible", MINUTE),
    age: new MetricSeries("ApproximateAgeOfOldestMessage", MINUTE),
    sent: new MetricSeries("NumberOfMessagesSent", MINUTE),
    received: new MetricSeries("NumberOfMessagesReceived", MINUTE),
    deleted: new MetricSeries("NumberOfMessagesDeleted", MINUTE),
    empty: new MetricSeries("NumberOfEmptyReceives", MINUTE),
    running: new MetricSeries("RunningTaskCount", MINUTE),
  };
  const registry = new MetricRegistry();
  const pub = (metricName: string, series: MetricSeries, ns = "AWS/SQS") =>
    registry.publish({ namespace: ns, metricName, statistics: GAUGE, series });
  pub("ApproximateNumberOfMessagesVisible", m.visible);
  pub("ApproximateNumberOfMessagesNotVisible", m.notVisible);
  pub("ApproximateAgeOfOldestMessage", m.age);
  pub("NumberOfMessagesSent", m.sent);
  pub("NumberOfMessagesReceived", m.received);
  pub("NumberOfMessagesDeleted", m.deleted);
  pub("NumberOfEmptyReceives", m.empty);
  registry.publish({
    namespace: "ECS/ContainerInsights",
    metricName: "RunningTaskCount",
    statistics: ["Average"],
    series: m.running,
  });

  const ageSloMs = p.slo?.ageOfOldestMessage;
  let maxAgeMs = 0;
  let minutesOverAge = 0;
  let last = { sent: 0, received: 0, deleted: 0, empty: 0, dead: 0 };
  let minute = 0;
  sim.every(
    MINUTE,
    (now) => {
      integrate(now);
      const oldest = queue.oldestSentAt();
      const ageMs = oldest === null ? 0 : now - oldest;
      maxAgeMs = Math.max(maxAgeMs, ageMs);
      if (ageSloMs !== undefined && ageMs > ageSloMs) minutesOverAge++;
      m.visible.closeWith(queue.visible);
      m.notVisible.closeWith(queue.inFlight);
      m.age.closeWith(Math.floor(ageMs / 1000));
      m.sent.closeWith(queue.sent - last.sent);
      m.received.closeWith(queue.received - last.received);
      m.deleted.closeWith(queue.deleted - last.deleted);
      m.empty.closeWith(ws.emptyReceives - last.empty);
      m.running.closeWith(minuteRunningMs / MINUTE);
      if (minute < minutes) {
        const stats = statsOf(minuteHist, 0);
        cols.arrived[minute] = queue.sent - last.sent;
        cols.served[minute] = queue.deleted - last.deleted;
        cols.dropped[minute] = queue.deadLettered - last.dead;
        cols.timedOut[minute] = 0;
        cols.desired[minute] = ecs.desiredCount;
        cols.running[minute] = minuteRunningMs / MINUTE;
        cols.inService[minute] = minuteRunningMs / MINUTE;
        cols.cpuPercent[minute] = Number.NaN;
        cols.memoryPercent[minute] = Number.NaN;
        series.setLatency(minute, stats);
      }
      minute++;
      minuteHist.reset();
      minuteRunningMs = 0;
      last = {
        sent: queue.sent,
        received: queue.received,
        deleted: queue.deleted,
        empty: ws.emptyReceives,
        dead: queue.deadLettered,
      };
    },
    Phase.metrics,
  );

  const autoScaling = buildAutoScaling({
    sim,
    target: ecs,
    registry,
    predefined: {},
    policies: c.scalingPolicies,
    scheduledActions: c.scheduledActions,
    suspendedState: c.service.SuspendedState,
    suspendedStateChanges: c.service.suspendedStateChanges,
    bounds: { minCapacity: c.service.minCapacity, maxCapacity: c.service.maxCapacity },
    assumptions: a,
    startMs: input.startMs ?? 0,
    durationMs: input.durationMs,
    log,
    path: `platforms.${name}.compute`,
  });
  autoScaling.start();

  sim.run(input.durationMs);
  integrate(input.durationMs);
  ws.finish(input.durationMs);
  compute.launcher.finish(ecs.tasks, input.durationMs);

  // SQS requests: the send calls, every ReceiveMessage (empty ones too), every delete call, and each 64 KB
  // chunk of a payload beyond the first.
  const sqsRequests = sendRequests + ws.receiveRequests + ws.receivePayloadChunks + ws.deleteRequests;
  const sqsUsd = sqsRequestsUsd(sqsRequests, pricePerMillion);
  ledger.addInterval(0, Math.max(1, input.durationMs), sqsUsd / Math.max(1, input.durationMs));
  ledger.addToMeter(`sqs.requests`, "requests", sqsRequests, sqsUsd);

  // Each minute's messages deleted within the SLO latency (still queued at the end: misses).
  cols.withinSlo.set(withinBySendMinute);
  const { perMinuteCost, totalUsd } = closeCost(ledger, series);
  const extra = compute.report();
  const requests = {
    arrived: queue.sent,
    served: queue.deleted,
    dropped: queue.deadLettered,
    timedOut: 0,
    inFlightAtEnd: queue.visible + queue.inFlight,
  };
  const paidVcpuSeconds = extra.paidVcpuSeconds ?? compute.launcher.billedTaskSeconds * compute.task.vcpu;
  const ageMinutes = Math.min(minute, minutes);
  return {
    name,
    kind: p.kind,
    minutes: series,
    requests,
    latency: statsOf(runHist, withinSlo),
    capacity: {
      min: Number.isFinite(capMin) ? capMin : 0,
      max: capMax,
      mean: input.durationMs > 0 ? runningMs / input.durationMs : 0,
      taskHours: runningMs / 3_600_000,
      billedTaskHours: compute.launcher.billedTaskSeconds / 3600,
    },
    cost: costOf(ledger, totalUsd),
    scaling: {
      scaleOutEvents: autoScaling.controller.scaleOutEvents,
      scaleInEvents: autoScaling.controller.scaleInEvents,
    },
    utilisation: { cpuPercentOfPaid: paidVcpuSeconds > 0 ? (100 * ws.cpuSeconds) / paidVcpuSeconds : 0 },
    decisions,
    taskEvents: [taskEvents],
    details: {
      queue: {
        messagesSent: queue.sent,
        messagesDeleted: queue.deleted,
        deadLettered: queue.deadLettered,
        redelivered: queue.redelivered,
        duplicateProcessing: ws.duplicates,
        processingFailures: ws.failures,
        visibleAtEnd: queue.visible,
        inFlightAtEnd: queue.inFlight,
        maxAgeOfOldestMessageSeconds: Math.floor(maxAgeMs / 1000),
        ageSlo:
          ageSloMs === undefined
            ? null
            : {
                seconds: ageSloMs / 1000,
                minutesOver: minutesOverAge,
                attainment: ageMinutes > 0 ? 1 - minutesOverAge / ageMinutes : 1,
              },
        sqsRequests: {
          total: sqsRequests,
          receive: ws.receiveRequests,
          emptyReceive: ws.emptyReceives,
          delete: ws.deleteRequests,
          send: sendRequests,
          receivePayloadChunks: ws.receivePayloadChunks,
        },
        costPerMillionMessagesUsd: queue.deleted > 0 ? (1e6 * totalUsd) / queue.deleted : 0,
      },
    },
    checks: [
      {
        name: "messages conserved",
        ok: queue.sent === queue.deleted + queue.deadLettered + queue.visible + queue.inFlight,
        detail: `sent ${queue.sent} = deleted ${queue.deleted} + dead-lettered ${queue.deadLettered} + visible ${queue.visible} + in flight ${queue.inFlight}`,
      },
      costMatchesMetersCheck(perMinuteCost, totalUsd),
      desiredCountWithinBoundsCheck(decisions, c.service),
      ...(extra.checks ?? []),
    ],
    ...(extra.capacityCost ? { capacityCost: extra.capacityCost } : {}),
    ...(extra.instances ? { instances: extra.instances } : {}),
  };
}

/**
 * The minute whose `arrived` counts a message sent at `sentAt`. Messages are sent by the engine tick ending
 * at `sentAt` (lifecycle phase), before the minute closing at the same instant (metrics phase) counts them,
 * so minute k holds sends in (k·60 s, (k+1)·60 s]: a send on a boundary belongs to the minute it ends.
 */
export function sendMinute(sentAt: TimeMs): number {
  return sentAt <= 0 ? 0 : Math.ceil(sentAt / MINUTE) - 1;
}

/** Latency statistics of a histogram of end-to-end message latencies. */
