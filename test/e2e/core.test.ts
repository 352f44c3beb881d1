import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { run } from "../../src/api.js";
import { loadScenario, parseScenario } from "../../src/scenario/load.js";
import { cli, REPO_ROOT } from "../helpers/cli.js";

const EXAMPLE = join(REPO_ROOT, "scenarios/checkout-api.yaml");

/** A one-platform Fargate scenario on synthetic traffic. */
function stepScenario(
  extra = "",
  traffic = "synthetic: { shape: step, base: 10, to: 100, at: 30m }",
  duration = "2h",
): string {
  return `
name: step
seed: 1
duration: ${duration}
traffic:
  ${traffic}
workload:
  cpuPerRequest: 25ms
  serviceTime: { distribution: lognormal, mean: 60ms, cv: 1.0 }
  concurrency: 64
  timeout: 10s
slo: { latency: 400ms, percentile: 99 }
${extra}
platforms:
  fargate:
    kind: ecs-fargate
    task: { cpu: 1024, memory: 2048 }
    service: { desiredCount: 2, minCapacity: 2, maxCapacity: 20 }
    scalingPolicies:
      - PolicyName: cpu60
        PolicyType: TargetTrackingScaling
        TargetTrackingScalingPolicyConfiguration:
          TargetValue: 60
          PredefinedMetricSpecification: { PredefinedMetricType: ECSServiceAverageCPUUtilization }
          ScaleOutCooldown: 60
          ScaleInCooldown: 300
`;
}

describe("the core example end to end", () => {
  it("runs, passes its invariant checks and reports every pinned summary field", async () => {
    const out = await run(loadScenario(EXAMPLE));
    const p = out.summary.platforms.fargate;
    for (const c of p.checks) expect(c, c.detail).toMatchObject({ ok: true });
    expect(Object.keys(p.cost)).toEqual(expect.arrayContaining(["totalUsd", "perMillionRequestsUsd"]));
    expect(Object.keys(p.requests)).toEqual(
      expect.arrayContaining(["arrived", "served", "dropped", "timedOut"]),
    );
    expect(Object.keys(p.latencyMs)).toEqual(["mean", "p50", "p90", "p95", "p99", "max"]);
    expect(Object.keys(p.slo)).toEqual(expect.arrayContaining(["attainment", "violationMinutes"]));
    expect(Object.keys(p.capacity)).toEqual(expect.arrayContaining(["min", "max", "mean", "taskHours"]));
    expect(Object.keys(p.scaling)).toEqual(["scaleOutEvents", "scaleInEvents"]);
    expect(out.summary).toMatchObject({ scenario: "checkout-api", seed: 7, durationSeconds: 3 * 86_400 });
    expect(out.summary.assumptions.length).toBeGreaterThan(5);
    // 3 days × 5 % of the WorldCup98 trace.
    expect(p.requests.arrived).toBeCloseTo(out.summary.traffic.totalRequests, 3);
    expect(p.capacity.min).toBeGreaterThanOrEqual(2);
    expect(p.scaling.scaleOutEvents).toBeGreaterThan(0);
    // Fargate cost follows from billed task-hours at 1 vCPU + 2 GB: $0.04937 per task-hour (W17); the ALB
    // in front bills 72 ALB-hours at $0.0225 on its own meter (docs/billing.md).
    const usd = (prefix: string) =>
      p.cost.meters.filter((m) => m.name.startsWith(prefix)).reduce((s, m) => s + m.usd, 0);
    expect(usd("fargate.")).toBeCloseTo(p.capacity.billedTaskHours * 0.04937, 2);
    expect(usd("alb.hours")).toBeCloseTo(72 * 0.0225, 6);
    expect(p.cost.totalUsd).toBeCloseTo(usd("fargate.") + usd("alb."), 6);
    // The series has one row per minute and the decisions log one JSON object per line.
    expect(out.files["series.csv"].trim().split("\n")).toHaveLength(1 + 3 * 1440);
    for (const line of out.files["decisions.jsonl"].trim().split("\n")) {
      expect(Object.keys(JSON.parse(line))).toEqual(
        expect.arrayContaining(["t", "platform", "controller", "action", "from", "to", "reason"]),
      );
    }
  });

  it("is deterministic: same scenario and seed give byte-identical files; another seed changes the draws", async () => {
    const s = loadScenario(EXAMPLE);
    const a = await run(s);
    const b = await run(s);
    expect(b.files).toEqual(a.files);
    const c = await run(s, { seed: 8 });
    expect(c.summary.seed).toBe(8);
    expect(c.files["summary.json"]).not.toEqual(a.files["summary.json"]);
  });
});

