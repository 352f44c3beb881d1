import { describe, expect, it } from "vitest";
import { run } from "../../../src/api.js";
import {
  fullPullMs,
  HostImageCache,
  type ImagePullBehavior,
  pullMs,
} from "../../../src/models/image/pull.js";
import { parseScenario } from "../../../src/scenario/load.js";

const RATES = { mibPerSecond: 40, layerOverheadMs: 200, manifestCheckMs: 300 };
const IMAGE = { sizeMiB: 400, layers: 10 };

describe("image pull time", () => {
  it("full pull = manifest + layers × overhead + size / throughput", () => {
    expect(fullPullMs(IMAGE, RATES)).toBe(300 + 10 * 200 + 10_000);
  });

  // https://docs.aws.amazon.com/AmazonECS/latest/developerguide/pull-behavior.html
  it.each<[ImagePullBehavior, boolean, number]>([
    ["default", false, 12_300],
    ["always", false, 12_300],
    ["once", false, 12_300],
    ["prefer-cached", false, 12_300],
    // Pulled remotely again, but every layer is on the host: only the manifest is resolved.
    ["default", true, 300],
    ["always", true, 300],
    // Not pulled again when a previous task on the instance pulled it / a cached image exists.
    ["once", true, 0],
    ["prefer-cached", true, 0],
  ])("ECS_IMAGE_PULL_BEHAVIOR=%s, cached on host: %s → %i ms", (behavior, cached, ms) => {
    expect(pullMs(IMAGE, RATES, cached, behavior)).toBe(ms);
  });

  it("a host cache holds the image from the first completed pull until the host goes", () => {
    const c = new HostImageCache();
    expect(c.has("i-1")).toBe(false);
    c.add("i-1");
    expect(c.has("i-1")).toBe(true);
    c.remove("i-1");
    expect(c.has("i-1")).toBe(false);
  });
});

function scenario(image: string): string {
  return `
name: pulls
seed: 5
duration: 1h
traffic:
  synthetic: { shape: step, base: 20, to: 300, at: 10m }
workload:
  cpuPerRequest: 20ms
  serviceTime: 50ms
  concurrency: 32
  ${image}
slo: { latency: 300ms }
assumptions: { fargate.provisioningTime: 0s }
platforms:
  web:
    kind: ecs-fargate
    task: { cpu: 512, memory: 1024 }
    service: { desiredCount: 1, minCapacity: 1, maxCapacity: 10 }
    scalingPolicies:
      - PolicyName: cpu50
        PolicyType: TargetTrackingScaling
        TargetTrackingScalingPolicyConfiguration:
          TargetValue: 50
          PredefinedMetricSpecification: { PredefinedMetricType: ECSServiceAverageCPUUtilization }
          ScaleOutCooldown: 60
`;
}

describe("image pulls on Fargate", () => {
  it("every task start pulls the whole image: PENDING lasts pull + container start, pullStoppedAt in between", async () => {
    // Pull times are random per task; pooled over 24 seeds (about 200 starts) their mean is known to
    // within three standard errors (about 1.4 s), tight enough that dropping the 2 s layer term fails.
    const pulls: number[] = [];
    for (let seed = 1; seed <= 24; seed++) {
      const text = scenario("image: { size: 800MiB, layers: 10 }").replace("seed: 5", `seed: ${seed}`);
      const out = await run(parseScenario(text));
      const recs = out.result.platforms[0].taskEvents![0].records.filter(
        (r) => r.lastStatus === "RUNNING" && r.pullStartedAt !== 0,
      );
      for (const r of recs) {
        expect(r.startedAt! - r.pullStoppedAt!).toBe(2_000); // container start 2 s
        pulls.push(r.pullStoppedAt! - r.pullStartedAt!);
      }
    }
    const n = pulls.length;
    const mean = pulls.reduce((a, b) => a + b, 0) / n;
    const sd = Math.sqrt(pulls.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
    const band = 3 * (sd / Math.sqrt(n));
    // Mean pull = manifest 0.3 s + 10 layers × 0.2 s + 800 MiB / 40 MiB/s = 22.3 s.
    expect(Math.abs(mean - 22_300), `mean ${mean} ± ${band} of ${n} pulls`).toBeLessThanOrEqual(band);
    // The band is narrow enough to tell the full formula from one without its 2 s layer term (20.3 s).
    expect(Math.abs(mean - 20_300)).toBeGreaterThan(band);
  });

  it("a bigger image starts tasks later and is billed longer (billing starts at the download)", async () => {
    const small = await run(parseScenario(scenario("image: { size: 50MiB, layers: 3 }")));
    const big = await run(parseScenario(scenario("image: { size: 4GiB, layers: 20 }")));
    const startSpan = (o: typeof small) => {
      const rs = o.result.platforms[0].taskEvents![0].records.filter(
        (r) => r.lastStatus === "RUNNING" && r.pullStartedAt !== 0,
      );
      return rs.reduce((s, r) => s + (r.startedAt! - r.pullStartedAt!), 0) / rs.length;
    };
    expect(startSpan(big) - startSpan(small)).toBeGreaterThan(60_000);
    const a = small.result.platforms[0].capacity;
    const b = big.result.platforms[0].capacity;
    expect(b.billedTaskHours - b.taskHours).toBeGreaterThan(a.billedTaskHours - a.taskHours);
  });
});

function ec2Batch(behavior: string): string {
  return `
name: ec2-pulls
seed: 2
duration: 40m
traffic: { synthetic: { shape: constant, rate: 0 } }
workload: { cpuPerRequest: 1ms, serviceTime: 1ms, concurrency: 1, image: { size: 400MiB, layers: 10 } }
slo: { latency: 1h }
platforms:
  jobs:
    kind: eventbridge-tasks
    compute:
      kind: ecs-ec2
      task: { cpu: 1024, memory: 2048 }
      imagePullBehavior: ${behavior}
      capacityProviders:
        - name: cp
          autoScalingGroup: { instanceTypes: [m6i.xlarge], minSize: 0, maxSize: 2, desiredCapacity: 1 }
      placementStrategy: [ { type: binpack, field: cpu } ]
    job: { duration: 2m }
    schedules:
      - { Name: a, ScheduleExpression: "rate(10 minutes)", TaskCount: 2 }
`;
}

describe("image pulls on EC2 (ECS_IMAGE_PULL_BEHAVIOR)", () => {
  const pulls = async (behavior: string) => {
    const out = await run(parseScenario(ec2Batch(behavior)));
    const recs = out.result.platforms[0].taskEvents![0].records.filter((r) => r.lastStatus === "RUNNING");
    return recs.map((r) => r.pullStoppedAt! - r.pullStartedAt!);
  };
  // Full pull: 0.3 + 10 × 0.2 + 400 / 40 = 12.3 s.
  it("pulls the whole image on the first start on an instance, then only the manifest (default)", async () => {
    const p = await pulls("default");
    expect(p.slice(0, 2)).toEqual([12_300, 12_300]);
    // Later starts on a warm instance resolve the manifest only; a newly launched instance pulls in full.
    expect(new Set(p)).toEqual(new Set([12_300, 300]));
    expect(p.filter((x) => x === 300).length).toBeGreaterThanOrEqual(2);
  });

  it("with `once` a cached image is not pulled again", async () => {
    const p = await pulls("once");
    expect(p.slice(0, 2)).toEqual([12_300, 12_300]);
    expect(new Set(p)).toEqual(new Set([12_300, 0]));
    expect(p.filter((x) => x === 0).length).toBeGreaterThanOrEqual(2);
  });
});
