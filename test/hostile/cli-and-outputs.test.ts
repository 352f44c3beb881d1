/**
 * Command-line misuse, output destinations, JSON inputs, hangs and the desiredCount clamp, through the
 * CLI run in-process. Each bad case: exit 2, one stderr line (with a hint to run --help for misuse), the
 * file:line:col where a file is at fault, and a previous output folder left byte for byte as it was.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runProgress } from "../../src/cli/commands/run.js";
import { gallopDown } from "../../src/models/traffic/slo-demand.js";
import { listSweep } from "../../src/sweep/plan.js";
import { cliInProcess } from "../helpers/cli-inprocess.js";
import { BASE, BASE_LINES, expectBadInput, snapshot, tempDir, withLine } from "./corpus-helpers.js";

const dir = tempDir("hostile-cli");
const previous = join(dir, "previous-run");
const base = join(dir, "base.yaml");
const policies = new URL("../fixtures/aws-cli/describe-scaling-policies.json", import.meta.url).pathname;
let before: Record<string, string>;

beforeAll(async () => {
  writeFileSync(base, BASE);
  const r = await cliInProcess(["run", base, "--out", previous, "--quiet"]);
  expect(r.status).toBe(0);
  before = snapshot(previous);
  writeFileSync(join(dir, "a-file"), "not a folder\n");
  mkdirSync(join(dir, "a-folder"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("command-line misuse is one line with a hint to run --help", () => {
  const cases: [string, string[], RegExp][] = [
    ["an unknown command", ["frobnicate"], /unknown command 'frobnicate'.*\(run "scalesim --help"\)$/],
    [
      "an unknown option",
      ["run", "BASE", "--bogus"],
      /unknown option '--bogus'.*\(run "scalesim run --help"\)$/,
    ],
    [
      "a misspelt option",
      ["run", "BASE", "--seeds", "3"],
      /unknown option '--seeds'.*Did you mean --seed\?.*--help"\)$/,
    ],
    ["a missing argument", ["run"], /missing required argument 'file'.*scalesim run --help/],
    ["validate without a file", ["validate"], /missing required argument.*scalesim validate --help/],
    ["a negative seed", ["run", "BASE", "--seed", "-1"], /seed.*scalesim run --help/],
    ["a seed that is a word", ["run", "BASE", "--seed", "abc"], /the seed is a non-negative integer/],
    ["a fractional seed", ["run", "BASE", "--seed", "1.5"], /the seed is a non-negative integer/],
    ["a seed in exponent form", ["run", "BASE", "--seed", "1e30"], /the seed is a non-negative integer/],
    ["a seed beyond 2^53", ["run", "BASE", "--seed", "99999999999999999999"], /at most 9007199254740991/],
    ["a seed of 2^53", ["run", "BASE", "--seed", "9007199254740992"], /at most 9007199254740991/],
    [
      "a sweep seed beyond 2^53",
      ["sweep", "BASE", "--list", "--seed", "99999999999999999999"],
      /at most 9007199254740991/,
    ],
    ["an option without its value", ["run", "BASE", "--out"], /argument missing.*scalesim run --help/],
    ["merge without --out", ["merge", "a", "b"], /required option '-o, --out <dir>'/],
    ["compare without platforms", ["compare"], /missing required argument/],
    ["report without a folder", ["report"], /missing required argument/],
    ["import without exports", ["import"], /give --terraform, --cloudformation, or AWS CLI exports/],
    ["an unknown option of import", ["import", "--policy", "x.json"], /unknown option '--policy'/],
  ];
  it.each(cases)("%s", async (_name, args, message) => {
    const r = await cliInProcess(args.map((a) => (a === "BASE" ? base : a)));
    expectBadInput(r, { message });
    expect(r.stdout).toBe("");
    expect(r.stderr).not.toContain("Usage:");
  });

  it("--help still prints the help and exits 0", async () => {
    const r = await cliInProcess(["run", "--help"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("Usage: scalesim run");
  });
});

describe("every destination is checked before anything is simulated or written", () => {
  const cases: [string, (d: string) => string[], string, RegExp][] = [
    [
      "--out naming an existing file",
      (d) => ["run", base, "--out", join(d, "a-file")],
      "--out",
      /exists and is not a folder/,
    ],
    [
      "--out under a file",
      (d) => ["run", base, "--out", join(d, "a-file", "sub")],
      "--out",
      /ENOTDIR|not a folder/,
    ],
    [
      "--out in a read-only system folder",
      () => ["run", base, "--out", "/sys/scalesim-out"],
      "--out",
      /cannot mkdir .*\((EACCES|EPERM|EROFS|ENOENT)\)/,
    ],
    [
      "--events in a missing folder",
      (d) => ["run", base, "--out", previous, "--events", join(d, "no", "such", "ev.jsonl")],
      "--events",
      /folder .* does not exist/,
    ],
    [
      "--events naming a folder",
      (d) => ["run", base, "--out", previous, "--events", join(d, "a-folder")],
      "--events",
      /is a folder, not a file/,
    ],
    [
      "--events naming a device",
      () => ["run", base, "--out", previous, "--events", "/dev/null"],
      "--events",
      /not a regular file/,
    ],
    [
      "--events under a file",
      (d) => ["run", base, "--out", previous, "--events", join(d, "a-file", "ev.jsonl")],
      "--events",
      /not a folder/,
    ],
    [
      "import --out in a missing folder",
      (d) => ["import", "--policies", policies, "--out", join(d, "nope", "x.yaml")],
      "--out",
      /folder .* does not exist/,
    ],
    [
      "import --out naming a folder",
      (d) => ["import", "--policies", policies, "--out", join(d, "a-folder")],
      "--out",
      /is a folder/,
    ],
    [
      "report --out naming a file",
      () => ["report", previous, "--out", join(dir, "a-file")],
      "--out",
      /exists and is not a folder/,
    ],
    ["sweep --out naming a file", () => ["sweep", base, "--out", join(dir, "a-file")], "--out", /./],
    [
      "merge --out naming a file",
      () => ["merge", previous, "--out", join(dir, "a-file")],
      "--out",
      /exists and is not a folder/,
    ],
  ];
  it.each(cases)("%s", async (_name, args, option, message) => {
    const t0 = performance.now();
    const r = await cliInProcess(args(dir));
    if (_name === "sweep --out naming a file") {
      // The base has no sweep block: rejected before the destination, still one located line.
      expectBadInput(r, { file: base, line: 1, col: 1, message: /no `sweep:` block/ });
    } else expectBadInput(r, { path: option, message });
    expect(snapshot(previous)).toEqual(before);
    // Nothing was simulated: a bad path fails at once (well under a run of the base scenario).
    expect(r.stdout).toBe("");
    expect(performance.now() - t0).toBeLessThan(30_000);
  });

  it("a failing --events over a good previous run leaves the run's folder as it was (the lost-output case)", async () => {
    const clamped = join(dir, "different.yaml");
    writeFileSync(clamped, withLine(10, "    rate: 40"));
    const r = await cliInProcess(["run", clamped, "--out", previous, "--events", "/no/such/dir/ev.jsonl"]);
    expectBadInput(r, { path: "--events", message: "does not exist" });
    expect(snapshot(previous)).toEqual(before);
  });

  it("a good run with --events writes both", async () => {
    const out = join(dir, "fresh");
    const events = join(dir, "events.jsonl");
    const r = await cliInProcess(["run", base, "--out", out, "--events", events, "--quiet"]);
    expect(r.status).toBe(0);
    expect(Object.keys(snapshot(out))).toEqual(["decisions.jsonl", "series.csv", "summary.json"]);
    expect(readFileSync(events, "utf8").split("\n")[0]).toMatch(/^\{"version":"0"/);
  });
});

describe("JSON inputs are located and quoted in one line", () => {
  const json = (name: string, text: string | Buffer) => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };
  const cases: [string, string | Buffer, number, number, RegExp][] = [
    [
      "a value missing after a key",
      '{\n  "ScalingPolicies": [\n    {"PolicyName": "a",\n     "x": }\n  ]\n}\n',
      4,
      11,
      /unexpected "\}"/,
    ],
    [
      "a trailing comma",
      '{\n  "ScalingPolicies": [\n    {"PolicyName": "a"},\n  ]\n}\n',
      4,
      3,
      /unexpected "\]"/,
    ],
    ["an unquoted key", "{\n  ScalingPolicies: []\n}\n", 2, 3, /quoted/],
    [
      "an unterminated string",
      '{\n  "ScalingPolicies": [\n    {"PolicyName": "a\n',
      3,
      22,
      /control character|unterminated/,
    ],
    ["a line break inside quotes", '{\n  "ScalingPolicies": "a\nb"\n}\n', 2, 24, /control character/],
    ["text after the document", '{"ScalingPolicies": []}\n}\n', 2, 1, /after the end/],
    ["single quotes", "{'ScalingPolicies': []}\n", 1, 2, /quoted/],
    ["a truncated file", '{\n  "ScalingPolicies": [\n', 3, 1, /end of file/],
  ];
  it.each(cases)("import: %s", async (_name, text, line, col, message) => {
    const p = json(`bad-${line}-${col}-${_name.length}.json`, text);
    const r = await cliInProcess(["import", "--policies", p]);
    expectBadInput(r, { file: p, line, col, message });
  });

  it("import: a UTF-16 export is refused in one line, without NUL bytes", async () => {
    const p = json(
      "utf16.json",
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('{"ScalingPolicies": []}', "utf16le")]),
    );
    const r = await cliInProcess(["import", "--policies", p]);
    expectBadInput(r, { file: p, line: 1, col: 1, message: "UTF-16" });
  });

  it("import: a missing export is one line naming it", async () => {
    const r = await cliInProcess(["import", "--policies", join(dir, "nothere.json")]);
    expectBadInput(r, { file: join(dir, "nothere.json"), message: "file not found" });
  });

  it.each([
    ["a corrupt summary.json", '{\n  "platforms": {\n    "x": [1,,2]\n  }\n}\n', 3, 13, /unexpected ","/],
    ["a truncated summary.json", '{\n  "platforms": {\n', 3, 1, /end of file/],
    ["a summary.json with a NUL byte", '{\n  "platforms"\u0000: {}\n}\n', 2, 14, /expected ':'/],
  ])("report: %s is located", async (_name, text, line, col, message) => {
    const d = join(dir, `report-${line}-${col}`);
    mkdirSync(d, { recursive: true });
    writeFileSync(join(d, "summary.json"), text);
    const before = snapshot(d);
    const r = await cliInProcess(["report", d, "--no-images"]);
    expectBadInput(r, { file: join(d, "summary.json"), line, col, message });
    expect(snapshot(d)).toEqual(before);
  });

  it("report: a folder without outputs is one line", async () => {
    const r = await cliInProcess(["report", join(dir, "a-folder")]);
    expectBadInput(r, { file: join(dir, "a-folder"), message: "found none of summary.json" });
  });
});

describe("nothing takes time proportional to a count in the input", () => {
  it("a trace minute of 10^12 requests, then a quiet one, runs (the SLO demand bisects)", async () => {
    const trace = join(dir, "tera.csv");
    writeFileSync(
      trace,
      "timestamp,count\n2020-01-01T00:00:00Z,1000000000000\n2020-01-01T00:01:00Z,100\n2020-01-01T00:02:00Z,1000000000000000\n2020-01-01T00:03:00Z,100\n",
    );
    const file = join(dir, "tera.yaml");
    writeFileSync(
      file,
      [
        ...BASE_LINES.slice(0, 2),
        ...BASE_LINES.slice(3, 6),
        "traffic:",
        "  trace: tera.csv",
        ...BASE_LINES.slice(12),
      ].join("\n"),
    );
    const r = await cliInProcess(["run", file, "--json"]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const total = JSON.parse(r.stdout).traffic.totalRequests;
    expect(Math.abs(total - 1_001_000_000_000_200) / total).toBeLessThan(1e-12);
  }, 20_000);

  it("the downward search checks a logarithmic number of capacities, even from 2^52", () => {
    for (const [start, floor, least] of [
      [2 ** 52, 1, 7],
      [2 ** 52, 1, 2 ** 52],
      [2 ** 52, 1, 1],
      [1_000_000, 10, 123_457],
      [5, 5, 5],
    ]) {
      let checks = 0;
      const found = gallopDown(start, floor, (k) => {
        checks++;
        return k >= least;
      });
      expect(found).toBe(least);
      expect(checks).toBeLessThanOrEqual(2 * 53 + 2);
    }
  });

  const matrixOf = (n: number) => {
    const values = Array.from({ length: n }, (_, i) => i + 1);
    return `base: base.yaml\nsweep:\n  matrix:\n    workload.concurrency: [${values}]\n    platforms.fargate.service.maxCapacity: [${values.map((v) => v + 20)}]\n    platforms.fargate.scalingPolicies[0].TargetTrackingScalingPolicyConfiguration.TargetValue: [${values.map((v) => (v % 90) + 5)}]\n`;
  };

  it("a listing of 1,000,000 variants is read by position: any line at once, without expanding the matrix", () => {
    const sweep = join(dir, "million.yaml");
    writeFileSync(sweep, matrixOf(100));
    const list = listSweep(sweep);
    expect([list.variants, list.runs]).toEqual([1_000_000, 1_000_000]);
    // The last variant: every key at its last value (the first key varies slowest).
    expect(list.line(999_999)).toBe(
      'v999999  {"workload.concurrency":100,"platforms.fargate.service.maxCapacity":120,"platforms.fargate.scalingPolicies[0].TargetTrackingScalingPolicyConfiguration.TargetValue":15}',
    );
    expect(list.line(0)).toMatch(/^v000000 {2}\{"workload.concurrency":1,/);
  });

  it("sweep --list streams its lines (8,000 variants) and ends with the count", async () => {
    const sweep = join(dir, "eight-thousand.yaml");
    writeFileSync(sweep, matrixOf(20));
    const r = await cliInProcess(["sweep", sweep, "--list"], undefined, { keepStdout: 400 });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdoutLines).toBe(8_001);
    expect(r.stdout).toContain(`${sweep}: ok (8000 variants, 8000 runs)`);
  }, 60_000);
});

describe("a desiredCount outside [minCapacity, maxCapacity] starts inside, and the output says so", () => {
  it.each([
    [
      "50 under a maximum of 10",
      "      desiredCount: 50",
      "      maxCapacity: 10",
      10,
      "desiredCount 50 is outside [minCapacity 1, maxCapacity 10]",
    ],
    [
      "1 under a minimum of 3",
      "      desiredCount: 1",
      "      minCapacity: 3",
      3,
      "desiredCount 1 is outside [minCapacity 3, maxCapacity 20]",
    ],
  ])("%s", async (_name, desired, bound, start, note) => {
    const lines = [...BASE_LINES];
    lines[29] = desired;
    if (bound.includes("max")) lines[31] = bound;
    else lines[30] = bound;
    // No scaling policy: what the service runs is what it started with.
    const file = join(dir, `clamp-${start}.yaml`);
    writeFileSync(file, `${lines.slice(0, 34).join("\n")}\n`);
    const r = await cliInProcess(["run", file, "--json"]);
    expect(r.status).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary.assumptions[0]).toContain(note);
    expect(summary.assumptions[0]).toContain(`the service starts at ${start}`);
    const cap = summary.platforms.fargate.capacity;
    expect([cap.min, cap.max]).toEqual([start, start]);
    const table = await cliInProcess(["run", file]);
    expect(table.stdout).toContain(`note: fargate: ${note}`);
  });

  it("a desiredCount inside the bounds adds no note", async () => {
    const r = await cliInProcess(["run", base, "--json"]);
    expect(JSON.parse(r.stdout).assumptions.some((a: string) => a.includes("is outside [minCapacity"))).toBe(
      false,
    );
  });
});

describe("progress of a single run", () => {
  it("a terminal sees which platform is simulated, and the line is erased at the end", () => {
    const out: string[] = [];
    const p = runProgress(true, (s) => out.push(s));
    p.platform("fargate", 0, 2);
    p.platform("ec2", 1, 2);
    p.done();
    expect(out).toEqual([
      "\r\x1b[Ksimulating fargate (platform 1 of 2)…",
      "\r\x1b[Ksimulating ec2 (platform 2 of 2)…",
      "\r\x1b[K",
    ]);
  });

  it("--quiet or a stderr that is not a terminal writes nothing", async () => {
    const out: string[] = [];
    const p = runProgress(false, (s) => out.push(s));
    p.platform("fargate", 0, 1);
    p.done();
    expect(out).toEqual([]);
    const r = await cliInProcess(["run", base]); // stderr here is not a terminal
    expect(r.stderr).toBe("");
  });
});
