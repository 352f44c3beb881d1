import { num } from "../../assumptions.js";
import { sqsRates } from "../../data/sqs.js";
import { Phase } from "../../engine/sim.js";
import { MINUTE, SECOND, type TimeMs } from "../../engine/time.js";
import { InputError } from "../../errors.js";
import { MetricRegistry, type Statistic } from "../../models/aas/metric-registry.js";
import { type AutoScaling, buildAutoScaling } from "../aas.js";
import { MetricSeries } from "../../models/cloudwatch/metric.js";
import { makeDistribution } from "../../models/latency/distributions.js";
import { LogHistogram } from "../../models/latency/histogram.js";
import { statsOf } from "../../models/latency/request-recorder.js";
import type { QueueDetails, PlatformResult } from "../../models/platform/result.js";
import { billedSendRequests, sqsRequestsUsd } from "../../models/sqs/backlog.js";
import { SqsQueue } from "../../models/sqs/queue.js";
import { QueueWorkers } from "../../models/sqs/workers.js";
import { WholeArrivals } from "../../models/traffic/whole-arrivals.js";
import type { SqsWorkerPlatform } from "../../scenario/platforms/sqs-worker.js";
import { assembleWorkResult, CountRange, closeWorkMinute, RunningTime } from "./collectors.js";
import { buildCompute, workService } from "./ecs-compute.js";
import { desiredCountWithinBoundsCheck } from "./harness.js";
import type { ClosedBooks, PlatformKind, PlatformRun } from "./skeleton.js";

const GAUGE: readonly Statistic[] = ["Average", "Minimum", "Maximum", "Sum", "SampleCount"];

type Run = PlatformRun<SqsWorkerPlatform>;

/** End-to-end latency of deleted messages, over the run and per minute, and those within the SLO. */
class MessageLatency {
  readonly run = new LogHistogram();
  readonly minute = new LogHistogram();
  withinSlo = 0;
  readonly withinBySendMinute: Float64Array;
  constructor(
    private readonly sloMs: number,
    private readonly minutes: number,
  ) {
    this.withinBySendMinute = new Float64Array(minutes);
  }
  deleted(latencyMs: number, now: TimeMs): void {
    const v = Math.max(latencyMs, 0.01);
    this.run.record(v);
    this.minute.record(v);
    if (latencyMs <= this.sloMs) {
      this.withinSlo++;
      // Credited to the minute whose `arrived` counted the message, so each minute's share is of its own.
      const m = sendMinute(now - latencyMs);
      if (m < this.minutes) this.withinBySendMinute[m]++;
    }
  }
}

/** The AWS/SQS metrics the queue publishes once a minute and the service's RunningTaskCount (minute average). */
function queueMetrics() {
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
  for (const s of [m.visible, m.notVisible, m.age, m.sent, m.received, m.deleted, m.empty])
    registry.publish({ namespace: "AWS/SQS", metricName: s.name, statistics: GAUGE, series: s });
  registry.publish({
    namespace: "ECS/ContainerInsights",
    metricName: "RunningTaskCount",
    statistics: ["Average"],
    series: m.running,
  });
  return { ...m, registry };
}

/** The queue's price per million requests: the platform's own, else the region's for the queue type. */
function pricePerMillionOf(run: Run): number {
  const { name, platform: p, scenario } = run.input;
  const rates = sqsRates(scenario.region);
  const price =
    p.queue.pricePerMillionRequests ?? (typeof rates === "string" ? undefined : rates[p.queue.type]);
  if (price === undefined)
    throw new InputError(rates as string, { path: `platforms.${name}.queue.pricePerMillionRequests` });
  return price;
}

/** The workers of the service: they poll the queue, process each message and delete it (or fail it). */
function queueWorkers(run: Run, queue: SqsQueue, latency: MessageLatency): QueueWorkers {
  const { name, platform: p, scenario, assumptions: a } = run.input;
  const { sim } = run;
  const w = scenario.workload;
  return new QueueWorkers(sim, queue, {
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
    onDeleted: (latencyMs, now) => latency.deleted(latencyMs, now),
  });
}

