import { appendFileSync, existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { run } from "../../src/api.js";
import { fromObject } from "../../src/scenario/load.js";
import { mergeSweeps } from "../../src/sweep/merge.js";
import { parseSweepPlan } from "../../src/sweep/plan.js";
import { workerEntry } from "../../src/sweep/pool.js";
import { runSweep } from "../../src/sweep/run.js";
import { readRuns } from "../../src/sweep/store.js";
import { metricsOf } from "../../src/sweep/task.js";
import { sweepYaml, TARGETS, tempDir } from "./fixtures.js";

const SWEEP = `  matrix:
    ${TARGETS}: [40, 55, 70, 85]
    traffic.synthetic.peak: [120, 240]
  replications: 2
`;
const plan = () => parseSweepPlan(sweepYaml(SWEEP), "s.yaml", "/tmp");
const read = (dir: string, f: string) => readFileSync(join(dir, f), "utf8");
const sortedLines = (dir: string) => read(dir, "runs.jsonl").trim().split("\n").sort();

describe("sweeps end to end", () => {
  const reference = tempDir();
  let refDone: Promise<unknown> | undefined;
  const ensureReference = () => (refDone ??= runSweep(plan(), { out: reference, workers: 0 }));

  it("a variant's record equals `run` of that variant's scenario with the run's seed", async () => {
    await ensureReference();
    const p = plan();
    const rec = readRuns(reference).find((x) => x.run === "v005.r1")!;
    const planned = p.runs.find((x) => x.run === "v005.r1")!;
    expect(rec.seed).toBe(planned.seed);
    const scenario = fromObject(p.scenarios[5], { file: "s.yaml", baseDir: "/tmp" });
    const out = await run(scenario, { seed: planned.seed });
    expect(rec.platforms?.fargate).toEqual(metricsOf(out.summary.platforms.fargate));
    // Replications differ (their seeds do), variants share seeds (common random numbers).
    const r0 = readRuns(reference).find((x) => x.run === "v005.r0")!;
    expect(r0.platforms?.fargate.costUsd).not.toBe(rec.platforms?.fargate.costUsd);
  });

  it("writes byte-identical tables with 0, 1 and 2 worker threads", async () => {
    await ensureReference();
    expect(existsSync(workerEntry().filename)).toBe(true);
    for (const workers of [1, 2]) {
      const dir = tempDir();
      const r = await runSweep(plan(), { out: dir, workers });
      expect(r.ran).toBe(16);
      for (const f of ["sweep.csv", "sweep.json", "ranking.txt", "sweep.meta.json"])
        expect(read(dir, f)).toBe(read(reference, f));
      expect(sortedLines(dir)).toEqual(sortedLines(reference));
    }
    const table = JSON.parse(read(reference, "sweep.json"));
    expect(table.rows).toHaveLength(8);
    expect(table.rows[0].costUsdCi).toBeGreaterThan(0);
    expect(read(reference, "sweep.csv").split("\n")[0]).toContain(
      `${TARGETS},traffic.synthetic.peak,platform`,
    );
  });

  it("resumes an interrupted sweep without redoing finished runs, past a torn last line", async () => {
    await ensureReference();
    const dir = tempDir();
    const abort = new AbortController();
    const first = await runSweep(plan(), {
      out: dir,
      workers: 0,
      signal: abort.signal,
      onProgress: (s) => s.done >= 5 && abort.abort(),
    });
    expect(first.interrupted).toBe(true);
    expect(first.table).toBeUndefined();
    expect(existsSync(join(dir, "sweep.csv"))).toBe(false);
    const done = readRuns(dir).length;
    expect(done).toBe(5);
    appendFileSync(join(dir, "runs.jsonl"), '{"run":"v007.r1","variant":7,"id":"v0'); // killed mid-write
    const second = await runSweep(plan(), { out: dir, workers: 1 });
    expect(second.resumed).toBe(5);
    expect(second.ran).toBe(11);
    expect(read(dir, "sweep.csv")).toBe(read(reference, "sweep.csv"));
    expect(readRuns(dir)).toHaveLength(16);
    const third = await runSweep(plan(), { out: dir, workers: 2 });
    expect(third.ran).toBe(0);
  });

  it("records a failing variant with its error and completes the others", async () => {
    const sweep = `  matrix:\n    ${TARGETS}: [50, 70]\n    traffic:\n      - { synthetic: { shape: constant, rate: 50 } }\n      - { trace: no-such-trace.csv }\n`;
    const dir = tempDir();
    const r = await runSweep(parseSweepPlan(sweepYaml(sweep), "s.yaml", tempDir()), { out: dir, workers: 2 });
    expect(r.failed).toBe(2);
    const rows = JSON.parse(read(dir, "sweep.json")).rows as { id: string; status: string; error: string }[];
    expect(rows.map((x) => x.status)).toEqual(["ok", "failed", "ok", "failed"]);
    expect(rows[1].error).toMatch(/not found/);
    expect(read(dir, "ranking.txt")).toMatch(/failed variants \(2\)/);
  });

  it("merges shards into exactly the table of a single run", async () => {
    await ensureReference();
    const shards = [0, 1, 2].map(() => tempDir());
    for (const [i, dir] of shards.entries()) {
      const r = await runSweep(plan(), { out: dir, workers: i % 2, shard: { index: i, count: 3 } });
      expect(r.table).toBeUndefined();
      expect(existsSync(join(dir, "sweep.csv"))).toBe(false);
    }
    expect(shards.map((d) => readRuns(d).length)).toEqual([6, 5, 5]);
    const merged = tempDir();
    mergeSweeps(shards, merged);
    for (const f of ["sweep.csv", "sweep.json", "ranking.txt"])
      expect(read(merged, f)).toBe(read(reference, f));
    expect(read(merged, "runs.jsonl").trim().split("\n").sort()).toEqual(sortedLines(reference));
    expect(() => mergeSweeps(shards.slice(0, 2), tempDir())).toThrow(
      /5 of 16 runs are missing.*shards not given: 2\/3/,
    );
    const partial = mergeSweeps(shards.slice(0, 2), tempDir(), { allowPartial: true });
    expect(partial.table.rows.some((x) => x.status === "missing")).toBe(true);
    const other = tempDir();
    await runSweep(parseSweepPlan(sweepYaml(`  matrix:\n    ${TARGETS}: [40]\n`), "s.yaml", "/tmp"), {
      out: other,
      workers: 0,
    });
    expect(() => mergeSweeps([shards[0], other], tempDir())).toThrow(/holds a different sweep/);
  });
});