describe("target tracking timing (aws-semantics §1.3)", () => {
  it("a load step scales out exactly when the third breaching one-minute datapoint is published", async () => {
    const out = await run(parseScenario(stepScenario(), "step.yaml"));
    const decisions = out.result.platforms[0].decisions;
    const first = decisions.find((d) => d.action === "scale-out")!;
    // Step at 30 min; datapoints for minutes 30, 31, 32 are published at 31, 32, 33 min.
    expect(first.t).toBe(33 * 60);
    // 100 rps over 2 tasks at 25 ms CPU each saturates them: ceil(2 × 100 / 60) = 4.
    expect(first).toMatchObject({ from: 2, to: 4, running: 2 });
    expect(out.summary.platforms.fargate.checks.every((c) => c.ok)).toBe(true);
  });

  it("a publish delay moves the decision by exactly that delay", async () => {
    const out = await run(
      parseScenario(stepScenario("assumptions: { metrics.publishDelay: 90s }"), "step.yaml"),
    );
    const first = out.result.platforms[0].decisions.find((d) => d.action === "scale-out")!;
    expect(first.t).toBe(33 * 60 + 90);
  });

  it("scale-in waits for 15 datapoints below 0.9 × target", async () => {
    const out = await run(
      parseScenario(
        stepScenario("", "synthetic: { shape: step, base: 100, to: 10, at: 60m }", "3h").replace(
          "desiredCount: 2",
          "desiredCount: 8",
        ),
        "down.yaml",
      ),
    );
    const decisions = out.result.platforms[0].decisions;
    // Before the drop the 8 tasks run at 100/8 × 2.5 % = 31 % < 54 %: AlarmLow fires after 15 minutes.
    const firstIn = decisions.find((d) => d.action === "scale-in")!;
    expect(firstIn.t).toBe(15 * 60);
    // Each later scale-in is at least the 300 s scale-in cooldown after the previous one.
    const ins = decisions.filter((d) => d.action === "scale-in").map((d) => d.t);
    for (let i = 1; i < ins.length; i++) expect(ins[i] - ins[i - 1]).toBeGreaterThanOrEqual(300);
    expect(decisions.every((d) => d.to >= 2 && d.to <= 20)).toBe(true);
  });
});

describe("the CLI", () => {
  it("bad input: one line on stderr with file:line:col path, exit code 2, no output written", () => {
    const dir = mkdtempSync(join(tmpdir(), "scalesim-"));
    const bad = join(dir, "bad.yaml");
    writeFileSync(
      bad,
      readFileSync(EXAMPLE, "utf8").replace("cpu: 1024, memory: 2048", "cpu: 1024, memory: 1000"),
    );
    const r = cli(["run", bad, "--out", join(dir, "out")]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(
      /bad\.yaml:\d+:32: platforms\.fargate\.task\.memory: Fargate tasks with 1024 CPU units take memory/,
    );
    expect(r.stderr).not.toMatch(/\bat .*\.ts:\d+/);
    expect(existsSync(join(dir, "out"))).toBe(false);
  });

  it("a broken trace is reported with its line", () => {
    const dir = mkdtempSync(join(tmpdir(), "scalesim-"));
    writeFileSync(join(dir, "t.csv"), "timestamp,count\n2024-01-01 00:00:00,5\n2024-01-01 00:01:00,x\n");
    writeFileSync(join(dir, "s.yaml"), stepScenario("", "trace: t.csv"));
    const r = cli(["run", join(dir, "s.yaml")]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/t\.csv:3:\d+: traffic\.trace: count "x" in column "count" is not a number/);
  });

  it("run --json prints the summary and --out writes the three files", () => {
    const dir = mkdtempSync(join(tmpdir(), "scalesim-"));
    writeFileSync(join(dir, "s.yaml"), stepScenario());
    const r = cli(["run", join(dir, "s.yaml"), "--json", "--out", join(dir, "out")]);
    expect(r.status).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary.platforms.fargate.scaling.scaleOutEvents).toBeGreaterThan(0);
    for (const f of ["summary.json", "series.csv", "decisions.jsonl"])
      expect(existsSync(join(dir, "out", f))).toBe(true);
    expect(readFileSync(join(dir, "out", "summary.json"), "utf8")).toBe(r.stdout);
  });

  it("validate and schema", () => {
    expect(cli(["validate", EXAMPLE]).stdout).toMatch(/ok \(1 platform: fargate\)/);
    const schema = JSON.parse(cli(["schema"]).stdout);
    // Input shape: defaulted fields are not required.
    expect(schema.required).toEqual(
      expect.arrayContaining(["name", "traffic", "workload", "slo", "platforms"]),
    );
    expect(schema.required).not.toContain("seed");
  });
});
