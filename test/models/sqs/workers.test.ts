import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { run } from "../../../src/api.js";
import { Simulation } from "../../../src/engine/sim.js";
import type { Task } from "../../../src/models/ecs/task.js";
import { Deterministic } from "../../../src/models/latency/distributions.js";
import { SqsQueue } from "../../../src/models/sqs/queue.js";
import { QueueWorkers, shortPollFound, type WorkerOptions } from "../../../src/models/sqs/workers.js";
import { parseScenario } from "../../../src/scenario/load.js";

function task(id: number): Task {
  return { id, status: "RUNNING", desiredStatus: "RUNNING", createdAt: 0, inService: false };
}

function setup(o: Partial<WorkerOptions> = {}) {
  const sim = new Simulation(1);
  const queue = new SqsQueue();
  const latencies: number[] = [];
  const workers = new QueueWorkers(sim, queue, {
    pollers: 1,
    maxMessages: 10,
    waitTimeMs: 20_000,
    emptyReceiveDelayMs: 1_000,
    visibilityTimeoutMs: 30_000,
    maxReceiveCount: 0,
    failureRate: 0,
    deleteBatch: false,
    messageSizeBytes: 1024,
    shortPollSampledShare: 0.8,
    shortPollRng: sim.rng("short-poll"),
    processing: new Deterministic(1_000),
    cpuPerMessageMs: 0,
    stopTimeoutMs: 30_000,
    idleExitMs: 2_000,
    rng: sim.rng("test"),
    onDeleted: (l) => latencies.push(l),
    ...o,
  });
  return { sim, queue, workers, latencies };
}

describe("SQS queue", () => {
  it("receives oldest-visible first, in batches of at most MaxNumberOfMessages", () => {
    const q = new SqsQueue();
    q.send(0, 3);
    q.send(1_000, 4);
    const s = new Float64Array(5);
    const r = new Int32Array(5);
    expect(q.receive(5, s, r)).toBe(5);
    expect([...s]).toEqual([0, 0, 0, 1_000, 1_000]);
    expect([...r]).toEqual([1, 1, 1, 1, 1]);
    expect([q.visible, q.inFlight]).toEqual([2, 5]);
  });

  it("age of the oldest message skips messages received three times or more (they go to the back)", () => {
    // https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-available-cloudwatch-metrics.html
    const q = new SqsQueue();
    q.send(0, 1);
    const s = new Float64Array(1);
    const r = new Int32Array(1);
    q.receive(1, s, r);
    q.returnMessage(0, 3, 0); // third receive, not deleted
    q.send(5_000, 1);
    expect(q.oldestSentAt()).toBe(5_000);
    q.returnMessage(0, 1, 0);
  });

  it("messages received maxReceiveCount times go to the dead-letter queue", () => {
    const q = new SqsQueue();
    q.send(0, 2);
    const s = new Float64Array(2);
    const r = new Int32Array(2);
    q.receive(2, s, r);
    q.returnMessage(0, 5, 5);
    q.returnMessage(0, 4, 5);
    expect([q.deadLettered, q.redelivered, q.visible, q.inFlight]).toEqual([1, 1, 1, 0]);
  });

  it("property: sent = deleted + dead-lettered + visible + in flight after any sequence of operations", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 1, max: 10 })), {
          maxLength: 60,
        }),
        (ops) => {
          const q = new SqsQueue();
          const held: [number, number][] = [];
          const s = new Float64Array(10);
          const r = new Int32Array(10);
          let t = 0;
          for (const [op, n] of ops) {
            t += 1_000;
            if (op === 0) q.send(t, n);
            else if (op === 1) {
              const k = q.receive(n, s, r);
              for (let i = 0; i < k; i++) held.push([s[i], r[i]]);
            } else if (op === 2 && held.length) {
              held.pop();
              q.deleteMessage();
            } else if (op === 3 && held.length) {
              const [sa, rc] = held.shift()!;
              q.returnMessage(sa, rc, 3);
            }
          }
          expect(q.sent).toBe(q.deleted + q.deadLettered + q.visible + q.inFlight);
          expect(q.inFlight).toBe(held.length);
        },
      ),
    );
  });
});

