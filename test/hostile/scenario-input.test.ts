/**
 * Hostile scenario files, run in-process through the CLI's own entry (`main`): each case writes a broken
 * variant of a valid base scenario into a temporary folder, runs `scalesim run FILE --out D` over a good
 * previous output in D, and checks the promise: exit 2, one stderr line located at the line and column
 * at fault, no stack trace, and D byte for byte as it was.
 */
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliInProcess } from "../helpers/cli-inprocess.js";
import {
  BASE,
  BASE_LINES,
  type Expected,
  expectBadInput,
  insertAt,
  snapshot,
  tempDir,
  valueCol,
  withLine,
} from "./corpus-helpers.js";

const dir = tempDir("hostile-scenario");
const previous = join(dir, "previous-run");
let before: Record<string, string>;

beforeAll(async () => {
  writeFileSync(join(dir, "base.yaml"), BASE);
  const r = await cliInProcess(["run", join(dir, "base.yaml"), "--out", previous, "--quiet"]);
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
  before = snapshot(previous);
  expect(Object.keys(before)).toEqual(["decisions.jsonl", "series.csv", "summary.json"]);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let counter = 0;
/** Write `text` as a fresh scenario file and run it over the previous output; check the promise. */
async function expectRejected(text: string | Buffer, want: Omit<Expected, "file">): Promise<void> {
  const file = join(dir, `case-${++counter}.yaml`);
  writeFileSync(file, text);
  const r = await cliInProcess(["run", file, "--out", previous, "--quiet"]);
  expectBadInput(r, { file, ...want });
  expect(snapshot(previous)).toEqual(before);
}

/** A case that replaces base line `n` by `text`; the error is expected at that line's value. */
type LineCase = [name: string, n: number, text: string, path: string, message?: string | RegExp];

const valueCases: LineCase[] = [
  ["empty name", 1, 'name: ""', "name"],
  ["negative seed", 2, "seed: -1", "seed"],
  ["fractional seed", 2, "seed: 1.5", "seed"],
  ["seed above 2^53", 2, "seed: 9007199254740993", "seed"],
  ["seed as text", 2, "seed: one", "seed"],
  ["zero duration", 3, "duration: 0s", "duration", "longer than 0"],
  ["negative duration", 3, "duration: -5m", "duration"],
  ["duration of 10^11 days", 3, "duration: 100000000000d", "duration", "366d"],
  ["duration beyond a leap year", 3, "duration: 400d", "duration", "366d"],
  ["duration without a unit", 3, "duration: 30", "duration", "bare number"],
  ["duration in parsecs", 3, "duration: 5 parsecs", "duration", "not a duration"],
  ["unknown engine mode", 5, "  mode: turbo", "engine.mode"],
  ["tick of 0 s", 6, "  tick: 0s", "engine.tick", "divide a minute"],
  ["tick of 7 s", 6, "  tick: 7s", "engine.tick", "divide a minute"],
  ["tick of 7000 ms", 6, "  tick: 7000ms", "engine.tick", "divide a minute"],
  ["tick of 45 s", 6, "  tick: 45s", "engine.tick", "divide a minute"],
  ["tick of an hour", 6, "  tick: 1h", "engine.tick", "divide a minute"],
  ["tick of 1.7 s", 6, "  tick: 1.7s", "engine.tick", "divide a minute"],
  ["unknown shape", 9, "    shape: square", "traffic.synthetic.shape"],
  ["negative rate", 10, "    rate: -1", "traffic.synthetic.rate"],
  ["rate of 1e308", 10, "    rate: 1e308", "traffic.synthetic.rate", "at most 1e12"],
  ["rate of 1e13", 10, "    rate: 1e13", "traffic.synthetic.rate", "at most 1e12"],
  ["rate .inf", 10, "    rate: .inf", "traffic.synthetic.rate"],
  ["rate .nan", 10, "    rate: .nan", "traffic.synthetic.rate"],
  ["rate as text", 10, "    rate: fast", "traffic.synthetic.rate"],
  ["interval of 0 s", 11, "    interval: 0s", "traffic.synthetic.interval", "longer than 0"],
  ["multiplier 0", 12, "  multiplier: 0", "traffic.multiplier"],
  ["negative multiplier", 12, "  multiplier: -2", "traffic.multiplier"],
  ["multiplier 1e308", 12, "  multiplier: 1e308", "traffic.multiplier", "at most 1e12"],
  ["multiplier .inf", 12, "  multiplier: .inf", "traffic.multiplier"],
  ["multiplier as text", 12, "  multiplier: twice", "traffic.multiplier"],
  ["cpuPerRequest as text", 14, "  cpuPerRequest: fast", "workload.cpuPerRequest"],
  ["negative cpuPerRequest", 14, "  cpuPerRequest: -5ms", "workload.cpuPerRequest"],
  ["serviceTime without unit", 15, "  serviceTime: 60", "workload.serviceTime"],
  ["concurrency 0", 16, "  concurrency: 0", "workload.concurrency"],
  ["fractional concurrency", 16, "  concurrency: 1.5", "workload.concurrency"],
  ["negative concurrency", 16, "  concurrency: -3", "workload.concurrency"],
  ["timeout of 0 s", 17, "  timeout: 0s", "workload.timeout", "longer than 0"],
  ["timeout of 0 ms", 17, "  timeout: 0ms", "workload.timeout", "longer than 0"],
  ["timeout bare 0", 17, "  timeout: 0", "workload.timeout", "longer than 0"],
  ["cpuIdle above 1", 18, "  cpuIdle: 2", "workload.cpuIdle"],
  ["unknown server model", 19, "  model: magic", "workload.model"],
  ["SLO latency 0 ms", 21, "  latency: 0ms", "slo.latency", "longer than 0"],
  ["SLO latency 0 s", 21, "  latency: 0s", "slo.latency", "longer than 0"],
  ["percentile 0", 22, "  percentile: 0", "slo.percentile"],
  ["percentile 100", 22, "  percentile: 100", "slo.percentile"],
  ["percentile 150", 22, "  percentile: 150", "slo.percentile"],
  ["unknown platform kind", 25, "    kind: ecs-lambda", "platforms.fargate.kind", "unknown kind"],
  ["Fargate cpu 3 units", 27, "      cpu: 3", "platforms.fargate.task.cpu", "no task size"],
  ["Fargate memory that does not go with the cpu", 28, "      memory: 512", "platforms.fargate.task.memory"],
  ["Fargate memory as text", 28, "      memory: lots", "platforms.fargate.task.memory"],
  ["negative desiredCount", 30, "      desiredCount: -1", "platforms.fargate.service.desiredCount"],
  [
    "minCapacity above maxCapacity",
    31,
    "      minCapacity: 30",
    "platforms.fargate.service.minCapacity",
    "exceeds maxCapacity",
  ],
  ["maxCapacity as text", 32, "      maxCapacity: ten", "platforms.fargate.service.maxCapacity"],
  [
    "health check every 0 s",
    34,
    "      healthCheckInterval: 0s",
    "platforms.fargate.loadBalancer.healthCheckInterval",
    "5s to 300s",
  ],
  [
    "health check every 4 s",
    34,
    "      healthCheckInterval: 4s",
    "platforms.fargate.loadBalancer.healthCheckInterval",
    "5s to 300s",
  ],
  [
    "health check every 301 s",
    34,
    "      healthCheckInterval: 301s",
    "platforms.fargate.loadBalancer.healthCheckInterval",
    "5s to 300s",
  ],
  [
    "health check every 5.5 s",
    34,
    "      healthCheckInterval: 5500ms",
    "platforms.fargate.loadBalancer.healthCheckInterval",
    "whole seconds",
  ],
  [
    "unknown policy type",
    37,
    "        PolicyType: MagicScaling",
    "platforms.fargate.scalingPolicies[0].PolicyType",
  ],
  [
    "TargetValue as text",
    39,
    "          TargetValue: high",
    "platforms.fargate.scalingPolicies[0].TargetTrackingScalingPolicyConfiguration.TargetValue",
  ],
  [
    "unknown predefined metric",
    41,
    "            PredefinedMetricType: ECSServiceAverageDiskIO",
    "platforms.fargate.scalingPolicies[0].TargetTrackingScalingPolicyConfiguration.PredefinedMetricSpecification.PredefinedMetricType",
  ],
];

describe("a bad value is reported at its line and column", () => {
  it.each(valueCases)("%s", async (_name, n, text, path, message) => {
    await expectRejected(withLine(n, text), { line: n, col: valueCol(text), path, message });
  });
});

/** A case that inserts `text` before base line `n`; the error is expected at line `at`, column `col`. */
type InsertCase = [
  name: string,
  n: number,
  text: string,
  at: number,
  col: number,
  path: string,
  message?: string,
];

const keyCases: InsertCase[] = [
  ["misspelt top-level key", 2, "nmae: x", 2, 1, "nmae", 'did you mean "name"'],
  ["unknown workload key", 14, "  threads: 4", 14, 3, "workload.threads"],
  ["unknown engine key", 6, "  speed: 2", 6, 3, "engine.speed"],
  ["unknown platform key", 26, "    colour: blue", 26, 5, "platforms.fargate.colour"],
  ["unknown service key", 31, "      desired: 3", 31, 7, "platforms.fargate.service.desired"],
  ["unknown load balancer key", 35, "      interval: 30s", 35, 7, "platforms.fargate.loadBalancer.interval"],
  ["unknown synthetic key", 11, "    burst: 5", 11, 5, "traffic.synthetic.burst"],
  ["unknown slo key", 22, "  p: 99", 22, 3, "slo.p"],
  ["unknown assumption", 23, "assumptions:\n  nonsense.value: 3", 24, 19, "assumptions.nonsense.value"],
  [
    "assumption of the wrong type",
    23,
    "assumptions:\n  fargate.provisioningTime: 30",
    24,
    29,
    "assumptions.fargate.provisioningTime",
  ],
  [
    "window start with synthetic traffic",
    12,
    "  window: { start: 2020-01-01T00:00:00Z }",
    12,
    20,
    "traffic.window.start",
  ],
  ["window of 0 s", 12, "  window: { duration: 0s }", 12, 23, "traffic.window.duration"],
  [
    "platform name with a space",
    42,
    "  far gate:\n    kind: ecs-fargate\n    task: { cpu: 256, memory: 512 }\n    service: { desiredCount: 1, minCapacity: 1, maxCapacity: 2 }",
    42,
    3,
    "platforms.far gate",
    "platform names",
  ],
  [
    "platform name with a slash",
    42,
    "  a/b:\n    kind: ecs-fargate\n    task: { cpu: 256, memory: 512 }\n    service: { desiredCount: 1, minCapacity: 1, maxCapacity: 2 }",
    42,
    3,
    "platforms.a/b",
    "platform names",
  ],
];

describe("an unknown or misplaced key is reported at the key", () => {
  it.each(keyCases)("%s", async (_name, n, text, at, col, path, message) => {
    await expectRejected(insertAt(n, text), { line: at, col, path, message });
  });
});

const yamlCases: [
  name: string,
  text: string | Buffer,
  line: number,
  col: number | undefined,
  message: string | RegExp,
][] = [
  ["unterminated double quote", withLine(1, 'name: "hostile'), 1, 7, "invalid YAML"],
  ["unterminated single quote", withLine(1, "name: 'hostile"), 1, 7, "invalid YAML"],
  ["unterminated quote in the middle", withLine(17, '  timeout: "10s'), 17, 12, "invalid YAML"],
  ["alias without an anchor", withLine(1, "name: *nope"), 1, 7, "alias *nope has no anchor"],
  ["alias used before its anchor", withLine(1, "name: *later") + "x: &later y\n", 1, 7, "no anchor"],
  [
    "alias bomb",
    `a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n${BASE}`,
    2,
    undefined,
    "alias bomb",
  ],
  ["duplicate key", insertAt(3, "seed: 2"), 3, 1, /invalid YAML/],
  ["tab indentation", withLine(17, "\ttimeout: 10s"), 17, undefined, "invalid YAML"],
  ["unclosed flow map", withLine(21, "  latency: { a: 1"), 21, 12, "invalid YAML"],
  ["unclosed flow sequence", withLine(21, "  latency: [1, 2"), 21, 12, "invalid YAML"],
  ["a list instead of a mapping", "- name: x\n- seed: 1\n", 1, 1, "a scenario is a YAML mapping"],
  ["a bare scalar", "just text\n", 1, 1, "a scenario is a YAML mapping"],
  ["an empty file", "", 1, 1, "a scenario is a YAML mapping"],
  ["only a comment", "# nothing here\n", 1, 1, "a scenario is a YAML mapping"],
  [
    "UTF-16 little-endian with BOM",
    Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(BASE, "utf16le")]),
    1,
    1,
    "UTF-16",
  ],
  [
    "UTF-16 big-endian with BOM",
    Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(BASE, "utf16le").swap16()]),
    1,
    1,
    "UTF-16",
  ],
  ["UTF-16 without BOM", Buffer.from(BASE, "utf16le"), 1, 2, "NUL bytes"],
  ["a NUL byte on line 3", Buffer.from(withLine(3, "duration: 30m\u0000")), 3, 14, "NUL bytes"],
];

