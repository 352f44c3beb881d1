import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { sweepYaml, TARGETS, tempDir } from "./fixtures.js";

const ENTRY = fileURLToPath(new URL("../helpers/cli-entry.ts", import.meta.url));

/** `scalesim ARGS` from source with extra environment (stdout and stderr are pipes: not a terminal). */
function cli(args: string[], _cwd?: string, env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, ["--import", "tsx", ENTRY, ...args], {
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1", ...env },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("scalesim sweep / merge", () => {
  it("exits 2 with file:line:col when a variant is invalid, before running anything", () => {
    const dir = tempDir();
    const file = join(dir, "bad.yaml");
    const text = sweepYaml(
      `  matrix:\n    platforms.fargate.task:\n      - { cpu: 1024, memory: 2048 }\n      - { cpu: 256, memory: 8192 }\n`,
    );
    writeFileSync(file, text);
    const r = cli(["sweep", file, "--out", join(dir, "out")]);
    expect(r.status).toBe(2);
    const line = text.split("\n").findIndex((l) => l.includes("cpu: 256")) + 1;
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain(`${file}:${line}:`);
  });

  it("runs shards with plain progress lines off a terminal, quiet with -q, and merges them", () => {
    const dir = tempDir();
    const file = join(dir, "s.yaml");
    writeFileSync(file, sweepYaml(`  matrix:\n    ${TARGETS}: [40, 60, 80]\n`));
    const a = cli(["sweep", file, "--shard", "0/2", "--workers", "0", "--out", join(dir, "s0")]);
    expect(a.status).toBe(0);
    expect(a.stderr).toMatch(/sweep: 2\/2 runs \(100%\), 0 failed, done in/);
    const b = cli(
      ["sweep", file, "--shard", "auto/2", "-w", "0", "-q", "--out", join(dir, "s1")],
      undefined,
      { JOB_COMPLETION_INDEX: "1" },
    );
    expect(b.status).toBe(0);
    expect(b.stderr).toBe("");
    expect(b.stdout).toMatch(/shard 1\/2: 1 runs/);
    const m = cli(["merge", join(dir, "s0"), join(dir, "s1"), "--out", join(dir, "all")]);
    expect(m.status).toBe(0);
    expect(m.stdout).toMatch(/Pareto frontier, cost vs p99/);
    expect(
      readFileSync(join(dir, "all", "sweep.csv"), "utf8")
        .trim()
        .split("\n"),
    ).toHaveLength(4);
  });
});