describe("queue workers", () => {
  it("a long poll returns as soon as messages arrive and counts the empty answers of its 20 s waits", () => {
    const { sim, queue, workers, latencies } = setup();
    workers.taskStarted(task(1), 0);
    sim.at(45_000, (t) => {
      queue.send(t, 3);
      workers.messagesAvailable(t);
    });
    sim.run(100_000);
    // Processed one after the other, 1 s each, from 45 s.
    expect(latencies).toEqual([1_000, 2_000, 3_000]);
    // Waits ending at 20 s and 40 s were empty; the third returned the messages; one more waits after.
    expect(workers.emptyReceives).toBe(2);
    expect(workers.receiveRequests).toBe(4);
    expect(workers.deleteRequests).toBe(3);
  });

  it("short polling answers empty at once and sleeps between polls", () => {
    const { sim, workers } = setup({ waitTimeMs: 0 });
    workers.taskStarted(task(1), 0);
    sim.run(9_500);
    expect(workers.emptyReceives).toBe(10);
  });

  it("short polling samples a subset of the servers: a small queue often answers with fewer messages, or none", () => {
    // AWS: "If the number of messages in the queue is small (fewer than 1,000), you most likely get fewer
    // messages than you requested per ReceiveMessage call. If the number of messages in the queue is
    // extremely small, you might not receive any messages in a particular ReceiveMessage response."
    const rng = new Simulation(3).rng("draws");
    let none = 0;
    let fromFive = 0;
    const n = 20_000;
    for (let i = 0; i < n; i++) {
      if (shortPollFound(1, 10, 0.8, rng) === 0) none++;
      fromFive += shortPollFound(5, 10, 0.8, rng);
    }
    // One message is missed with probability 1 − 0.8; five are found 4 at a time on average (AWS's figure).
    expect(none / n).toBeGreaterThan(0.19);
    expect(none / n).toBeLessThan(0.21);
    expect(fromFive / n).toBeGreaterThan(3.97);
    expect(fromFive / n).toBeLessThan(4.03);
    // 1,000 messages or more: as many as asked.
    expect(shortPollFound(1_000, 10, 0.8, rng)).toBe(10);
  });

  it("a short-polling worker can miss the one visible message and find it on a later poll", () => {
    let missed = 0;
    for (let seed = 1; seed <= 200; seed++) {
      const { sim, queue, workers, latencies } = setup({
        waitTimeMs: 0,
        shortPollRng: new Simulation(seed).rng("s"),
      });
      queue.send(0, 1);
      workers.taskStarted(task(1), 0);
      sim.run(30_000);
      expect(latencies.length).toBe(1);
      // Found at the first poll: 1 s of processing; else after one or more 1-s sleeps.
      if (latencies[0] > 1_000) missed++;
    }
    expect(missed).toBeGreaterThan(20);
    expect(missed).toBeLessThan(60);
  });

  it("a worker killed mid-batch abandons the rest: redelivered after the visibility timeout", () => {
    const { sim, queue, workers } = setup({ stopTimeoutMs: 2_500 });
    queue.send(0, 10);
    const t1 = task(1);
    workers.taskStarted(t1, 0);
    let exit = 0;
    sim.at(700, (t) => {
      exit = workers.sigterm(t1, t);
      sim.after(exit, (t2) => workers.taskStopped(t1, t2));
    });
    sim.run(60_000);
    // 10 s of work in hand, stopTimeout 2.5 s: SIGKILL at 3.2 s after 3 messages; 7 come back at 30 s.
    expect(exit).toBe(2_500);
    expect([queue.deleted, queue.redelivered, queue.visible]).toEqual([3, 7, 7]);
  });

  it("scale-in: a worker whose batch ends within stopTimeout deletes every message; nothing is redelivered", () => {
    // AWS: only messages not deleted before the visibility timeout become visible again
    // (sqs-visibility-timeout.html). 10 messages × 1 s from 0; SIGTERM at 0.7 s; the batch ends at 10 s,
    // inside the 30 s stopTimeout, so the task exits at 10 s, when its tenth message is done.
    const { sim, queue, workers, latencies } = setup();
    queue.send(0, 10);
    const t1 = task(1);
    workers.taskStarted(t1, 0);
    let exit = 0;
    sim.at(700, (t) => {
      exit = workers.sigterm(t1, t);
      sim.after(exit, (t2) => workers.taskStopped(t1, t2));
    });
    sim.run(60_000);
    expect(exit).toBe(10_000 - 700);
    expect([queue.deleted, queue.redelivered, queue.visible, queue.inFlight]).toEqual([10, 0, 0, 0]);
    expect(latencies.at(-1)).toBe(10_000);
  });

  it("DeleteMessageBatch deletes a batch's processed messages together at its end, in one request", () => {
    // DeleteMessageBatch "deletes up to ten messages" in one request (API_DeleteMessageBatch.html):
    // 10 messages × 1 s received at 0 are all deleted at 10 s, each with latency 10 s, in 1 request.
    const { sim, queue, workers, latencies } = setup({ deleteBatch: true });
    queue.send(0, 10);
    workers.taskStarted(task(1), 0);
    sim.run(15_000);
    expect(latencies).toEqual(Array(10).fill(10_000));
    expect(workers.deleteRequests).toBe(1);
  });

  it("DeleteMessageBatch: a worker killed mid-batch has deleted nothing; the whole batch comes back", () => {
    // SIGKILL at 3.2 s (stopTimeout 2.5 s after SIGTERM at 0.7 s): 3 messages processed but not yet
    // deleted, so all 10 are visible again when the 30 s visibility timeout ends.
    const { sim, queue, workers } = setup({ stopTimeoutMs: 2_500, deleteBatch: true });
    queue.send(0, 10);
    const t1 = task(1);
    workers.taskStarted(t1, 0);
    sim.at(700, (t) => sim.after(workers.sigterm(t1, t), (t2) => workers.taskStopped(t1, t2)));
    sim.run(60_000);
    expect([queue.deleted, queue.redelivered, queue.visible, workers.deleteRequests]).toEqual([0, 10, 10, 0]);
  });

  it("processing slower than the visibility timeout is delivered twice (duplicate work)", () => {
    const { sim, queue, workers } = setup({
      visibilityTimeoutMs: 1_500,
      maxMessages: 1,
      processing: new Deterministic(2_000),
      maxReceiveCount: 3,
    });
    queue.send(0, 1);
    workers.taskStarted(task(1), 0);
    sim.run(30_000);
    // Each receive expires at +1.5 s, before the 2 s of work ends: received 3 times, then dead-lettered.
    expect(queue.deleted).toBe(0);
    expect(queue.deadLettered).toBe(1);
    expect(workers.duplicates).toBeGreaterThanOrEqual(2);
  });
});