describe("YAML that cannot be read is reported where the problem starts", () => {
  it.each(yamlCases)("%s", async (_name, text, line, col, message) => {
    await expectRejected(text, { line, col, message });
  });
});

describe("what held keeps holding", () => {
  it.each([
    ["CRLF line ends", BASE.replace(/\n/g, "\r\n")],
    ["a UTF-8 byte-order mark", `\ufeff${BASE}`],
  ])("%s are accepted", async (_name, text) => {
    const file = join(dir, `ok-${++counter}.yaml`);
    writeFileSync(file, text);
    const r = await cliInProcess(["validate", file]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
  });

  it("a valid scenario's lines are where the corpus expects them", () => {
    expect(BASE_LINES[16]).toBe("  timeout: 10s");
    expect(BASE_LINES[33]).toBe("      healthCheckInterval: 30s");
  });
});

describe("a schedule's bad field is reported on its own line", () => {
  const nightly = readFileSync(new URL("../../scenarios/nightly-batch.yaml", import.meta.url), "utf8");
  const lines = nightly.split("\n");
  const zoneLine = lines.findIndex((l) => l.includes("ScheduleExpressionTimezone: Europe/Berlin")) + 1;

  it("an unknown ScheduleExpressionTimezone, not the ScheduleExpression above it", async () => {
    const text = nightly.replace(
      "ScheduleExpressionTimezone: Europe/Berlin",
      "ScheduleExpressionTimezone: Mars/Olympus",
    );
    const col = lines[zoneLine - 1].indexOf("Europe/Berlin") + 1;
    // The trace the scenario names is beside it in the repository; the copy must find it too.
    const file = join(dir, `schedule-${++counter}.yaml`);
    writeFileSync(
      file,
      text.replace(
        /trace: traces\//g,
        `trace: ${new URL("../../scenarios/traces/", import.meta.url).pathname}`,
      ),
    );
    const r = await cliInProcess(["validate", file]);
    expectBadInput(r, { file, line: zoneLine, col, message: 'unknown time zone "Mars/Olympus"' });
    expect(r.stderr).toContain("ScheduleExpressionTimezone: ");
  });
});
