import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A small synthetic scenario (2 h, Poisson noise, so seeds matter) with a sweep block appended. */
export function sweepYaml(sweep: string, extra = ""): string {
  return `name: sweep-test
seed: 3
duration: 2h
traffic:
  synthetic: { shape: diurnal, base: 20, peak: 120, period: 1h, noise: 0.1, poisson: true }
workload:
  cpuPerRequest: 25ms
  serviceTime: { distribution: lognormal, mean: 60ms, cv: 1.0 }
  concurrency: 64
  timeout: 10s
slo: { latency: 400ms, percentile: 99 }
platforms:
  fargate:
    kind: ecs-fargate
    task: { cpu: 1024, memory: 2048 }
    service: { desiredCount: 1, minCapacity: 1, maxCapacity: 20 }
    scalingPolicies:
      - PolicyName: cpu
        PolicyType: TargetTrackingScaling
        TargetTrackingScalingPolicyConfiguration:
          TargetValue: 60
          PredefinedMetricSpecification: { PredefinedMetricType: ECSServiceAverageCPUUtilization }
          ScaleOutCooldown: 60
          ScaleInCooldown: 300
${extra}sweep:
${sweep}`;
}

export const TARGETS =
  "platforms.fargate.scalingPolicies[0].TargetTrackingScalingPolicyConfiguration.TargetValue";

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "scalesim-sweep-"));
}