function scenario(extra = "", duration = "90m"): string {
  return `
name: sqs
seed: 9
duration: ${duration}
traffic:
  synthetic: { shape: constant, rate: 100 }
workload:
  cpuPerRequest: 50ms
  serviceTime: { distribution: lognormal, mean: 100ms, cv: 0.5 }
  concurrency: 1
slo: { latency: 30s }
platforms:
  workers:
    kind: sqs-worker
    queue: { VisibilityTimeout: 60, ReceiveMessageWaitTimeSeconds: 20 ${extra} }
    worker: { MaxNumberOfMessages: 10 }
    slo: { ageOfOldestMessage: 2m }
    compute:
      kind: ecs-fargate
      task: { cpu: 256, memory: 512 }
      service: { desiredCount: 1, minCapacity: 1, maxCapacity: 40 }
      scalingPolicies:
        - PolicyName: backlog-per-task
          PolicyType: TargetTrackingScaling
          TargetTrackingScalingPolicyConfiguration:
            TargetValue: 100   # 10 s acceptable latency / 0.1 s per message
            ScaleOutCooldown: 60
            CustomizedMetricSpecification:
              Metrics:
                - { Id: m1, ReturnData: false, MetricStat: { Metric: { Namespace: AWS/SQS, MetricName: ApproximateNumberOfMessagesVisible }, Stat: Sum } }
                - { Id: m2, ReturnData: false, MetricStat: { Metric: { Namespace: ECS/ContainerInsights, MetricName: RunningTaskCount }, Stat: Average } }
                - { Id: e1, Expression: m1 / m2, ReturnData: true }
`;
}