function buildQueueWorkers(run: Run) {
  const { platform: p, scenario, assumptions: a } = run.input;
  const compute = buildCompute(run, p.compute, `platforms.${run.input.name}.compute`);
  const pricePerMillion = pricePerMillionOf(run);
  const queue = new SqsQueue();
  const latency = new MessageLatency(scenario.slo.latency, run.minutes);
  let workers: QueueWorkers | undefined;
  const { ecs, taskEvents } = workService(run, compute, {
    group: `service:${run.input.name}`,
    desiredCount: p.compute.service.desiredCount,
    stopDelay: (task) => (workers ? workers.sigterm(task, run.sim.now) : num(a, "ecs.stopDuration")),
    scaleInSelection: a["ecs.scaleInSelection"] === "oldest" ? "oldest" : "newest",
    launchesPerMinute: compute.launchesPerMinute,
    deployment: p.compute.service.deploymentConfiguration,
  });
  const ws = queueWorkers(run, queue, latency);
  workers = ws;
  const running = new RunningTime(() => ecs.runningCount);
  const range = new CountRange();
  ecs.observers.unshift({
    taskChanged(task, now) {
      running.integrate(now);
      if (task.status === "RUNNING" && task.desiredStatus === "RUNNING") ws.taskStarted(task, now);
      if (task.status === "STOPPED") ws.taskStopped(task, now);
      range.see(ecs.runningCount);
    },
  });
  const counts = { sendRequests: 0, maxAgeMs: 0, minutesOverAge: 0, minute: 0 };
  const parts = {
    compute,
    pricePerMillion,
    queue,
    latency,
    ecs,
    taskEvents,
    workers: ws,
    running,
    range,
    counts,
  };
  return parts as typeof parts & { autoScaling?: AutoScaling };
}
type Parts = ReturnType<typeof buildQueueWorkers>;

/** Messages: the traffic series, whole messages per engine tick (fractions carried to the next tick). */
function sendMessages(q: Parts, run: Run): void {
  const { platform: p, scenario } = run.input;
  const tick = scenario.engine.tick;
  const arrivals = new WholeArrivals(run.input.rates, run.input.stepMs);
  run.sim.every(
    tick,
    (now) => {
      const n = arrivals.take(now - tick, tick);
      if (n === 0) return;
      // Send requests billed: SendMessage per message, or SendMessageBatch per sendBatchSize messages of a tick.
      q.counts.sendRequests += billedSendRequests(n, p.queue.sendBatchSize, p.queue.messageSizeBytes);
      q.queue.send(now, n);
      q.workers.messagesAvailable(now);
    },
    Phase.lifecycle,
  );
}

/** Once a minute: the queue's CloudWatch metrics, the age SLO and the minute series. */
function closeQueueMinutes(q: Parts, run: Run, m: ReturnType<typeof queueMetrics>): void {
  const { queue, workers: ws, counts } = q;
  const ageSloMs = run.input.platform.slo?.ageOfOldestMessage;
  let last = { sent: 0, received: 0, deleted: 0, empty: 0, dead: 0 };
  run.sim.every(
    MINUTE,
    (now) => {
      q.running.integrate(now);
      const oldest = queue.oldestSentAt();
      const ageMs = oldest === null ? 0 : now - oldest;
      counts.maxAgeMs = Math.max(counts.maxAgeMs, ageMs);
      if (ageSloMs !== undefined && ageMs > ageSloMs) counts.minutesOverAge++;
      const running = q.running.closeMinute();
      m.visible.closeWith(queue.visible);
      m.notVisible.closeWith(queue.inFlight);
      m.age.closeWith(Math.floor(ageMs / 1000));
      m.sent.closeWith(queue.sent - last.sent);
      m.received.closeWith(queue.received - last.received);
      m.deleted.closeWith(queue.deleted - last.deleted);
      m.empty.closeWith(ws.emptyReceives - last.empty);
      m.running.closeWith(running);
      if (counts.minute < run.minutes) {
        const row = {
          arrived: queue.sent - last.sent,
          served: queue.deleted - last.deleted,
          dropped: queue.deadLettered - last.dead,
          desired: q.ecs.desiredCount,
          running,
        };
        closeWorkMinute(run.series, counts.minute, row, statsOf(q.latency.minute, 0));
      }
      counts.minute++;
      q.latency.minute.reset();
      const { sent, received, deleted, deadLettered: dead } = queue;
      last = { sent, received, deleted, empty: ws.emptyReceives, dead };
    },
    Phase.metrics,
  );
}

/** The SQS request bill: the send calls, every ReceiveMessage (empty ones too), every delete call, and each
 * 64 KB chunk of a payload beyond the first. */
function sqsRequests(q: Parts): number {
  const ws = q.workers;
  return q.counts.sendRequests + ws.receiveRequests + ws.receivePayloadChunks + ws.deleteRequests;
}

/** The `details.queue` figures of the summary. */
function queueDetails(q: Parts, run: Run, totalUsd: number): QueueDetails {
  const { queue, workers: ws, counts } = q;
  const ageSloMs = run.input.platform.slo?.ageOfOldestMessage;
  const ageMinutes = Math.min(counts.minute, run.minutes);
  return {
    messagesSent: queue.sent,
    messagesDeleted: queue.deleted,
    deadLettered: queue.deadLettered,
    redelivered: queue.redelivered,
    duplicateProcessing: ws.duplicates,
    processingFailures: ws.failures,
    visibleAtEnd: queue.visible,
    inFlightAtEnd: queue.inFlight,
    maxAgeOfOldestMessageSeconds: Math.floor(counts.maxAgeMs / 1000),
    ageSlo:
      ageSloMs === undefined
        ? null
        : {
            seconds: ageSloMs / 1000,
            minutesOver: counts.minutesOverAge,
            attainment: ageMinutes > 0 ? 1 - counts.minutesOverAge / ageMinutes : 1,
          },
    sqsRequests: {
      total: sqsRequests(q),
      receive: ws.receiveRequests,
      emptyReceive: ws.emptyReceives,
      delete: ws.deleteRequests,
      send: counts.sendRequests,
      receivePayloadChunks: ws.receivePayloadChunks,
    },
    costPerMillionMessagesUsd: queue.deleted > 0 ? (1e6 * totalUsd) / queue.deleted : 0,
  };
}

