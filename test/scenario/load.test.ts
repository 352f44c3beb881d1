import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { InputError } from "../../src/errors.js";
import { loadScenario, parseScenario } from "../../src/scenario/load.js";

const EXAMPLE = new URL("../../scenarios/checkout-api.yaml", import.meta.url);
const text = readFileSync(EXAMPLE, "utf8");

/** Parse the example with one substitution and return the error message (or fail). */
function errorOf(from: string | RegExp, to: string): string {
  const changed = text.replace(from, to);
  expect(changed).not.toBe(text);
  try {
    parseScenario(changed, "checkout-api.yaml");
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as Error).message;
  }
  throw new Error("expected an InputError");
}

/** Line (1-based) of the first line of the example containing `needle`. */
function lineOf(needle: string): number {
  return text.split("\n").findIndex((l) => l.includes(needle)) + 1;
}

describe("the core example", () => {
  it("loads as written with units normalised", () => {
    const s = loadScenario(EXAMPLE.pathname);
    expect(s.name).toBe("checkout-api");
    expect(s.seed).toBe(7);
    expect(s.traffic.window).toEqual({ start: Date.UTC(1998, 5, 22), duration: 3 * 86_400_000 });
    expect(s.workload).toMatchObject({
      cpuPerRequest: 25,
      concurrency: 64,
      timeout: 10_000,
      memory: { baseline: 512, perInFlight: 1 },
    });
    expect(s.workload.serviceTime).toEqual({ distribution: "lognormal", mean: 60, cv: 1 });
    expect(s.slo).toEqual({ latency: 400, percentile: 99 });
    const p = s.platforms.fargate;
    if (p.kind !== "ecs-fargate") throw new Error("expected the Fargate platform");
    expect(p.task).toEqual({ cpu: 1024, memory: 2048, architecture: "x86_64" });
    const policy = p.scalingPolicies[0];
    if (policy.PolicyType !== "TargetTrackingScaling") throw new Error("expected a target-tracking policy");
    const tt = policy.TargetTrackingScalingPolicyConfiguration;
    expect(tt).toMatchObject({
      TargetValue: 60,
      ScaleOutCooldown: 60,
      ScaleInCooldown: 300,
      DisableScaleIn: false,
    });
    // Defaults documented by AWS fill what the file leaves out.
    expect(p.loadBalancer).toMatchObject({
      healthCheckInterval: 30_000,
      healthyThreshold: 5,
      deregistrationDelay: 300_000,
    });
  });
});

describe("scenario errors: one line, file:line:col path: message", () => {
  it("an impossible Fargate size lists the valid memory values for that CPU", () => {
    const msg = errorOf("cpu: 1024, memory: 2048", "cpu: 1024, memory: 1024");
    expect(msg).toBe(
      `checkout-api.yaml:${lineOf("task: { cpu")}:32: platforms.fargate.task.memory: Fargate tasks with 1024 CPU units take memory 2048, 3072, 4096, 5120, 6144, 7168, 8192 MiB (2GB, 3GB, 4GB, 5GB, 6GB, 7GB, 8GB); got 1024 MiB`,
    );
  });

  it("an unknown CPU value lists the valid CPU values", () => {
    expect(errorOf("cpu: 1024, memory: 2048", "cpu: 1000, memory: 2048")).toMatch(
      /no task size with 1000 CPU units; valid CPU values are 256, 512, 1024, 2048, 4096, 8192, 16384/,
    );
  });

  it("a misspelt key is unknown, with a suggestion, at the key's position", () => {
    const msg = errorOf("  concurrency: 64", "  concurency: 64");
    expect(msg).toBe(
      `checkout-api.yaml:${lineOf("concurrency: 64")}:3: workload.concurency: unknown field "concurency" (did you mean "concurrency"?)`,
    );
  });

  it("an AWS-shaped key misspelt deep in a policy", () => {
    const msg = errorOf("TargetValue: 60", "TargetValu: 60");
    expect(msg).toMatch(
      /^checkout-api\.yaml:\d+:11: platforms\.fargate\.scalingPolicies\[0\]\.TargetTrackingScalingPolicyConfiguration\.TargetValu: unknown field "TargetValu" \(did you mean "TargetValue"\?\)$/,
    );
  });

  it("a duration without a unit says which units to use", () => {
    const msg = errorOf("timeout: 10s", "timeout: 10");
    expect(msg).toBe(
      `checkout-api.yaml:${lineOf("timeout: 10s")}:12: workload.timeout: expected a duration with a unit (e.g. "10s" or "10ms"), got the bare number 10`,
    );
  });

  it("an unknown platform kind lists the kinds", () => {
    expect(errorOf("kind: ecs-fargate", "kind: ecs-fargat")).toMatch(
      /^checkout-api\.yaml:\d+:11: platforms\.fargate\.kind: unknown kind "ecs-fargat"; expected one of: ecs-fargate/,
    );
  });

  it("an unknown predefined metric lists the valid ones", () => {
    expect(
      errorOf("PredefinedMetricType: ECSServiceAverageCPUUtilization", "PredefinedMetricType: CPU"),
    ).toMatch(/PredefinedMetricType: Invalid option: expected one of "ECSServiceAverageCPUUtilization"/);
  });

  it("a missing required block is reported at the map that should hold it", () => {
    const msg = errorOf(/ {4}service: \{[^}]*\}\n/, "");
    expect(msg).toBe(
      `checkout-api.yaml:${lineOf("kind: ecs-fargate")}:5: platforms.fargate.service: missing required field (object)`,
    );
  });

  it("YAML syntax errors carry their own position", () => {
    expect(
      errorOf("slo: { latency: 400ms, percentile: 99 }", "slo: { latency: 400ms, percentile: 99 "),
    ).toMatch(/^checkout-api\.yaml:\d+:\d+: invalid YAML: /);
  });

  it("duplicate keys are errors", () => {
    // Reported at the second occurrence.
    expect(errorOf("seed: 7", "seed: 7\nseed: 8")).toMatch(
      new RegExp(`^checkout-api\\.yaml:${lineOf("seed: 7") + 1}:1: invalid YAML: Map keys must be unique`),
    );
  });

  it("minCapacity above maxCapacity", () => {
    expect(errorOf("minCapacity: 2, maxCapacity: 100", "minCapacity: 20, maxCapacity: 10")).toMatch(
      /platforms\.fargate\.service\.minCapacity: minCapacity 20 exceeds maxCapacity 10/,
    );
  });

  it("an unknown assumption lists the known ones", () => {
    expect(errorOf("platforms:", "assumptions: { fargate.startTime: 5s }\nplatforms:")).toMatch(
      /assumptions\.fargate\.startTime: unknown assumption; known: targetTracking\.scaleOutDatapoints/,
    );
  });

  it("a wrongly typed assumption value", () => {
    expect(errorOf("platforms:", "assumptions: { fargate.pendingTime: 30 }\nplatforms:")).toMatch(
      /assumptions\.fargate\.pendingTime: expected a duration/,
    );
  });

  it("a missing file names the file", () => {
    expect(() => loadScenario("/nonexistent/x.yaml")).toThrow(
      /^\/nonexistent\/x\.yaml: scenario file not found$/,
    );
  });

  it("a document that is not a mapping", () => {
    expect(() => parseScenario("- a\n- b\n", "list.yaml")).toThrow(
      /^list\.yaml:1:1: a scenario is a YAML mapping/,
    );
  });
});