describe("sqs-worker platform", () => {
  it("scales on backlog per task until the workers keep up, conserving every message", async () => {
    const out = await run(parseScenario(scenario()));
    const p = out.result.platforms[0];
    for (const c of p.checks) expect(c, c.detail).toMatchObject({ ok: true });
    // 100 msg/s × 0.1 s = 10 busy workers at least; the first scale-out is 3 minutes into the backlog.
    const outs = p.decisions.filter((d) => d.action === "scale-out");
    expect(outs[0].t).toBe(180);
    expect(p.capacity.max).toBeGreaterThanOrEqual(10);
    // In the last half hour the queue is drained: the last minutes' backlog is under the target.
    const vis = (p.details as { queue: { visibleAtEnd: number; maxAgeOfOldestMessageSeconds: number } })
      .queue;
    expect(vis.visibleAtEnd).toBeLessThan(100 * p.capacity.max);
    const served = p.minutes.columns.served;
    const n = served.length;
    let lastHalfHour = 0;
    for (let i = n - 30; i < n; i++) lastHalfHour += served[i];
    expect(lastHalfHour).toBeGreaterThan(0.95 * 100 * 1800);
    expect(vis.maxAgeOfOldestMessageSeconds).toBeGreaterThan(120);
    expect(out.summary.platforms.workers.cost.meters.map((m) => m.name)).toEqual([
      "fargate.memory",
      "fargate.vcpu",
      "sqs.requests",
    ]);
  });

  it("per-minute SLO attainment: one message every other minute, each deleted far inside its SLO: only the minute still queued at the end misses", async () => {
    // One message every 120 s, sent on a minute boundary and deleted about 0.1 s later (SLO 30 s): every
    // minute with an arrival has all its messages within the SLO, except the last message's, sent at the
    // very end of the run and still in the queue.
    const text = `
name: sqs-trickle
seed: 9
duration: 1h
traffic: { synthetic: { shape: constant, rate: 0.0083333333334 } }
workload: { cpuPerRequest: 50ms, serviceTime: 100ms, concurrency: 1 }
slo: { latency: 30s }
platforms:
  workers:
    kind: sqs-worker
    queue: { ReceiveMessageWaitTimeSeconds: 20 }
    compute: { kind: ecs-fargate, task: { cpu: 256, memory: 512 }, service: { desiredCount: 1, minCapacity: 1, maxCapacity: 1 } }
`;
    const out = await run(parseScenario(text));
    const p = out.summary.platforms.workers;
    expect(p.requests.inFlightAtEnd).toBe(1);
    expect(p.slo.minutesWithTraffic).toBe(p.requests.arrived);
    expect(p.slo.minutesWithTraffic).toBe(30);
    expect(p.slo.violationMinutes).toBe(1);
    expect(p.slo.requestsWithinLatency).toBeCloseTo(29 / 30, 6);
    expect(p.slo.attainment).toBeCloseTo(29 / 30, 6);
  });

  it("SendMessageBatch: 100 messages a second sent in calls of 10 are a tenth of the send requests", async () => {
    const one = await run(parseScenario(scenario("", "20m")));
    const ten = await run(parseScenario(scenario(", sendBatchSize: 10", "20m")));
    type Q = { queue: { messagesSent: number; sqsRequests: { send: number; total: number } } };
    const q1 = (one.result.platforms[0].details as Q).queue;
    const q10 = (ten.result.platforms[0].details as Q).queue;
    // One 1-s engine tick carries 100 messages: 100 SendMessage calls, or 10 SendMessageBatch calls.
    expect(q1.sqsRequests.send).toBe(q1.messagesSent);
    expect(q10.sqsRequests.send).toBe(q10.messagesSent / 10);
    expect(q1.sqsRequests.total - q10.sqsRequests.total).toBe(q1.messagesSent - q10.messagesSent / 10);
  });

  it("is deterministic", async () => {
    const a = await run(parseScenario(scenario("", "20m")));
    const b = await run(parseScenario(scenario("", "20m")));
    expect(a.files["summary.json"]).toBe(b.files["summary.json"]);
    expect(a.files["decisions.jsonl"]).toBe(b.files["decisions.jsonl"]);
  });

  it("a metric the queue does not publish is bad input naming the policy field", () => {
    expect(() =>
      parseScenario(scenario().replace("MetricName: ApproximateNumberOfMessagesVisible", "MetricName: Nope")),
    ).not.toThrow();
    return expect(
      run(
        parseScenario(
          scenario().replace("MetricName: ApproximateNumberOfMessagesVisible", "MetricName: Nope"),
        ),
      ),
    ).rejects.toThrow(/platforms\.workers\.compute\.scalingPolicies\[0\].*Nope is not produced/);
  });
});

