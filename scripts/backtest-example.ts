/**
 * Writes the AWS-shaped history of scenarios/backtest/aws/ (see its SOURCE.md): a stand-in for a real
 * service, simulated with `fargate.pendingTime: 90s` (three times the default) and another seed, then
 * roughened as real exports are: two appended pages of activities, a failed and a manual activity,
 * Container Insights clocks 17 s off the minute and a ten-minute gap.
 *   node --import tsx scripts/backtest-example.ts
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { resolveAssumptions } from "../src/assumptions.js";
import { historyFiles } from "../src/backtest/history.js";
import { metricDataJson } from "../src/backtest/metric-data.js";
import { taskEventsJsonl } from "../src/output/task-events.js";
import { loadScenario, parseScenario } from "../src/scenario/load.js";
import { simulate } from "../src/simulate.js";

const DIR = "scenarios/backtest";
const AWS = join(DIR, "aws");
const START = Date.parse("2026-03-02T06:00:00Z");

// 1. The traffic: a noisy 12-hour day, exported as the ALB's RequestCount.
const traffic = parseScenario(
  `name: traffic
seed: 11
duration: 12h
traffic: { synthetic: { shape: diurnal, base: 30, peak: 260, period: 12h, phase: 3h, noise: 0.08 } }
workload: { cpuPerRequest: 25ms, serviceTime: { distribution: lognormal, mean: 60ms, cv: 1.0 }, concurrency: 64 }
slo: { latency: 250ms, percentile: 99 }
platforms: { web: { kind: ecs-fargate, task: { cpu: 1024, memory: 2048 }, service: { desiredCount: 2, minCapacity: 2, maxCapacity: 40 } } }
`,
);
const t = await simulate(traffic);
writeFileSync(
  join(AWS, "requests.json"),
  metricDataJson(START, [
    { id: "requests", label: "RequestCount", values: t.platforms[0].minutes.columns.arrived },
  ]),
);

// 2. The "real" service: the user's scenario with slower image pulls and its own dice.
const user = loadScenario(join(DIR, "service.yaml"));
const real = {
  ...user,
  seed: 1234,
  assumptionValues: resolveAssumptions({ "fargate.pendingTime": 90_000 }),
  overriddenAssumptions: new Set(["fargate.pendingTime"]),
};
const res = await simulate(real);
const files = historyFiles(real, res);
const cols = res.platforms[0].minutes.columns;

// Activities: two pages (the first with a NextToken), plus a failed and a manual activity.
const acts = JSON.parse(files.activities).ScalingActivities as Record<string, unknown>[];
const extra = (at: string, to: number, code: string, cause: string, message: string) => ({
  ActivityId: `0000000${to}-aaaa-bbbb-cccc-${code === "Failed" ? "000000000001" : "000000000002"}`,
  ServiceNamespace: "ecs",
  ResourceId: acts[0].ResourceId,
  ScalableDimension: "ecs:service:DesiredCount",
  Description: `Setting desired count to ${to}.`,
  Cause: cause,
  StartTime: at,
  EndTime: at,
  StatusCode: code,
  StatusMessage: message,
});
acts.push(
  extra(
    "2026-03-02T07:12:41.512Z",
    9,
    "Failed",
    "monitor alarm TargetTracking-service/checkout/web-AlarmHigh-1 in state ALARM triggered policy cpu60",
    "Failed to set desired count to 9. Service is draining.",
  ),
  extra(
    "2026-03-02T17:30:05.000Z",
    3,
    "Successful",
    "user request update of min capacity to 3",
    "Successfully set desired count to 3. Change successfully fulfilled by ecs.",
  ),
);
acts.sort((a, b) => String(b.StartTime).localeCompare(String(a.StartTime)));
// The API lists the newest first; CLI v2 prints times as ISO 8601.
for (const a of acts)
  for (const k of ["StartTime", "EndTime"])
    if (typeof a[k] === "number") a[k] = new Date((a[k] as number) * 1000).toISOString();
const half = Math.ceil(acts.length / 2);
writeFileSync(
  join(AWS, "describe-scaling-activities.json"),
  `${JSON.stringify({ ScalingActivities: acts.slice(0, half), NextToken: "eyJwYWdlIjoyfQ==" }, null, 4)}\n${JSON.stringify({ ScalingActivities: acts.slice(half) }, null, 4)}\n`,
);

// Container Insights: clocks 17 s after the minute, ten minutes missing.
const SKEW = 17_000;
const gap = (v: ArrayLike<number>) => Array.from(v, (x, m) => (m >= 400 && m < 410 ? Number.NaN : x));
writeFileSync(
  join(AWS, "task-counts.json"),
  metricDataJson(START + SKEW, [
    { id: "desired", label: "DesiredTaskCount", values: gap(cols.desired) },
    { id: "running", label: "RunningTaskCount", values: gap(cols.running) },
  ]),
);
writeFileSync(
  join(AWS, "cpu.json"),
  metricDataJson(START + SKEW, [{ id: "cpu", label: "CPUUtilization", values: cols.cpuPercent }]),
);
const seconds = (v: ArrayLike<number>) => Array.from(v, (x) => x / 1000);
writeFileSync(
  join(AWS, "response-time.json"),
  metricDataJson(START, [
    { id: "avg", label: "TargetResponseTime Average", values: seconds(cols.latencyMeanMs) },
    { id: "p50", label: "TargetResponseTime p50", values: seconds(cols.p50Ms) },
    { id: "p99", label: "TargetResponseTime p99", values: seconds(cols.p99Ms) },
  ]),
);
writeFileSync(join(AWS, "task-events.jsonl"), taskEventsJsonl(res));
console.log(`wrote ${AWS}: ${acts.length} activities, ${res.platforms[0].minutes.minutes} minutes`);
