import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { importCloudFormation } from "../../src/scenario/import/cloudformation.js";
import { writeImportedScenario } from "../../src/scenario/import/write-scenario.js";
import { parseScenario } from "../../src/scenario/load.js";
import { cli } from "../helpers/cli.js";

// A template as users write them: short-form tags (!Ref, !Sub, !GetAtt, !Join, !If, !FindInMap), parameters
// with defaults, a condition, a mapping, scheduled actions inside the ScalableTarget, and a step policy
// invoked by an alarm's AlarmActions. The JSON file is the same template in long form.
// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference.html
const YAML_TPL = "test/fixtures/import/service.cfn.yaml";
const JSON_TPL = "test/fixtures/import/service.cfn.json";
const lineOf = (text: string, needle: string) => text.split("\n").findIndex((l) => l.includes(needle)) + 1;

function load(file: string, opts: Parameters<typeof importCloudFormation>[2] = { region: "us-east-1" }) {
  const r = importCloudFormation(readFileSync(file, "utf8"), file, opts);
  const yaml = writeImportedScenario(r, { command: "test" });
  parseScenario(yaml, "imported.yaml"); // validates
  return { r, yaml, p: (parse(yaml) as Record<string, any>).platforms["payments-api"] };
}

describe.each([YAML_TPL, JSON_TPL])("import --cloudformation %s", (file) => {
  const { p, r } = load(file);
  it("resolves parameters' defaults, Fn::FindInMap and the Fn::If of a condition on a parameter", () => {
    expect(p.kind).toBe("ecs-fargate");
    expect(p.task).toEqual({ cpu: 512, memory: 1024, architecture: "x86_64" });
    expect(p.service).toEqual({ desiredCount: 3, minCapacity: 3, maxCapacity: 24 });
    expect(p.capacityProviderStrategy).toEqual([
      { capacityProvider: "FARGATE", base: 2, weight: 1 },
      { capacityProvider: "FARGATE_SPOT", base: 0, weight: 3 },
    ]);
  });
  it("reads target group attributes and links the service to its target group by !Ref", () => {
    expect(p.loadBalancer).toEqual({
      healthCheckInterval: "20s",
      healthyThreshold: 2,
      deregistrationDelay: "30s",
      slowStart: "60s",
    });
  });
  it("links the scalable target through !Join of !Ref Cluster and !GetAtt Service.Name, and the alarm to its policy", () => {
    expect(p.scheduledActions.map((a: { ScheduledActionName: string }) => a.ScheduledActionName)).toEqual([
      "weekday-morning",
      "weekday-evening",
    ]);
    expect(p.scalingPolicies[0].PolicyName).toBe("prod-payments-requests"); // !Sub "${EnvironmentName}-…"
    const step = p.scalingPolicies[1];
    expect(step.StepScalingPolicyConfiguration.StepAdjustments[1]).toEqual({
      MetricIntervalLowerBound: 20,
      ScalingAdjustment: 100,
    });
    expect(step.Alarm).toMatchObject({
      AlarmName: "payments-cpu-high",
      DatapointsToAlarm: 2,
      Dimensions: [
        { Name: "ClusterName", Value: "prod-payments" },
        { Name: "ServiceName", Value: "payments-api" },
      ],
    });
  });
  it("reports what only a deployment decides, with the template's line and column", () => {
    const text = readFileSync(file, "utf8");
    const imageLine = lineOf(text, file.endsWith(".yaml") ? "Image: !Sub" : '"Image": {');
    expect(
      r.unresolved.some((u) => u.includes("parameter ImageTag has no Default") && u.includes(`${file}:`)),
    ).toBe(true);
    expect(r.unresolved.find((u) => u.includes("ImageTag"))).toMatch(
      new RegExp(
        `^TaskDefinition\\.ContainerDefinitions\\.0\\.Image \\(${file.replace(/\./g, "\\.")}:${imageLine}:\\d+\\)`,
      ),
    );
    expect(
      r.unresolved.some((u) =>
        u.includes("LoadBalancer.LoadBalancerFullName is known only after deployment"),
      ),
    ).toBe(true);
    expect(r.unsupported).toEqual(["TaskRole (AWS::IAM::Role)"]);
  });
});

describe("import --cloudformation options and errors", () => {
  it("--parameter overrides a default and changes the condition's branch", () => {
    const { p } = load(YAML_TPL, {
      region: "us-east-1",
      parameters: { UseSpot: "false", EnvironmentName: "staging" },
    });
    expect(p.capacityProviderStrategy).toEqual([{ capacityProvider: "FARGATE", base: 0, weight: 1 }]);
    expect(p.service.maxCapacity).toBe(4);
  });
  it("without --region says so and writes us-east-1", () => {
    const r = importCloudFormation(readFileSync(YAML_TPL, "utf8"), YAML_TPL);
    expect(r.unresolved.some((u) => u.startsWith("region: a template does not name one"))).toBe(true);
  });
  it("a broken template is one line with file:line:col", () => {
    expect(() => importCloudFormation("Resources:\n  A: [\n", "t.yaml")).toThrowError(
      /^t\.yaml:\d+:\d+: invalid template/,
    );
    expect(() => importCloudFormation("Parameters: {}\n", "t.yaml")).toThrowError(
      /^t\.yaml:1:1: expected a CloudFormation template/,
    );
  });
  it("a resource value the scenario rejects is reported in the template", () => {
    const text = readFileSync(YAML_TPL, "utf8").replace(
      "HealthyThresholdCount: 2",
      "HealthyThresholdCount: 11",
    );
    const r = importCloudFormation(text, "tpl.yaml", { region: "us-east-1" });
    expect(() => writeImportedScenario(r, { command: "t" })).toThrowError(
      new RegExp(
        `^tpl\\.yaml:${lineOf(text, "HealthyThresholdCount: 11")}:\\d+: TargetGroup\\.HealthyThresholdCount: `,
      ),
    );
  });
  it("scalesim import --cloudformation writes a scenario that runs", () => {
    const out = join(mkdtempSync(join(tmpdir(), "scalesim-cfn-")), "payments.yaml");
    const imp = cli(["import", "--cloudformation", YAML_TPL, "--region", "us-east-1", "--out", out]);
    expect(imp.stderr).toBe("");
    expect(imp.status).toBe(0);
    expect(readFileSync(out, "utf8")).toContain("# Not resolved");
    const run = cli(["run", out, "--json"]);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
  });
});
