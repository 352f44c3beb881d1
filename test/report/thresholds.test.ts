import { describe, expect, it } from "vitest";
import { isInputError } from "../../src/errors.js";
import { readReportDir } from "../../src/analysis/input.js";
import { compareOp, evaluateThresholds, formatThresholdResults } from "../../src/analysis/thresholds.js";
import { parseScenario } from "../../src/scenario/load.js";
import {
  parseThresholdExpr,
  THRESHOLD_METRIC_NAMES,
  type ThresholdsSpec,
} from "../../src/scenario/thresholds.js";

const fixture = readReportDir(new URL("./fixtures/two-platforms", import.meta.url).pathname).summary!;

describe("threshold expressions", () => {
  it.each([
    ["< 400", "ms", { op: "<", value: 400 }],
    ["<=400ms", "ms", { op: "<=", value: 400 }],
    ["< 0.4s", "ms", { op: "<", value: 400 }],
    [">= 99%", "ratio", { op: ">=", value: 0.99 }],
    [">= 0.99", "ratio", { op: ">=", value: 0.99 }],
    ["< $500", "usd", { op: "<", value: 500 }],
    ["== 0", "count", { op: "==", value: 0 }],
    ["!= 3", "count", { op: "!=", value: 3 }],
    ["> 40%", "percent", { op: ">", value: 40 }],
    ["< 1e3", "ms", { op: "<", value: 1000 }],
  ] as const)("%s (%s)", (text, unit, want) => {
    const p = parseThresholdExpr(text, unit);
    expect(typeof p).toBe("object");
    expect(p).toMatchObject(want);
  });

  it.each([
    ["400", "ms", "not a threshold expression"],
    ["=< 400", "ms", "not a threshold expression"],
    ["< 400ms", "count", "time unit only fits latency"],
    ["< $5", "ms", "$ sign only fits cost"],
    ["< 5%", "usd", "% only fits"],
  ] as const)("rejects %s for a %s metric", (text, unit, message) => {
    const p = parseThresholdExpr(text, unit);
    expect(typeof p).toBe("string");
    expect(p).toContain(message);
  });

  it("compares as k6 does: strict and non-strict", () => {
    expect([
      compareOp(1, "<", 1),
      compareOp(1, "<=", 1),
      compareOp(2, ">", 1),
      compareOp(1, ">=", 1),
      compareOp(0, "==", 0),
      compareOp(0, "!=", 0),
    ]).toEqual([false, true, true, true, true, false]);
  });
});

describe("evaluateThresholds", () => {
  const spec = (s: Record<string, Record<string, string>>): ThresholdsSpec =>
    parseScenario(scenarioWith(s)).thresholds as ThresholdsSpec;

  it("applies '*' to every platform and names the actual value", () => {
    const results = evaluateThresholds(
      spec({ "*": { p99LatencyMs: "< 300ms" }, x86: { monthlyCostUsd: "< $100" } }),
      fixture,
    );
    expect(results.map((r) => [r.platform, r.metric, r.ok])).toEqual([
      ["x86", "p99LatencyMs", true],
      ["x86", "monthlyCostUsd", false],
      ["arm", "p99LatencyMs", false],
    ]);
    expect(results[1].actual).toBe(fixture.platforms.x86.cost.monthlyUsd);
    const text = formatThresholdResults(results);
    expect(text.split("\n")[0]).toBe("thresholds: 2 of 3 FAILED");
    expect(text).toContain("FAIL  x86.monthlyCostUsd < $100  (actual $204.19)");
  });

  it("every metric reads a finite number from a summary", () => {
    // ">= -1" holds for every metric; built directly, as units differ per metric.
    const spec: ThresholdsSpec = {
      x86: Object.fromEntries(
        THRESHOLD_METRIC_NAMES.map((m) => [m, [{ op: ">=", value: -1, text: ">= -1" }]]),
      ),
    };
    const results = evaluateThresholds(spec, fixture);
    expect(results).toHaveLength(THRESHOLD_METRIC_NAMES.length);
    for (const r of results) expect(Number.isFinite(r.actual), r.metric).toBe(true);
  });

  it("no thresholds: nothing to report", () => {
    expect(evaluateThresholds(undefined, fixture)).toEqual([]);
    expect(formatThresholdResults([])).toBe("");
  });
});

describe("thresholds in a scenario file", () => {
  function error(yaml: string): string {
    try {
      parseScenario(yaml, "s.yaml");
    } catch (e) {
      if (isInputError(e)) return e.message;
      throw e;
    }
    throw new Error("expected an InputError");
  }

  it("a bad expression points at its line and path", () => {
    expect(error(scenarioWith({ x86: { p99LatencyMs: "under 400" } }))).toMatch(
      /^s\.yaml:\d+:\d+: thresholds\.x86\.p99LatencyMs: "under 400" is not a threshold expression/,
    );
  });

  it("a misspelt metric gets a suggestion", () => {
    expect(error(scenarioWith({ x86: { p99LatencyMS: "< 400" } }))).toContain(
      'unknown field "p99LatencyMS" (did you mean "p99LatencyMs"?)',
    );
  });

  it("an unknown platform is named with the ones there are", () => {
    expect(error(scenarioWith({ fargate: { p99LatencyMs: "< 400" } }))).toMatch(
      /thresholds\.fargate: no platform named "fargate"; thresholds apply to x86, "\*"/,
    );
  });

  it("a list of expressions is accepted", () => {
    const s = parseScenario(scenarioWith({ x86: { p99LatencyMs: ["< 400", "> 1"] as unknown as string } }));
    expect(s.thresholds?.x86.p99LatencyMs?.map((e) => e.text)).toEqual(["< 400", "> 1"]);
  });
});

function scenarioWith(thresholds: Record<string, Record<string, string>>): string {
  return `name: t
duration: 10m
traffic: { synthetic: { shape: constant, rate: 10, interval: 1m } }
workload: { cpuPerRequest: 10ms, serviceTime: 20ms, concurrency: 8 }
slo: { latency: 300ms }
platforms:
  x86:
    kind: ecs-fargate
    task: { cpu: 256, memory: 512 }
    service: { desiredCount: 1, minCapacity: 1, maxCapacity: 2 }
thresholds: ${JSON.stringify(thresholds)}
`;
}
