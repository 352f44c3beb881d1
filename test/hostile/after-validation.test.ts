/**
 * Errors found after the schema (loading a trace, generating synthetic traffic, cutting a window, reading
 * AWS exports or a sweep's base): located at the line of the scenario that names the file or value, in
 * the user's field names, and the same through `validate` as through `run` (validate checks everything
 * run checks short of simulating). Each run is over a good previous output, which must stay as it was.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliInProcess } from "../helpers/cli-inprocess.js";
import { BASE, BASE_LINES, expectBadInput, insertAt, snapshot, tempDir } from "./corpus-helpers.js";

const dir = tempDir("hostile-after");
const previous = join(dir, "previous-run");
let before: Record<string, string>;

/** The base scenario with its traffic block (lines 7–12) replaced by `traffic` and its duration line by `duration`. */
function withTraffic(
  traffic: string[],
  duration: string | null = "duration: 30m",
): { text: string; lines: string[] } {
  const lines = [
    ...BASE_LINES.slice(0, 2),
    ...(duration ? [duration] : []),
    ...BASE_LINES.slice(3, 6),
    "traffic:",
    ...traffic,
    ...BASE_LINES.slice(12),
  ];
  return { text: `${lines.join("\n")}\n`, lines };
}
const lineOf = (lines: string[], needle: string) => lines.findIndex((l) => l.includes(needle)) + 1;

const csv = (rows: string[]) => `timestamp,count\n${rows.join("\n")}\n`;
const minutes = (counts: (number | string)[]) =>
  counts.map((c, i) => `2020-01-01T00:${String(i).padStart(2, "0")}:00Z,${c}`);

