/**
 * Run a planned sweep into an output folder: skip runs the folder already holds (resume), run the rest on
 * the executor with a bounded number in flight, append each finished run to runs.jsonl, and at the end
 * write sweep.csv, sweep.json and ranking.txt. A shard runs its slice and leaves the table to `merge`.
 */
import { writeOutputs } from "../output/files.js";
import { planMeta, type PlannedRun, type SweepPlan } from "./plan.js";
import { defaultWorkers, type Executor, inlineExecutor, workerPool } from "./pool.js";
import { loadSharedTraffic } from "./shared-traffic.js";
import type { ProgressState } from "./progress.js";
import { makeRecord, type RunRecord, RunLog, type Shard, writeMeta } from "./store.js";
import { buildTable, rankingText, type SweepTable, tableCsv, tableJson } from "./table.js";
import type { RateSeries } from "../trace/series.js";

export interface SweepRunOptions {
  out: string;
  /** Worker threads; 0 runs inline on this thread. Default: the machine's available parallelism. */
  workers?: number;
  shard?: Shard;
  /** Ignore what the folder holds and start over. */
  fresh?: boolean;
  /** Run again the runs recorded as failed. */
  retryFailed?: boolean;
  onStart?: (state: ProgressState & { resumed: number; threads: number }) => void;
  onProgress?: (state: ProgressState) => void;
  /** Read each trace once here and share it with the workers (default); false: each worker reads it. */
  shareTraffic?: boolean;
  /** Stop scheduling runs; finished ones stay recorded, so the sweep can be resumed. */
  signal?: AbortSignal;
}

export interface SweepRunResult {
  total: number;
  resumed: number;
  ran: number;
  failed: number;
  interrupted: boolean;
  /** Present when this was the whole sweep (not a shard) and it finished. */
  table?: SweepTable;
  ranking?: string;
}

/** The runs of shard i of N: every N-th run of the plan starting at i (round robin spreads cost evenly). */
export function shardRuns(runs: readonly PlannedRun[], shard: Shard | undefined): PlannedRun[] {
  if (!shard) return [...runs];
  return runs.filter((_, k) => k % shard.count === shard.index);
}

export const TABLE_FILES = ["sweep.csv", "sweep.json", "ranking.txt"] as const;

export function tableFiles(table: SweepTable): Record<string, string> {
  const ranking = rankingText(table);
  return { "sweep.csv": tableCsv(table), "sweep.json": tableJson(table), "ranking.txt": ranking };
}

export async function runSweep(plan: SweepPlan, options: SweepRunOptions): Promise<SweepRunResult> {
  const shard = options.shard && options.shard.count > 1 ? options.shard : undefined;
  const meta = planMeta(plan);
  const log = RunLog.open(options.out, options.fresh ?? false);
  writeMeta(options.out, meta, shard ?? null);
  try {
    // Runs with the same key (identical variants) run once.
    const mine = new Map<string, PlannedRun>();
    for (const run of shardRuns(plan.runs, shard)) if (!mine.has(run.key)) mine.set(run.key, run);
    const done = (rec: RunRecord | undefined) =>
      rec !== undefined && !(options.retryFailed && rec.status === "failed");
    const todo = [...mine.values()].filter((run) => !done(log.existing.get(run.key)));
    const state: ProgressState = { done: mine.size - todo.length, total: mine.size, failed: 0 };
    for (const run of mine.values())
      if (done(log.existing.get(run.key)) && log.existing.get(run.key)!.status === "failed") state.failed++;
    const resumed = state.done;

    const wanted = options.workers ?? defaultWorkers();
    const executor: Executor | undefined =
      todo.length === 0
        ? undefined
        : wanted <= 0
          ? inlineExecutor()
          : workerPool(Math.min(wanted, todo.length));
    options.onStart?.({ ...state, resumed, threads: executor?.threads ?? 0 });
    const records = new Map(log.existing);
    let ran = 0;
    let interrupted = false;
    if (executor) {
      try {
        // Read while the workers start: each trace once, shared with every worker.
        const traffic =
          options.shareTraffic === false
            ? new Map<number, RateSeries>()
            : await loadSharedTraffic(
                plan,
                todo.map((run) => run.variant),
              );
        const r = await schedule(plan, todo, traffic, executor, options.signal, (rec) => {
          log.append(rec);
          records.set(rec.key, rec);
          ran++;
          state.done++;
          if (rec.status === "failed") state.failed++;
          options.onProgress?.({ ...state });
        });
        interrupted = r.interrupted;
      } finally {
        await executor.close();
      }
    }
    const result: SweepRunResult = { total: mine.size, resumed, ran, failed: state.failed, interrupted };
    if (!interrupted && !shard) {
      const table = buildTable(meta, records);
      const files = tableFiles(table);
      writeOutputs(options.out, files);
      result.table = table;
      result.ranking = files["ranking.txt"];
    }
    return result;
  } finally {
    log.close();
  }
}

/** Keep the executor's window of runs in flight; results are recorded in the order they finish. */
async function schedule(
  plan: SweepPlan,
  todo: readonly PlannedRun[],
  traffic: ReadonlyMap<number, RateSeries>,
  executor: Executor,
  signal: AbortSignal | undefined,
  onRecord: (rec: RunRecord) => void,
): Promise<{ interrupted: boolean }> {
  const window = Math.max(1, executor.window);
  let next = 0;
  let stopped = false;
  const stop = () => {
    stopped = true;
  };
  signal?.addEventListener("abort", stop, { once: true });
  const lane = async (): Promise<void> => {
    while (!stopped && !signal?.aborted && next < todo.length) {
      const run = todo[next++];
      const outcome = await executor.run({
        key: run.key,
        seed: run.seed,
        scenario: plan.scenarios[run.variant],
        file: plan.baseFile,
        baseDir: plan.baseDir,
        traffic: traffic.get(run.variant),
      });
      // A run that finishes after an interrupt is still a finished run: keep it.
      onRecord(makeRecord(run, plan.variants[run.variant], outcome));
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(window, todo.length) }, lane));
  } finally {
    signal?.removeEventListener("abort", stop);
  }
  return { interrupted: next < todo.length };
}
