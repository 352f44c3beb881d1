import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { run } from "../../src/api.js";
import { InputError } from "../../src/errors.js";
import { parseScenario } from "../../src/scenario/load.js";
import { importTerraform } from "../../src/scenario/import/terraform.js";
import { writeImportedScenario } from "../../src/scenario/import/write-scenario.js";
import { cli } from "../helpers/cli.js";

// Fixtures are `terraform show -json` output as Terraform 1.x writes it (format_version 1.2 plans, 1.0
// states): numbers as strings ("1024", "60"), nested blocks as one-element lists, plan values known only
// after apply absent from planned_values and flagged in resource_changes[].change.after_unknown.
// https://developer.hashicorp.com/terraform/internals/json-format
const FIX = "test/fixtures/import";
const PLAN = `${FIX}/fargate-plan.json`;
const STATE = `${FIX}/ec2-state.json`;
const read = (f: string) => readFileSync(f, "utf8");
const scenarioOf = (text: string, file: string, service?: string) => {
  const yaml = writeImportedScenario(importTerraform(text, file, service), { command: "test" });
  return { yaml, data: parse(yaml) as Record<string, any>, scenario: parseScenario(yaml, "imported.yaml") };
};

describe("import --terraform: a plan of new Fargate resources in a module", () => {
  const { yaml, data, scenario } = scenarioOf(read(PLAN), PLAN);
  const p = data.platforms.checkout;

  it("reads the task definition through the configuration's references (its ARN is unknown in a plan)", () => {
    expect(p.kind).toBe("ecs-fargate");
    expect(p.task).toEqual({ cpu: 1024, memory: 2048, architecture: "arm64" });
  });
  it("reads the scalable target, the target group and the provider's region from a variable", () => {
    expect(p.service).toEqual({ desiredCount: 2, minCapacity: 2, maxCapacity: 20 });
    expect(p.loadBalancer).toEqual({
      healthCheckInterval: "15s",
      healthyThreshold: 3,
      deregistrationDelay: "60s",
      algorithm: "least_outstanding_requests",
      slowStart: "0s",
    });
    expect(data.region).toBe("eu-west-1");
  });
  it("writes policies in Application Auto Scaling's own shape, the step policy with the alarm that invokes it", () => {
    expect(p.scalingPolicies[0]).toEqual({
      PolicyName: "checkout-cpu60",
      PolicyType: "TargetTrackingScaling",
      TargetTrackingScalingPolicyConfiguration: {
        DisableScaleIn: false,
        PredefinedMetricSpecification: { PredefinedMetricType: "ECSServiceAverageCPUUtilization" },
        ScaleInCooldown: 300,
        ScaleOutCooldown: 60,
        TargetValue: 60,
      },
    });
    const step = p.scalingPolicies[1];
    // "0"/"15"/"" bounds become numbers and an open bound; min_adjustment_magnitude 0 is the provider's unset.
    expect(step.StepScalingPolicyConfiguration.StepAdjustments).toEqual([
      { MetricIntervalLowerBound: 0, MetricIntervalUpperBound: 15, ScalingAdjustment: 1 },
      { MetricIntervalLowerBound: 15, ScalingAdjustment: 3 },
    ]);
    expect(step.StepScalingPolicyConfiguration.MinAdjustmentMagnitude).toBeUndefined();
    expect(step.Alarm).toMatchObject({
      AlarmName: "checkout-cpu-high",
      Threshold: 70,
      EvaluationPeriods: 3,
      Dimensions: [
        { Name: "ClusterName", Value: "prod" },
        { Name: "ServiceName", Value: "checkout" },
      ],
    });
    expect(p.scheduledActions).toEqual([
      {
        ScheduledActionName: "checkout-business-hours",
        Schedule: "cron(0 8 ? * MON-FRI *)",
        Timezone: "Europe/Dublin",
        ScalableTargetAction: { MaxCapacity: 20, MinCapacity: 4 },
      },
    ]);
  });
  it("runs in a region without a pinned ALB price: the load balancer is left out, and the header says so", async () => {
    expect(data.billing).toEqual({ loadBalancer: { include: false } });
    expect(yaml).toContain("ALB price for eu-west-1: not pinned, so billing.loadBalancer.include is false");
    const out = await run(scenario);
    expect(out.summary.platforms.checkout.checks.every((c) => c.ok)).toBe(true);
    expect(out.summary.platforms.checkout.cost.meters.some((m) => m.name.startsWith("alb."))).toBe(false);
  });
  it("names the source of every value, lists what it did not model, and validates", () => {
    expect(yaml).toMatch(
      /cpu: 1024 # from module\.checkout\.aws_ecs_task_definition\.this\.cpu \(test\/fixtures\/import\/fargate-plan\.json:\d+:\d+\)/,
    );
    expect(yaml).toContain("aws_iam_role.task_execution (aws_iam_role)");
    expect(yaml).toContain("container image 123456789012.dkr.ecr.eu-west-1.amazonaws.com/checkout:1.42.0");
    expect(scenario.platforms.checkout.kind).toBe("ecs-fargate");
  });
});