describe("assumption overrides", () => {
  it("are applied and marked as set by the scenario", () => {
    const s = parseScenario(
      text.replace(
        "platforms:",
        "assumptions: { fargate.pendingTime: 45s, targetTracking.scaleOutDatapoints: 2 }\nplatforms:",
      ),
      "x.yaml",
    );
    expect(s.assumptionValues["fargate.pendingTime"]).toBe(45_000);
    expect(s.assumptionValues["targetTracking.scaleOutDatapoints"]).toBe(2);
    expect([...s.overriddenAssumptions].sort()).toEqual([
      "fargate.pendingTime",
      "targetTracking.scaleOutDatapoints",
    ]);
  });
});

describe("EKS loadBalancer: unset keys keep the AWS Load Balancer Controller's defaults", () => {
  // Interval 15 s and healthy threshold 2 are the controller's defaults for the target groups it creates:
  // https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/ingress/annotations/#health-check
  const eks = (lb: string) => `
name: eks-lb
seed: 1
duration: 10m
traffic:
  synthetic: { shape: constant, rate: 10 }
workload:
  cpuPerRequest: 25ms
  serviceTime: { distribution: lognormal, mean: 60ms, cv: 1.0 }
  concurrency: 64
  memory: { baseline: 512MiB, perInFlight: 1MiB }
  timeout: 10s
slo: { latency: 250ms, percentile: 99 }
platforms:
  eks:
    kind: eks
    deployment: { replicas: 2, resources: { requests: { cpu: "1", memory: 2Gi } } }
    ${lb}
    nodes:
      fargateProfile: {}
`;
  const lbOf = (text: string) => {
    const p = parseScenario(text, "eks.yaml").platforms.eks;
    if (p.kind !== "eks") throw new Error("expected the EKS platform");
    return p.loadBalancer;
  };

  it("setting only the algorithm keeps interval 15 s and threshold 2 (not the ECS 30 s and 5)", () => {
    expect(lbOf(eks("loadBalancer: { algorithm: round_robin }"))).toEqual({
      healthCheckInterval: 15_000,
      healthyThreshold: 2,
      deregistrationDelay: 300_000,
      algorithm: "round_robin",
      slowStart: 0,
    });
  });

  it("no loadBalancer key at all gives the same defaults", () => {
    expect(lbOf(eks(""))).toEqual(lbOf(eks("loadBalancer: { algorithm: round_robin }")));
  });

  it("an ECS service's unset keys keep the ELB API defaults", () => {
    const s = parseScenario(
      text.replace(
        "    scalingPolicies:",
        "    loadBalancer: { deregistrationDelay: 60s }\n    scalingPolicies:",
      ),
    );
    expect(s.platforms.fargate).toMatchObject({
      loadBalancer: { healthCheckInterval: 30_000, healthyThreshold: 5, deregistrationDelay: 60_000 },
    });
  });
});
