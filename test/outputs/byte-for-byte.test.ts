import {
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
  mkdirSync,
  existsSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { cliInProcess } from "../helpers/cli-inprocess.js";

/**
 * Every output of `scalesim run` on every bundled example and on a few scenarios of each platform kind
 * (test/fixtures/outputs/), compared byte for byte with stored copies (gzipped, in test/outputs/stored/).
 * A refactor must leave them all identical; a model change that moves them regenerates the copies with
 * SCALESIM_UPDATE_GOLDEN=1 and says why in its commit.
 */
const root = join(__dirname, "..", "..");
const stored = join(__dirname, "stored");
const update = process.env.SCALESIM_UPDATE_GOLDEN === "1";

const scenarioFiles = [
  ...readdirSync(join(root, "scenarios"))
    .filter((f) => f.endsWith(".yaml"))
    .map((f) => join("scenarios", f)),
  ...readdirSync(join(root, "test", "fixtures", "outputs"))
    .filter((f) => f.endsWith(".yaml"))
    .map((f) => join("test", "fixtures", "outputs", f)),
].sort();

/** Each case: a command on a scenario (every one run; capacity-report also with its report; one sweep). */
const cases = [
  ...scenarioFiles.map((file) => ({
    command: "run",
    file,
    name: basename(file, ".yaml"),
    extra: [] as string[],
  })),
  {
    command: "run",
    file: join("scenarios", "capacity-report.yaml"),
    name: "capacity-report--report",
    extra: ["--report"],
  },
  {
    command: "sweep",
    file: join("scenarios", "sweep-targets.yaml"),
    name: "sweep-targets--sweep",
    extra: ["--workers", "2"],
  },
];

/** Every file under dir, as paths relative to it. */
function filesUnder(dir: string, prefix = ""): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(dir, join(prefix, e.name)) : [join(prefix, e.name)],
  );
}

const scratch = mkdtempSync(join(tmpdir(), "scalesim-outputs-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function sortedLines(text: string): string {
  return `${text
    .split("\n")
    .filter((l) => l !== "")
    .sort()
    .join("\n")}\n`;
}

/** The first line where two texts differ, for a message a reader can act on. */
function firstDifference(expected: string, actual: string): string {
  const a = expected.split("\n");
  const b = actual.split("\n");
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i])
      return `line ${i + 1}:\n  stored: ${a[i]?.slice(0, 300)}\n  now:    ${b[i]?.slice(0, 300)}`;
  }
  return "same lines, different bytes";
}

describe("run outputs are byte-identical to the stored copies", () => {
  it("covers every bundled example and every platform kind", () => {
    expect(scenarioFiles.filter((f) => f.startsWith("scenarios")).length).toBeGreaterThanOrEqual(13);
    const kinds = new Set<string>();
    for (const f of scenarioFiles) {
      for (const m of readFileSync(join(root, f), "utf8").matchAll(/^\s+kind: ([a-z0-9-]+)/gm))
        kinds.add(m[1]);
    }
    expect([...kinds].sort()).toEqual([
      "app-runner",
      "ecs-ec2",
      "ecs-fargate",
      "eks",
      "eventbridge-tasks",
      "sqs-worker",
    ]);
  });

  for (const { command, file, name, extra } of cases) {
    it(`${name}`, { timeout: 120_000 }, async () => {
      const out = join(scratch, name);
      // Sweep workers run this checkout's sources, never a build that may be older.
      process.env.SCALESIM_SWEEP_WORKER = "source";
      const result = await cliInProcess([command, file, "--out", out, "--quiet", ...extra], root);
      expect(result.stderr.split("\n").filter((l) => !l.startsWith("warning:") && l !== "")).toEqual([]);
      // 1 is a failed threshold (capacity-report has one on purpose); anything else is an error.
      expect([0, 1]).toContain(result.status);
      const produced: Record<string, Buffer> = {
        // The scratch directory's name changes per run: it reads as <out>.
        "stdout.txt": Buffer.from(
          `${result.stdout}\nexit status ${result.status}\n${result.stderr}`.replaceAll(out, "<out>"),
        ),
      };
      // runs.jsonl is appended as variants finish, in any order across workers: its lines are compared sorted.
      for (const f of filesUnder(out).sort()) {
        const bytes = readFileSync(join(out, f));
        produced[f] = f.endsWith("runs.jsonl") ? Buffer.from(sortedLines(bytes.toString())) : bytes;
      }
      const dir = join(stored, name);
      if (update) {
        rmSync(dir, { recursive: true, force: true });
        for (const [f, bytes] of Object.entries(produced)) {
          mkdirSync(join(dir, f, ".."), { recursive: true });
          writeFileSync(join(dir, `${f}.gz`), gzipSync(bytes, { level: 9 }));
        }
      }
      expect(existsSync(dir), `no stored copies for ${name}: run with SCALESIM_UPDATE_GOLDEN=1`).toBe(true);
      const storedFiles = filesUnder(dir)
        .map((f) => f.replace(/\.gz$/, ""))
        .sort();
      expect(Object.keys(produced).sort()).toEqual(storedFiles);
      for (const f of storedFiles) {
        const expected = gunzipSync(readFileSync(join(dir, `${f}.gz`)));
        const actual = produced[f];
        if (!expected.equals(actual)) {
          expect.fail(
            `${name}/${f} differs from the stored copy at ${firstDifference(expected.toString(), actual.toString())}`,
          );
        }
      }
    });
  }
});