describe("import --terraform: a state of an EC2 service on a capacity provider", () => {
  const { data } = scenarioOf(read(STATE), STATE);
  const p = data.platforms["orders-api"];
  it("takes the launch type from the cluster's default capacity provider strategy", () => {
    expect(p.kind).toBe("ecs-ec2");
    expect(p.capacityProviderStrategy).toEqual([{ capacityProvider: "orders-asg", base: 0, weight: 1 }]);
  });
  it("follows capacity provider → Auto Scaling group (by ARN) → instance types of the mixed instances policy", () => {
    expect(p.capacityProviders[0]).toMatchObject({
      name: "orders-asg",
      autoScalingGroup: {
        instanceTypes: ["m6i.large", "m5.large"],
        minSize: 1,
        maxSize: 12,
        desiredCapacity: 2,
        instancesDistribution: { onDemandBaseCapacity: 1, onDemandPercentageAboveBaseCapacity: 0 },
      },
      managedScaling: { status: "ENABLED", targetCapacity: 90, maximumScalingStepSize: 10 },
      managedTerminationProtection: "ENABLED",
    });
  });
  it("sizes a task without task-level cpu and memory by its containers, and finds the region in an ARN", () => {
    expect(p.task).toEqual({ cpu: 1024, memory: 1536, networkMode: "bridge" });
    expect(data.region).toBe("us-east-1");
    expect(p.placementStrategy).toEqual([
      { type: "spread", field: "attribute:ecs.availability-zone" },
      { type: "binpack", field: "cpu" },
    ]);
  });
});

describe("import --terraform: several services and bad input", () => {
  // Two services in one state: the plan's service added to the EC2 state.
  const both = JSON.parse(read(STATE));
  const plan = JSON.parse(read(PLAN));
  const mod = plan.planned_values.root_module.child_modules[0];
  both.values.root_module.child_modules = [mod];
  const text = JSON.stringify(both, null, 2);

  it("writes one platform per service, or the one --service names", () => {
    expect(Object.keys(scenarioOf(text, "two.json").data.platforms)).toEqual(["orders-api", "checkout"]);
    expect(Object.keys(scenarioOf(text, "two.json", "checkout").data.platforms)).toEqual(["checkout"]);
  });
  it("reports a value the scenario rejects at its place in the Terraform JSON", () => {
    const bad = read(PLAN).replace('"memory": "2048"', '"memory": "1000"');
    const line = bad.split("\n").findIndex((l) => l.includes('"memory": "1000"')) + 1;
    expect(() => scenarioOf(bad, "bad.json")).toThrowError(
      new RegExp(
        `^bad\\.json:${line}:27: module\\.checkout\\.aws_ecs_task_definition\\.this\\.memory: .*got 1000 MiB`,
      ),
    );
  });
  it("rejects JSON that is not terraform show output, and malformed JSON, with file:line:col", () => {
    expect(() => importTerraform('{"resources": []}', "x.json")).toThrowError(
      /^x\.json:1:1: expected the output of `terraform show -json`/,
    );
    expect(() => importTerraform('{\n  "values": {\n    "root_module": [,]\n  }\n}', "y.json")).toThrowError(
      /^y\.json:\d+:\d+: invalid JSON/,
    );
    let err: unknown;
    try {
      importTerraform('{"values": {"root_module": {"resources": []}}}', "empty.json");
      writeImportedScenario(importTerraform('{"values": {"root_module": {"resources": []}}}', "empty.json"), {
        command: "t",
      });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    expect(String((err as Error).message)).toContain("no ECS service found");
  });
});

describe("scalesim import --terraform, as a user runs it", () => {
  it("writes a scenario that validate accepts and run runs", () => {
    const dir = mkdtempSync(join(tmpdir(), "scalesim-tf-"));
    const out = join(dir, "orders.yaml");
    const imp = cli(["import", "--terraform", STATE, "--out", out]);
    expect(imp.stderr).toBe("");
    expect(imp.status).toBe(0);
    expect(cli(["validate", out]).status).toBe(0);
    const run = cli(["run", out, "--json"]);
    expect(run.status).toBe(0);
    const summary = JSON.parse(run.stdout);
    expect(summary.platforms["orders-api"].checks.every((c: { ok: boolean }) => c.ok)).toBe(true);
    writeFileSync(join(dir, "done"), "");
  });
});
