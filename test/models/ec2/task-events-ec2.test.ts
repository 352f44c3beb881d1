import { describe, expect, it } from "vitest";
import { run } from "../../../src/api.js";
import { taskEventsJsonl } from "../../../src/output/task-events.js";
import { parseScenario } from "../../../src/scenario/load.js";

// An EC2 task's state-change event names its capacity provider and, once placed, its container instance
// (detail.capacityProviderName, detail.containerInstanceArn):
// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_task_events.html
const scenario = `
name: ec2-events
seed: 3
duration: 20m
traffic:
  synthetic: { shape: step, base: 5, to: 200, at: 5m }
workload:
  cpuPerRequest: 20ms
  serviceTime: 50ms
  concurrency: 64
slo: { latency: 300ms }
platforms:
  web:
    kind: ecs-ec2
    task: { cpu: 1024, memory: 2048 }
    service: { desiredCount: 1, minCapacity: 1, maxCapacity: 6 }
    scalingPolicies:
      - PolicyName: cpu50
        PolicyType: TargetTrackingScaling
        TargetTrackingScalingPolicyConfiguration:
          TargetValue: 50
          PredefinedMetricSpecification: { PredefinedMetricType: ECSServiceAverageCPUUtilization }
          ScaleOutCooldown: 60
    capacityProviders:
      - name: od-pool
        autoScalingGroup: { instanceTypes: [m6i.large], minSize: 0, maxSize: 6, desiredCapacity: 1 }
`;

describe("EC2 task state-change events", () => {
  it("carry capacityProviderName always and containerInstanceArn from placement on", async () => {
    const out = await run(parseScenario(scenario));
    const events = taskEventsJsonl(out.result)
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l).detail);
    expect(events.length).toBeGreaterThan(3);
    for (const d of events) {
      expect(d.launchType).toBe("EC2");
      expect(d.capacityProviderName).toBe("od-pool");
      if (d.lastStatus === "PROVISIONING") expect(d.containerInstanceArn).toBeUndefined();
      else
        expect(d.containerInstanceArn).toMatch(
          /^arn:aws:ecs:us-east-1:\d{12}:container-instance\/ec2-events\/[0-9a-f]{32}$/,
        );
    }
    // The first event of the task running at t = 0 already names its instance.
    expect(events[0].containerInstanceArn).toBeDefined();
    // Tasks on different instances have different ARNs; one instance's tasks share one.
    const arns = new Set(events.map((d) => d.containerInstanceArn).filter(Boolean));
    expect(arns.size).toBeGreaterThan(1);
  });
});
