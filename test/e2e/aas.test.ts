import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { run } from "../../src/api.js";
import { InputError } from "../../src/errors.js";
import { importAwsScaling } from "../../src/scenario/aws-import.js";
import { parseScenario } from "../../src/scenario/load.js";
import { forecasts, policyLines } from "../helpers/decisions.js";
import { decisionsOf, fargateScenario } from "./aas-helpers.js";

/** One Fargate service (2 tasks of 1 vCPU) on synthetic traffic, with the given platform fields. */
const scenario = (platform: string, traffic?: string, duration?: string) =>
  fargateScenario(platform, traffic, duration);

const TT = (type: string, target: number) => `
    scalingPolicies:
      - PolicyName: tt
        PolicyType: TargetTrackingScaling
        TargetTrackingScalingPolicyConfiguration:
          TargetValue: ${target}
          PredefinedMetricSpecification: { PredefinedMetricType: ${type} }`;

describe("target tracking end to end", () => {
  // 20 req/s × 25 ms on 2 tasks of 1 vCPU = 25 % CPU; from 30:00, 120 req/s saturates them (100 %).
  it("a load step at 30:00 scales out when the third breaching 1-minute datapoint is published (33:00)", async () => {
    // minCapacity 2 keeps the 25 % minutes from scaling in first.
    const d = await decisionsOf(
      scenario(TT("ECSServiceAverageCPUUtilization", 60)).replace("minCapacity: 1", "minCapacity: 2"),
    );
    const out = policyLines(d).find((x) => x.action === "scale-out")!;
    expect(out.t).toBe(33 * 60);
    expect(out).toMatchObject({ from: 2, to: 4 }); // ceil(2 × 100 / 60)
  });

  it("HighResolution: three 20-s datapoints, so the first scale-out is at 31:00", async () => {
    const d = await decisionsOf(scenario(TT("ECSServiceAverageCPUUtilizationHighResolution", 60)));
    expect(d.find((x) => x.action === "scale-out")!.t).toBe(31 * 60);
  });

  it("ALBRequestCountPerTarget is requests per target per minute: 10 req/s on 2 targets = 300", async () => {
    const d = await decisionsOf(
      scenario(TT("ALBRequestCountPerTarget", 100), "synthetic: { shape: constant, rate: 10 }", "10m"),
    );
    const out = policyLines(d).find((x) => x.action === "scale-out")!;
    expect(out.t).toBe(180);
    expect(out.inputs?.tt.value).toBeCloseTo(300, 6);
    expect(out.to).toBe(6);
  });

  it("ALBRequestCountPerTarget reports real zeros: min 0 reaches 0 tasks 15 minutes after the traffic stops", async () => {
    // "Always reported" (ALB metrics page) and, in the Application Auto Scaling guide, a metric that emits
    // real zeros, "for example, ALBRequestCountPerTarget", lets target tracking scale in to 0 without traffic.
    // https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html
    // 3.2 req/s on 2 targets = 96 per target: between AlarmLow (90) and the target (100), no action. From
    // 10:00 nothing arrives: the datapoints of minutes 10..24 are 0; the 15th is published at 25:00, AlarmLow
    // goes to ALARM and ceil(2 × 0 / 100) = 0.
    const d = await decisionsOf(
      fargateScenario(
        TT("ALBRequestCountPerTarget", 100),
        "synthetic: { shape: step, base: 3.2, to: 0, at: 10m }",
        "40m",
        "{ desiredCount: 2, minCapacity: 0, maxCapacity: 20 }",
      ),
    );
    const scaled = d.filter((x) => x.action === "scale-in" || x.action === "scale-out");
    expect(scaled.map((x) => [x.t, x.from, x.to])).toEqual([[25 * 60, 2, 0]]);
  });

  it("CustomizedMetricSpecification with metric math: request rate per running task (RequestCount / RunningTaskCount)", async () => {
    const d = await decisionsOf(
      scenario(
        `
    scalingPolicies:
      - PolicyName: rate
        PolicyType: TargetTrackingScaling
        TargetTrackingScalingPolicyConfiguration:
          TargetValue: 100
          CustomizedMetricSpecification:
            Metrics:
              - Id: m1
                MetricStat: { Metric: { Namespace: AWS/ApplicationELB, MetricName: RequestCount }, Stat: Sum }
                ReturnData: false
              - Id: m2
                MetricStat: { Metric: { Namespace: ECS/ContainerInsights, MetricName: RunningTaskCount }, Stat: Average }
                ReturnData: false
              - Id: e1
                Expression: m1 / m2
                ReturnData: true`,
        "synthetic: { shape: constant, rate: 10 }",
        "10m",
      ),
    );
    const out = policyLines(d).find((x) => x.action === "scale-out")!;
    expect(out.t).toBe(180);
    expect(out.inputs?.rate.value).toBeCloseTo(300, 6);
    expect(out.to).toBe(6);
  });

  it("a metric the platform does not produce is bad input naming the field", async () => {
    const text = scenario(`
    scalingPolicies:
      - PolicyName: q
        PolicyType: TargetTrackingScaling
        TargetTrackingScalingPolicyConfiguration:
          TargetValue: 100
          CustomizedMetricSpecification: { MetricName: ApproximateNumberOfMessagesVisible, Namespace: AWS/SQS, Statistic: Sum }`);
    await expect(run(parseScenario(text))).rejects.toThrow(
      /scalingPolicies\[0\].*not produced by this platform/,
    );
  });
});