function collectQueueWorkers(q: Parts, run: Run, books: ClosedBooks): PlatformResult {
  const { queue, compute } = q;
  // Each minute's messages deleted within the SLO latency (still queued at the end: misses).
  run.series.columns.withinSlo.set(q.latency.withinBySendMinute);
  const c = run.input.platform.compute;
  return assembleWorkResult(run, books, compute, {
    kind: "sqs-worker",
    requests: {
      arrived: queue.sent,
      served: queue.deleted,
      dropped: queue.deadLettered,
      timedOut: 0,
      inFlightAtEnd: queue.visible + queue.inFlight,
    },
    latency: statsOf(q.latency.run, q.latency.withinSlo),
    range: q.range,
    runningMs: q.running.totalMs,
    usedVcpuSeconds: q.workers.cpuSeconds,
    scaling: {
      scaleOutEvents: q.autoScaling?.controller.scaleOutEvents ?? 0,
      scaleInEvents: q.autoScaling?.controller.scaleInEvents ?? 0,
    },
    taskEvents: [q.taskEvents],
    details: { queue: queueDetails(q, run, books.totalUsd) },
    conservation: {
      name: "messages conserved",
      ok: queue.sent === queue.deleted + queue.deadLettered + queue.visible + queue.inFlight,
      detail: `sent ${queue.sent} = deleted ${queue.deleted} + dead-lettered ${queue.deadLettered} + visible ${queue.visible} + in flight ${queue.inFlight}`,
    },
    checks: [desiredCountWithinBoundsCheck(run.decisions, c.service)],
  });
}

/** Application Auto Scaling of the worker service, on whatever metrics its policies name. */
function scaleWorkers(q: Parts, run: Run, registry: MetricRegistry): AutoScaling {
  const { name, platform: p, assumptions } = run.input;
  const c = p.compute;
  return buildAutoScaling({
    sim: run.sim,
    target: q.ecs,
    registry,
    predefined: {},
    policies: c.scalingPolicies,
    scheduledActions: c.scheduledActions,
    suspendedState: c.service.SuspendedState,
    suspendedStateChanges: c.service.suspendedStateChanges,
    bounds: { minCapacity: c.service.minCapacity, maxCapacity: c.service.maxCapacity },
    assumptions,
    startMs: run.input.startMs ?? 0,
    durationMs: run.input.durationMs,
    log: run.log,
    path: `platforms.${name}.compute`,
  });
}

/**
 * Queue workers: the scenario's traffic is the stream of messages sent to an SQS queue; an ECS service of
 * workers (Fargate or EC2) polls it, scaled by Application Auto Scaling on whatever the policies name —
 * typically backlog per task, `m1 / m2` over AWS/SQS ApproximateNumberOfMessagesVisible and
 * ECS/ContainerInsights RunningTaskCount. The queue publishes its CloudWatch metrics once a minute.
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-available-cloudwatch-metrics.html
 */
export const sqsWorkerKind: PlatformKind<SqsWorkerPlatform, Parts> = {
  build: buildQueueWorkers,
  warmStart(q) {
    q.ecs.warmStart(0);
    q.range.reset(q.ecs.runningCount);
  },
  start(q, run) {
    sendMessages(q, run);
    const m = queueMetrics();
    closeQueueMinutes(q, run, m);
    q.autoScaling = scaleWorkers(q, run, m.registry);
    q.autoScaling.start();
  },
  finish(q, run) {
    const end = run.input.durationMs;
    q.running.integrate(end);
    q.workers.finish(end);
    q.compute.launcher.finish(q.ecs.tasks, end);
    const requests = sqsRequests(q);
    const usd = sqsRequestsUsd(requests, q.pricePerMillion);
    run.ledger.addInterval(0, Math.max(1, end), usd / Math.max(1, end));
    run.ledger.addToMeter("sqs.requests", "requests", requests, usd);
  },
  collect: collectQueueWorkers,
};

/**
 * The minute whose `arrived` counts a message sent at `sentAt`. Messages are sent by the engine tick ending
 * at `sentAt` (lifecycle phase), before the minute closing at the same instant (metrics phase) counts them,
 * so minute k holds sends in (k·60 s, (k+1)·60 s]: a send on a boundary belongs to the minute it ends.
 */
export function sendMinute(sentAt: TimeMs): number {
  return sentAt <= 0 ? 0 : Math.ceil(sentAt / MINUTE) - 1;
}
