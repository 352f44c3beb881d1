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

  it("checks thresholds per variant: a column in sweep.csv, exit 1 only when no variant passes", () => {
    const dir = tempDir();
    const rowCounts: number[] = [];
    for (const [name, limit, status] of [
      ["some", "< 1000", 0],
      ["none", "< 0.000001", 1],
    ] as const) {
      const file = join(dir, `${name}.yaml`);
      writeFileSync(
        file,
        sweepYaml(
          `  matrix:\n    ${TARGETS}: [40, 80]\n`,
          `thresholds: { fargate: { totalCostUsd: "${limit}" } }\n`,
        ),
      );
      const r = cli(["sweep", file, "-w", "0", "--out", join(dir, name)]);
      expect(r.stderr).toMatch(
        new RegExp(`thresholds: ${status === 0 ? 2 : 0} of 2 variant-platform rows meet every threshold`),
      );
      expect(r.status).toBe(status);
      const csv = readFileSync(join(dir, name, "sweep.csv"), "utf8")
        .trim()
        .split("\n");
      const col = csv[0].split(",").indexOf("thresholds_ok");
      expect(col).toBeGreaterThan(0);
      expect(csv.slice(1).map((l) => l.split(",")[col])).toEqual(
        status === 0 ? ["true", "true"] : ["false", "false"],
      );
      rowCounts.push(csv.length);
    }
    expect(rowCounts).toEqual([3, 3]);
  });
});
