/**
 * Faults of the machine rather than of the input. A full disk is simulated two ways, said plainly:
 * (1) in-process, `node:fs` write calls are replaced by ones that fail with ENOSPC (or EACCES) once armed,
 * an injected failure at the exact point a real full disk would fail; (2) in a real child process, standard
 * output goes to /dev/full, where every write fails with a real ENOSPC from the kernel. A sweep killed with
 * SIGKILL (a real child process) resumes to byte-identical tables, past a torn last line of runs.jsonl.
 */
import { spawn, spawnSync } from "node:child_process";
import { appendFileSync, existsSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { cliInProcess } from "../helpers/cli-inprocess.js";
import { BASE, expectBadInput, snapshot, tempDir } from "./corpus-helpers.js";

const fault = vi.hoisted(() => ({ code: undefined as string | undefined }));
vi.mock("node:fs", async (importOriginal) => {
  const fs = await importOriginal<typeof import("node:fs")>();
  const failing = (name: "writeFileSync" | "renameSync") =>
    ((...args: unknown[]) => {
      if (fault.code) {
        const e = new Error(`${fault.code}: injected, ${name}`) as NodeJS.ErrnoException;
        e.code = fault.code;
        e.syscall = name === "writeFileSync" ? "write" : "rename";
        throw e;
      }
      return (fs[name] as (...a: unknown[]) => unknown)(...args);
    }) as never;
  return { ...fs, default: fs, writeFileSync: failing("writeFileSync"), renameSync: failing("renameSync") };
});

const dir = tempDir("hostile-faults");
const previous = join(dir, "previous-run");
const base = join(dir, "base.yaml");
const policies = fileURLToPath(
  new URL("../fixtures/aws-cli/describe-scaling-policies.json", import.meta.url),
);
const alarms = fileURLToPath(new URL("../fixtures/aws-cli/describe-alarms.json", import.meta.url));
const ENTRY = fileURLToPath(new URL("../helpers/cli-entry.ts", import.meta.url));
let before: Record<string, string>;

beforeAll(async () => {
  writeFileSync(base, BASE);
  const r = await cliInProcess(["run", base, "--out", previous, "--quiet"]);
  expect(r.status).toBe(0);
  before = snapshot(previous);
  writeFileSync(join(dir, "imported.yaml"), "# an earlier import\n");
});
afterAll(() => {
  fault.code = undefined;
  rmSync(dir, { recursive: true, force: true });
});

describe("a disk that fails writes (injected ENOSPC, EACCES, EDQUOT)", () => {
  const commands: [string, () => string[], string][] = [
    ["run --out", () => ["run", base, "--out", previous, "--quiet"], previous],
    [
      "run --out --events",
      () => ["run", base, "--out", previous, "--events", join(previous, "ev.jsonl"), "--quiet"],
      previous,
    ],
    [
      "import --out",
      () => ["import", "--policies", policies, "--alarms", alarms, "--out", join(dir, "imported.yaml")],
      dir,
    ],
  ];
  for (const code of ["ENOSPC", "EACCES", "EDQUOT"]) {
    it.each(commands)(
      `${code}: %s fails in one line and leaves earlier outputs as they were`,
      async (_n, args, folder) => {
        const earlier = snapshot(folder);
        fault.code = code;
        let r: Awaited<ReturnType<typeof cliInProcess>>;
        try {
          r = await cliInProcess(args());
        } finally {
          fault.code = undefined;
        }
        expectBadInput(r, { message: new RegExp(`\\(${code}\\)$`) });
        expect(snapshot(folder)).toEqual(earlier);
        expect(snapshot(previous)).toEqual(before);
      },
    );
  }
});

/** Run the CLI from source in a child process with stdout sent to `stdoutFd`. */
function child(args: string[], stdoutFd: number | "pipe" = "pipe") {
  return spawnSync(process.execPath, ["--import", "tsx", ENTRY, ...args], {
    encoding: "utf8",
    stdio: ["ignore", stdoutFd, "pipe"],
    env: { ...process.env, NO_COLOR: "1", SCALESIM_SWEEP_WORKER: "source" },
  });
}

describe("a real full device: standard output on /dev/full", () => {
  it.runIf(existsSync("/dev/full"))("run --json > /dev/full is one line and exit 2, not a crash", () => {
    const fd = openSync("/dev/full", "w");
    const r = child(["run", base, "--json"], fd);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe("scalesim: cannot write standard output: no space left on the device (ENOSPC)\n");
  });
});

describe("a sweep killed with SIGKILL resumes to byte-identical tables", () => {
  const sweepFile = join(dir, "sweep.yaml");
  const TABLES = ["sweep.csv", "ranking.txt"];

  it("killed after its first run, and again with a torn last line, it finishes as an uninterrupted sweep", async () => {
    writeFileSync(
      sweepFile,
      `${BASE.replace("duration: 30m", "duration: 10m")}sweep:\n  matrix:\n    workload.concurrency: [8, 16, 32, 64]\n`,
    );
    const whole = join(dir, "whole");
    const w = child(["sweep", sweepFile, "-w", "0", "--out", whole, "-q"]);
    expect(w.stderr).toBe("");
    expect(w.status).toBe(0);

    const killed = join(dir, "killed");
    const proc = spawn(
      process.execPath,
      ["--import", "tsx", ENTRY, "sweep", sweepFile, "-w", "0", "--out", killed, "-q"],
      {
        stdio: "ignore",
        env: { ...process.env, SCALESIM_SWEEP_WORKER: "source" },
      },
    );
    // Kill it as soon as one run is on disk.
    const runs = join(killed, "runs.jsonl");
    await new Promise<void>((done) => {
      const poll = setInterval(() => {
        if (existsSync(runs) && readFileSync(runs, "utf8").includes("\n")) {
          proc.kill("SIGKILL");
          clearInterval(poll);
          done();
        }
      }, 20);
      proc.on("exit", () => {
        clearInterval(poll);
        done();
      });
    });
    await new Promise((done) =>
      proc.exitCode !== null || proc.signalCode !== null ? done(null) : proc.on("exit", done),
    );
    // A torn last line, as a kill in the middle of a write leaves it.
    appendFileSync(runs, '{"run":"v003.r0","variant":3,"rep');
    const resumed = child(["sweep", sweepFile, "-w", "0", "--out", killed, "-q"]);
    expect(resumed.stderr).toBe("");
    expect(resumed.status).toBe(0);
    for (const t of TABLES)
      expect(readFileSync(join(killed, t), "utf8"), t).toBe(readFileSync(join(whole, t), "utf8"));
  }, 300_000);
});