beforeAll(async () => {
  writeFileSync(join(dir, "base.yaml"), BASE);
  const r = await cliInProcess(["run", join(dir, "base.yaml"), "--out", previous, "--quiet"]);
  expect(r.status).toBe(0);
  before = snapshot(previous);
  writeFileSync(join(dir, "ten.csv"), csv(minutes([100, 100, 100, 100, 100, 100, 100, 100, 100, 100])));
  writeFileSync(join(dir, "ten-thousand.csv"), csv(minutes([10_000, 10_000, 10_000])));
  writeFileSync(join(dir, "one-row.csv"), csv(minutes([10])));
  writeFileSync(join(dir, "huge.csv"), csv(minutes([100, "1e308", 100])));
  writeFileSync(join(dir, "negative.csv"), csv(minutes([100, -5, 100])));
  writeFileSync(join(dir, "word.csv"), csv(minutes([100, "many", 100])));
  writeFileSync(join(dir, "empty.csv"), "");
  writeFileSync(join(dir, "header-only.csv"), "timestamp,count\n");
  writeFileSync(join(dir, "utf16.csv"), Buffer.from(csv(minutes([1, 2, 3])), "utf16le"));
  writeFileSync(
    join(dir, "nocount.csv"),
    "timestamp,requests\n2020-01-01T00:00:00Z,1\n2020-01-01T00:01:00Z,1\n",
  );
  mkdirSync(join(dir, "a-folder.csv"));
  writeFileSync(
    join(dir, "bad-policies.json"),
    '{\n  "ScalingPolicies": [\n    {"PolicyName": "a",\n     "x": }\n  ]\n}\n',
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let counter = 0;
type Case = {
  name: string;
  doc: { text: string; lines: string[] };
  /** Text on the line the error must point at (in the scenario), or a trace file position. */
  at: { needle: string; col?: number } | { file: string; line: number; col?: number };
  path?: string;
  message?: string | RegExp;
};

const synthetic = (extra: string, duration: string | null = "duration: 30m") =>
  withTraffic(["  synthetic:", "    shape: constant", "    rate: 20", ...(extra ? [extra] : [])], duration);
const trace = (file: string, extra: string[] = []) => withTraffic([`  trace: ${file}`, ...extra], null);

const cases: Case[] = [
  {
    name: "a missing trace file",
    doc: trace("nothere.csv"),
    at: { needle: "trace: nothere.csv", col: 10 },
    path: "traffic.trace",
    message: "trace file not found: nothere.csv",
  },
  {
    name: "a trace that is a folder",
    doc: trace("a-folder.csv"),
    at: { needle: "trace: a-folder.csv", col: 10 },
    path: "traffic.trace",
    message: "not found",
  },
  {
    name: "a trace in another folder that is missing",
    doc: trace("../nowhere/t.csv"),
    at: { needle: "trace: ../nowhere", col: 10 },
    path: "traffic.trace",
  },
  {
    name: "a count of 1e308 in the trace",
    doc: trace("huge.csv"),
    at: { file: "huge.csv", line: 3 },
    path: "traffic.trace",
    message: "exceeds",
  },
  {
    name: "a negative count in the trace",
    doc: trace("negative.csv"),
    at: { file: "negative.csv", line: 3 },
    path: "traffic.trace",
    message: "negative",
  },
  {
    name: "a word for a count",
    doc: trace("word.csv"),
    at: { file: "word.csv", line: 3 },
    path: "traffic.trace",
    message: "not a number",
  },
  {
    name: "an empty trace",
    doc: trace("empty.csv"),
    at: { file: "empty.csv", line: 1, col: 1 },
    message: "no data rows",
  },
  {
    name: "a trace with a header only",
    doc: trace("header-only.csv"),
    at: { file: "header-only.csv", line: 1, col: 1 },
    message: "no data rows",
  },
  {
    name: "a trace with one data row",
    doc: trace("one-row.csv"),
    at: { file: "one-row.csv", line: 2, col: 1 },
    message: "add the next interval's row",
  },
  { name: "a UTF-16 trace", doc: trace("utf16.csv"), at: { file: "utf16.csv", line: 1 }, message: /./ },
  {
    name: "a trace without the count column",
    doc: trace("nocount.csv"),
    at: { file: "nocount.csv", line: 1 },
    message: "count",
  },
  {
    name: "a window outside the trace",
    doc: trace("ten.csv", ["  window: { start: 2021-01-01T00:00:00Z, duration: 5m }"]),
    at: { needle: "window:", col: 11 },
    path: "traffic.window",
    message: "falls outside the trace",
  },
  {
    name: "a window longer than the trace",
    doc: trace("ten.csv", ["  window: { start: 2020-01-01T00:00:00Z, duration: 1h }"]),
    at: { needle: "window:", col: 11 },
    path: "traffic.window",
    message: "falls outside the trace",
  },
  {
    name: "a window off the trace's minute grid",
    doc: trace("ten.csv", ["  window: { start: 2020-01-01T00:00:30Z, duration: 5m }"]),
    at: { needle: "window:", col: 11 },
    path: "traffic.window",
    message: "grid",
  },
  {
    name: "a multiplier that overflows the counts",
    doc: trace("ten-thousand.csv", ["  multiplier: 1e12"]),
    at: { needle: "multiplier:", col: 15 },
    path: "traffic.multiplier",
    message: "at most",
  },
  {
    name: "a duration that is not whole intervals",
    doc: synthetic("    interval: 7s"),
    at: { needle: "duration: 30m", col: 11 },
    path: "duration",
    message: "whole number of 7000 ms steps",
  },
  {
    name: "too many intervals (1 ms for a year)",
    doc: synthetic("    interval: 1ms", "duration: 366d"),
    at: { needle: "duration: 366d", col: 11 },
    path: "duration",
    message: "intervals",
  },
  {
    name: "synthetic traffic without a duration",
    doc: synthetic("", null),
    at: { needle: "name:", col: 1 },
    path: "duration",
    message: "needs a duration",
  },
  {
    name: "a rate at the limit with a day-long interval",
    doc: withTraffic(
      ["  synthetic:", "    shape: constant", "    rate: 1e12", "    interval: 1d"],
      "duration: 2d",
    ),
    at: { needle: "shape: constant", col: 5 },
    path: "traffic.synthetic",
    message: "at most",
  },
];

/** The same cases through both commands: validate must reject what run rejects, with the same line. */
describe.each(["run", "validate"])("%s rejects what cannot be simulated, at its line", (command) => {
  it.each(cases.map((c) => [c.name, c] as const))("%s", async (_name, c) => {
    const file = join(dir, `case-${++counter}.yaml`);
    writeFileSync(file, c.doc.text);
    const args = command === "run" ? ["run", file, "--out", previous, "--quiet"] : ["validate", file];
    const r = await cliInProcess(args);
    if ("needle" in c.at) {
      expectBadInput(r, {
        file,
        line: lineOf(c.doc.lines, c.at.needle),
        col: c.at.col,
        path: c.path,
        message: c.message,
      });
    } else {
      expectBadInput(r, {
        file: c.at.file,
        line: c.at.line,
        col: c.at.col,
        path: c.path,
        message: c.message,
      });
    }
    expect(snapshot(previous)).toEqual(before);
  });
});

describe("file references inside a scenario", () => {
  const fromAws = (ref: string) =>
    `${BASE_LINES.slice(0, 34).join("\n")}\n    scalingPolicies: { fromAws: ${ref} }\n`;

  it("a region without a pinned ALB price is reported at its region: line, with the fix", async () => {
    const file = join(dir, "alb-region.yaml");
    writeFileSync(file, insertAt(2, "region: eu-central-1"));
    const r = await cliInProcess(["run", file, "--out", join(dir, "alb-region-out"), "--quiet"]);
    expectBadInput(r, {
      file,
      line: 2,
      col: 9,
      path: "region",
      message:
        /no pinned Application Load Balancer prices for eu-central-1 \(pinned: us-east-1\); set billing\.loadBalancer\.pricing/,
    });
  });

  it("a region without a pinned EBS gp3 price is reported at its region: line, with the fix", async () => {
    const file = join(dir, "ebs-region.yaml");
    const ec2 = [
      "  ec2:",
      "    kind: ecs-ec2",
      "    task: { cpu: 1024, memory: 2048 }",
      "    service: { desiredCount: 1, minCapacity: 1, maxCapacity: 2 }",
      "    capacityProviders:",
      "      - name: cp",
      "        autoScalingGroup: { instanceTypes: [m5.large], minSize: 1, maxSize: 2, desiredCapacity: 1 }",
    ];
    const lines = [...BASE_LINES.slice(0, 1), "region: me-central-1", ...BASE_LINES.slice(1, 23), ...ec2];
    writeFileSync(file, `${lines.join("\n")}\nbilling: { loadBalancer: { include: false } }\n`);
    const r = await cliInProcess(["run", file, "--out", join(dir, "ebs-region-out"), "--quiet"]);
    expectBadInput(r, {
      file,
      line: 2,
      col: 9,
      path: "region",
      message: /no pinned EBS gp3 price for me-central-1/,
    });
  });

  it("a missing fromAws file is reported at the line naming it", async () => {
    const file = join(dir, "fromaws-missing.yaml");
    writeFileSync(file, fromAws("nothere.json"));
    const r = await cliInProcess(["validate", file]);
    expectBadInput(r, {
      file,
      line: 35,
      col: 33,
      path: "platforms.fargate.scalingPolicies.fromAws",
      message: "file not found: nothere.json",
    });
  });

  it("a malformed fromAws file is reported inside the JSON, at the token", async () => {
    const file = join(dir, "fromaws-bad.yaml");
    writeFileSync(file, fromAws("bad-policies.json"));
    const r = await cliInProcess(["validate", file]);
    expectBadInput(r, { file: "bad-policies.json", line: 4, col: 11, message: "invalid JSON" });
  });

  it("a sweep whose base file is missing is reported at its base: line", async () => {
    const file = join(dir, "sweep-missing-base.yaml");
    writeFileSync(
      file,
      "# a sweep\nbase: nothere.yaml\nsweep:\n  matrix:\n    workload.concurrency: [8, 16]\n",
    );
    const r = await cliInProcess(["sweep", file, "--list"]);
    expectBadInput(r, { file, line: 2, col: 7, path: "base", message: "not found" });
  });

  it("a sweep whose base file has an alias bomb is reported in the base", async () => {
    const base = join(dir, "bomb-base.yaml");
    writeFileSync(
      base,
      `a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n${BASE}`,
    );
    const file = join(dir, "sweep-bomb.yaml");
    writeFileSync(file, "base: bomb-base.yaml\nsweep:\n  matrix:\n    workload.concurrency: [8, 16]\n");
    const r = await cliInProcess(["sweep", file, "--list"]);
    expectBadInput(r, { file: base, line: 2, message: "alias bomb" });
  });
});