describe("step scaling end to end", () => {
  const STEP = `
    scalingPolicies:
      - PolicyName: cpu-high
        PolicyType: StepScaling
        StepScalingPolicyConfiguration:
          AdjustmentType: ChangeInCapacity
          StepAdjustments:
            - { MetricIntervalLowerBound: 0, MetricIntervalUpperBound: 20, ScalingAdjustment: 1 }
            - { MetricIntervalLowerBound: 20, ScalingAdjustment: 3 }
          Cooldown: 120
        Alarm:
          MetricName: CPUUtilization
          Namespace: AWS/ECS
          Statistic: Average
          Period: 60
          EvaluationPeriods: 3
          DatapointsToAlarm: 3
          Threshold: 70
          ComparisonOperator: GreaterThanOrEqualToThreshold`;

  it("the first step scale-out comes with the third breaching datapoint (33:00) and takes the +3 step (100 >= 70 + 20)", async () => {
    const d = await decisionsOf(scenario(STEP));
    const out = policyLines(d).find((x) => x.action === "scale-out")!;
    expect(out.t).toBe(33 * 60);
    expect(out).toMatchObject({ policy: "cpu-high", from: 2, to: 5 });
    expect(out.inputs).toMatchObject({ "cpu-high": { alarm: "ALARM", value: 100, step: 1 } });
    expect(out.bounds).toEqual({ min: 1, max: 20, hit: null });
  });

  it("a 300-s alarm is evaluated every minute over a sliding window: CPU 25 % -> 87.5 % at 20:00 breaches 50 % at 23:00", async () => {
    // "For any period of one minute or longer, an alarm is evaluated every minute and the evaluation is based
    // on the window of time defined by the Period and EvaluationPeriods."
    // https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html
    // 20 req/s × 25 ms on 2 vCPU = 25 %; 70 req/s = 87.5 %. Windows of 5 minutes ending at
    //   22:00: (3 × 25 + 2 × 87.5) / 5 = 50   (not > 50)
    //   23:00: (2 × 25 + 3 × 87.5) / 5 = 62.5 (> 50: ALARM, the step policy acts)
    // With fixed 5-minute windows counted from 0:00 the first breaching one would end at 25:00.
    const step300 = STEP.replace("Period: 60", "Period: 300")
      .replace("EvaluationPeriods: 3", "EvaluationPeriods: 1")
      .replace("DatapointsToAlarm: 3", "DatapointsToAlarm: 1")
      .replace("Threshold: 70", "Threshold: 50")
      .replace("GreaterThanOrEqualToThreshold", "GreaterThanThreshold");
    const d = await decisionsOf(
      scenario(step300, "synthetic: { shape: step, base: 20, to: 70, at: 20m }", "40m"),
    );
    const outs = policyLines(d).filter((x) => x.action === "scale-out");
    expect(outs[0].t).toBe(23 * 60);
    expect(outs[0].inputs).toMatchObject({ "cpu-high": { alarm: "ALARM", value: 62.5 } });
    // The alarm stays in ALARM at 24:00 and invokes the policy again, within its cooldown: the +3 step
    // (the window now averages above 50 + 20) replaces the +1 of 23:00, from the capacity before it (2 + 3).
    expect([outs[1].t, outs[1].from, outs[1].to]).toEqual([24 * 60, 3, 5]);
    expect(outs[1].inputs).toMatchObject({ "cpu-high": { alarm: "ALARM", step: 1 } });
  });

  it("2 of 3 datapoints: DatapointsToAlarm 2 fires at 32:00", async () => {
    const d = await decisionsOf(scenario(STEP.replace("DatapointsToAlarm: 3", "DatapointsToAlarm: 2")));
    expect(d.find((x) => x.action === "scale-out")!.t).toBe(32 * 60);
  });

  it.each([
    [
      "a gap",
      "- { MetricIntervalLowerBound: 0, MetricIntervalUpperBound: 20, ScalingAdjustment: 1 }\n            - { MetricIntervalLowerBound: 30, ScalingAdjustment: 3 }",
      /gap between step 0/,
    ],
    [
      "an overlap",
      "- { MetricIntervalLowerBound: 0, MetricIntervalUpperBound: 20, ScalingAdjustment: 1 }\n            - { MetricIntervalLowerBound: 10, ScalingAdjustment: 3 }",
      /overlaps step 0/,
    ],
    [
      "two open upper ends",
      "- { MetricIntervalLowerBound: 0, ScalingAdjustment: 1 }\n            - { MetricIntervalLowerBound: 10, ScalingAdjustment: 3 }",
      /only one step adjustment can have a null upper bound/,
    ],
  ])("%s in StepAdjustments is a validation error with line:col", (_, steps, message) => {
    const text = scenario(
      STEP.replace(
        "- { MetricIntervalLowerBound: 0, MetricIntervalUpperBound: 20, ScalingAdjustment: 1 }\n            - { MetricIntervalLowerBound: 20, ScalingAdjustment: 3 }",
        steps,
      ),
    );
    let err: unknown;
    try {
      parseScenario(text, "s.yaml");
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    const e = err as InputError;
    expect(e.detail).toMatch(message);
    expect(e.location.path).toMatch(
      /^platforms\.svc\.scalingPolicies\[0\]\.StepScalingPolicyConfiguration\.StepAdjustments\[1\]/,
    );
    const line =
      text
        .split("\n")
        .findIndex(
          (l) => l.includes("MetricIntervalLowerBound: 10") || l.includes("MetricIntervalLowerBound: 30"),
        ) + 1;
    expect(e.location.line).toBe(line);
    expect(e.location.col).toBeGreaterThan(1);
  });
});

describe("scheduled actions end to end", () => {
  const ACTIONS = `
    scheduledActions:
      - ScheduledActionName: up
        Schedule: at(1970-01-01T00:10:00)
        ScalableTargetAction: { MinCapacity: 6 }
      - ScheduledActionName: cap
        Schedule: cron(20 0 ? * 5 *)
        Timezone: America/New_York
        ScalableTargetAction: { MinCapacity: 1, MaxCapacity: 3 }`;

  it("min/max changes at their times move the desired count (at() in UTC, cron in a time zone)", async () => {
    // 1970-01-01 is a Thursday (cron day-of-week 5); 00:20 in New York (EST, UTC-5) is 05:20 UTC.
    const d = await decisionsOf(scenario(ACTIONS, "synthetic: { shape: constant, rate: 10 }", "6h"));
    const sched = d.filter((x) => x.controller === "applicationAutoScaling.scheduled");
    expect(sched.map((x) => [x.t, x.policy, x.from, x.to])).toEqual([
      [600, "up", 2, 6],
      [5 * 3600 + 20 * 60, "cap", 6, 3],
    ]);
  });

  it("ScheduledScalingSuspended skips them", async () => {
    const text = scenario(ACTIONS, "synthetic: { shape: constant, rate: 10 }", "1h").replace(
      "maxCapacity: 20 }",
      "maxCapacity: 20, SuspendedState: { ScheduledScalingSuspended: true } }",
    );
    const d = await decisionsOf(text);
    expect(d.filter((x) => x.controller === "applicationAutoScaling.scheduled").map((x) => x.action)).toEqual(
      ["skip"],
    );
  });

  it("an invalid cron is reported at its line", () => {
    const text = scenario(ACTIONS.replace("cron(20 0 ? * 5 *)", "cron(20 0 1 * 5 *)"));
    expect(() => parseScenario(text, "s.yaml")).toThrow(
      /s\.yaml:\d+:\d+: platforms\.svc\.scheduledActions\[1\]\.Schedule: .*can't both be specified/,
    );
  });
});

describe("predictive scaling end to end", () => {
  const PRED = (mode: string) => `
    scalingPolicies:
      - PolicyName: forecast
        PolicyType: PredictiveScaling
        PredictiveScalingPolicyConfiguration:
          Mode: ${mode}
          MetricSpecifications:
            - TargetValue: 50
              PredefinedMetricPairSpecification: { PredefinedMetricType: ECSServiceCPUUtilization }`;
  const DIURNAL = "synthetic: { shape: diurnal, base: 10, peak: 150, period: 1d, phase: 6h }";

  it("ForecastAndScale: first forecast at 24:00, scale-outs 300 s before an hour, never a scale-in", async () => {
    const d = await decisionsOf(scenario(PRED("ForecastAndScale"), DIURNAL, "2d"));
    expect(forecasts(d)[0].t).toBe(86_400);
    const outs = d.filter((x) => x.action === "scale-out");
    expect(outs.length).toBeGreaterThan(0);
    for (const o of outs) expect((o.t + 300) % 3600).toBe(0);
    expect(outs[0].t).toBeGreaterThan(86_400);
    expect(d.some((x) => x.action === "scale-in")).toBe(false);
  });

  it("ForecastOnly never changes capacity", async () => {
    const d = await decisionsOf(scenario(PRED("ForecastOnly"), DIURNAL, "2d"));
    expect(d.every((x) => x.action === "forecast")).toBe(true);
  });
});

describe("memory metric", () => {
  it("MemoryUtilization is measured against memoryReservation when set, else memory (service_utilization.html)", async () => {
    const base = scenario("", "synthetic: { shape: constant, rate: 1 }", "5m");
    const hard = await run(parseScenario(base));
    const soft = await run(
      parseScenario(base.replace("memory: 2048 }", "memory: 2048, memoryReservation: 1024 }")),
    );
    // Baseline 512 MiB per task, no per-request memory.
    expect(hard.result.platforms[0].minutes.columns.memoryPercent[2]).toBeCloseTo(25, 9);
    expect(soft.result.platforms[0].minutes.columns.memoryPercent[2]).toBeCloseTo(50, 9);
  });
});

describe("scalesim import", () => {
  const policies = {
    ScalingPolicies: [
      {
        PolicyARN:
          "arn:aws:autoscaling:us-east-1:123456789012:scalingPolicy:1:resource/ecs/service/c/web:policyName/cpu",
        PolicyName: "cpu",
        ServiceNamespace: "ecs",
        ResourceId: "service/c/web",
        ScalableDimension: "ecs:service:DesiredCount",
        PolicyType: "TargetTrackingScaling",
        TargetTrackingScalingPolicyConfiguration: {
          TargetValue: 60,
          PredefinedMetricSpecification: { PredefinedMetricType: "ECSServiceAverageCPUUtilization" },
          ScaleOutCooldown: 60,
          ScaleInCooldown: 300,
        },
        Alarms: [{ AlarmName: "TargetTracking-service/c/web-AlarmHigh-x", AlarmARN: "arn:x" }],
        CreationTime: "2024-05-01T10:00:00.000000+00:00",
      },
      {
        PolicyARN: "arn:step",
        PolicyName: "step-out",
        ServiceNamespace: "ecs",
        ResourceId: "service/c/web",
        ScalableDimension: "ecs:service:DesiredCount",
        PolicyType: "StepScaling",
        StepScalingPolicyConfiguration: {
          AdjustmentType: "ChangeInCapacity",
          StepAdjustments: [{ MetricIntervalLowerBound: 0, ScalingAdjustment: 2 }],
          Cooldown: 120,
          MetricAggregationType: "Average",
        },
        Alarms: [{ AlarmName: "web-cpu-high", AlarmARN: "arn:alarm" }],
        CreationTime: "2024-05-01T10:00:00.000000+00:00",
      },
    ],
  };
  const alarms = {
    MetricAlarms: [
      {
        AlarmName: "web-cpu-high",
        AlarmArn: "arn:alarm",
        AlarmActions: ["arn:step"],
        MetricName: "CPUUtilization",
        Namespace: "AWS/ECS",
        Statistic: "Average",
        Dimensions: [
          { Name: "ClusterName", Value: "c" },
          { Name: "ServiceName", Value: "web" },
        ],
        Period: 60,
        EvaluationPeriods: 3,
        DatapointsToAlarm: 3,
        Threshold: 75,
        ComparisonOperator: "GreaterThanThreshold",
        TreatMissingData: "missing",
        StateValue: "OK",
      },
    ],
  };
  const actions = {
    ScheduledActions: [
      {
        ScheduledActionName: "morning",
        ScheduledActionARN: "arn:sa",
        ServiceNamespace: "ecs",
        Schedule: "cron(0 8 ? * MON-FRI *)",
        Timezone: "Europe/Berlin",
        ResourceId: "service/c/web",
        ScalableDimension: "ecs:service:DesiredCount",
        ScalableTargetAction: { MinCapacity: 4 },
        CreationTime: "2024-05-01T10:00:00.000000+00:00",
      },
    ],
  };

  it("turns describe-scaling-policies / describe-scheduled-actions / describe-alarms JSON into scenario fields that validate and run", async () => {
    const r = importAwsScaling({
      policies: { file: "p.json", json: policies },
      scheduledActions: { file: "s.json", json: actions },
      alarms: { file: "a.json", json: alarms },
    });
    expect(r.resourceId).toBe("service/c/web");
    expect(r.scalingPolicies[1]).toMatchObject({
      PolicyType: "StepScaling",
      Alarm: { AlarmName: "web-cpu-high", Threshold: 75 },
    });
    const yaml = stringify({ scalingPolicies: r.scalingPolicies, scheduledActions: r.scheduledActions })
      .split("\n")
      .map((l) => `    ${l}`)
      .join("\n");
    const out = await run(parseScenario(scenario(yaml)));
    expect(
      policyLines(out.result.platforms[0].decisions).some(
        (d) => d.policy === "step-out" && d.action === "scale-out",
      ),
    ).toBe(true);
  });

  it("a step policy without its alarm export is bad input", () => {
    expect(() => importAwsScaling({ policies: { file: "p.json", json: policies } })).toThrow(
      /needs its CloudWatch alarm.*web-cpu-high/,
    );
  });
});