/**
 * The worker service is an ECS service registered with Application Auto Scaling like any other: the compute
 * block's `service` fields reach RegisterScalableTarget, and its bounds are those in force at each decision.
 * https://docs.aws.amazon.com/autoscaling/application/userguide/application-auto-scaling-suspend-resume-scaling.html
 * https://docs.aws.amazon.com/autoscaling/application/userguide/application-auto-scaling-scheduled-scaling.html
 */
describe("sqs-worker platform: the scalable target", () => {
  const withService = (service: string, more = "") =>
    scenario("", "30m").replace(
      "service: { desiredCount: 1, minCapacity: 1, maxCapacity: 40 }",
      `service: ${service}${more}`,
    );

  it("suspendedStateChanges: scale-out suspended at the start, resumed at 10:00 by a later RegisterScalableTarget call", async () => {
    // 100 msg/s against one worker: the backlog-per-task alarm is in breach from 3:00 on (the scale-out at
    // 180 s in the test above). Suspended, nothing scales out until the resume; resuming with the alarm in
    // ALARM scales out at the resume itself ("scaling policies ... are triggered" by the alarm in breach).
    const text = withService(
      "{ desiredCount: 1, minCapacity: 1, maxCapacity: 40, SuspendedState: { DynamicScalingOutSuspended: true }, suspendedStateChanges: [{ at: 10m, SuspendedState: { DynamicScalingOutSuspended: false } }] }",
    );
    const out = await run(parseScenario(text));
    const d = out.result.platforms[0].decisions.filter((x) => x.controller === "applicationAutoScaling");
    expect(d.find((x) => x.action === "resume")).toMatchObject({
      t: 600,
      suspendedState: { DynamicScalingOutSuspended: false },
    });
    const outs = d.filter((x) => x.action === "scale-out");
    expect(outs.length).toBeGreaterThan(0);
    expect(outs[0].t).toBe(600);
  });

  it("a scheduled action that raises the maximum above the service's maxCapacity is within bounds (no false invariant failure)", async () => {
    // Static bounds [1, 2]; at 10:00 a scheduled action sets [4, 8]: desired is raised to the new minimum, 4,
    // which is inside the bounds in force then, though above the registered maxCapacity 2.
    const text = withService(
      "{ desiredCount: 1, minCapacity: 1, maxCapacity: 2 }",
      `
      scheduledActions:
        - ScheduledActionName: raise
          Schedule: at(1970-01-01T00:10:00)
          ScalableTargetAction: { MinCapacity: 4, MaxCapacity: 8 }`,
    );
    const out = await run(parseScenario(text));
    const p = out.result.platforms[0];
    expect(p.decisions.find((x) => x.t === 600 && x.to === 4)).toBeDefined();
    expect(p.checks.find((c) => c.name === "desired count within min/max")).toMatchObject({ ok: true });
  });
});
