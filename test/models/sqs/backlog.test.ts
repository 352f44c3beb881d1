import { describe, expect, it } from "vitest";
import { evaluateMetricMath, parseMetricMath } from "../../../src/models/aas/metric-math.js";
import { MetricRegistry } from "../../../src/models/aas/metric-registry.js";
import { targetTrackingCapacity } from "../../../src/models/aas/target-tracking.js";
import { MetricSeries } from "../../../src/models/cloudwatch/metric.js";
import { sqsRates } from "../../../src/data/sqs.js";
import {
  acceptableBacklogPerTask,
  backlogPerTask,
  billedRequests,
  billedSendRequests,
  sqsRequestsUsd,
} from "../../../src/models/sqs/backlog.js";

/**
 * Worked example W5 (aws-semantics §11), https://docs.aws.amazon.com/autoscaling/ec2/userguide/as-using-sqs-queue.html:
 * 10 instances, 1,500 messages visible, 0.1 s per message, 10 s acceptable latency → target 100, backlog
 * per instance 150 → scale out by 5 to 15.
 */
describe("backlog per task: the documented SQS worked example", () => {
  it.each([
    // running, visible, seconds per message, acceptable latency, target, backlog per task, new capacity
    [10, 1500, 0.1, 10, 100, 150, 15],
    // Same queue, 15 tasks: backlog 100 = target, capacity stays.
    [15, 1500, 0.1, 10, 100, 100, 15],
    // A slower consumer (0.5 s) lowers the target to 20: 1,500 / 10 = 150 → 75 tasks.
    [10, 1500, 0.5, 10, 20, 150, 75],
  ])(
    "%i tasks, %i visible, %f s/msg, %i s acceptable → target %i, backlog %i → %i tasks",
    (running, visible, perMsg, acceptable, target, backlog, capacity) => {
      expect(acceptableBacklogPerTask(acceptable, perMsg)).toBeCloseTo(target, 9);
      expect(backlogPerTask(visible, running)).toBe(backlog);
      expect(
        targetTrackingCapacity({
          running,
          metric: backlog,
          target: acceptableBacklogPerTask(acceptable, perMsg),
        }),
      ).toBe(capacity);
    },
  );

  it("the ECS metric-math form e1 = m1 / m2 over the published metrics gives the same backlog", () => {
    const visible = new MetricSeries("ApproximateNumberOfMessagesVisible", 60_000);
    const running = new MetricSeries("RunningTaskCount", 60_000);
    visible.closeWith(1500);
    running.closeWith(10);
    const registry = new MetricRegistry();
    registry.publish({
      namespace: "AWS/SQS",
      metricName: "ApproximateNumberOfMessagesVisible",
      statistics: ["Sum"],
      series: visible,
    });
    registry.publish({
      namespace: "ECS/ContainerInsights",
      metricName: "RunningTaskCount",
      statistics: ["Average"],
      series: running,
    });
    // The query list of the Application Auto Scaling guide's example.
    const e1 = registry.customized({
      Metrics: [
        {
          Id: "m1",
          MetricStat: {
            Metric: { MetricName: "ApproximateNumberOfMessagesVisible", Namespace: "AWS/SQS" },
            Stat: "Sum",
          },
          ReturnData: false,
        },
        {
          Id: "m2",
          MetricStat: {
            Metric: { MetricName: "RunningTaskCount", Namespace: "ECS/ContainerInsights" },
            Stat: "Average",
          },
          ReturnData: false,
        },
        { Id: "e1", Expression: "m1 / m2", ReturnData: true },
      ],
    });
    expect(e1.datapoints).toEqual([150]);
    expect(evaluateMetricMath(parseMetricMath("m1 / m2"), (id) => (id === "m1" ? 1500 : 10))).toBe(150);
  });

  it("no running task: the backlog has no datapoint (m1 / 0)", () => {
    expect(backlogPerTask(1500, 0)).toBeNull();
  });

  it("SQS requests cost $0.40 per million (standard), $0.50 (FIFO) in us-east-1", () => {
    const rates = sqsRates("us-east-1");
    if (typeof rates === "string") throw new Error(rates);
    expect(sqsRequestsUsd(2_500_000, rates.standard)).toBeCloseTo(1.0, 12);
    expect(sqsRequestsUsd(2_000_000, rates.fifo)).toBeCloseTo(1.0, 12);
    expect(sqsRates("eu-south-2")).toMatch(
      /no SQS prices for region eu-south-2.*queue.pricePerMillionRequests/,
    );
  });

  it("each 64 KB chunk of a payload is billed as a request: a 256 KB payload is billed as 4 (pricing page)", () => {
    expect(billedRequests(1, 256 * 1024)).toBe(4);
    expect(billedRequests(0, 256 * 1024)).toBe(1); // an empty receive is one request
    expect(billedRequests(10, 1024)).toBe(1);
    expect(billedRequests(10, 10 * 1024)).toBe(2); // 100 KB
  });

  it("SendMessageBatch: 25 messages of 1 KB in calls of 10 are 3 requests; one SendMessage each is 25", () => {
    expect(billedSendRequests(25, 10, 1024)).toBe(3);
    expect(billedSendRequests(25, 1, 1024)).toBe(25);
    // 10 × 20 KB = 200 KB per full call (4 chunks), 5 × 20 KB = 100 KB for the rest (2 chunks).
    expect(billedSendRequests(15, 10, 20 * 1024)).toBe(6);
  });
});
