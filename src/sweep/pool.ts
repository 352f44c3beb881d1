/**
 * Where runs execute: inline (one thread, for debugging and tiny sweeps) or on a piscina pool of worker
 * threads. The worker is the compiled worker.js beside this module (dist/bundle/worker.js under the
 * `scalesim` command, dist/sweep/worker.js through the library) when it is present and not older than the
 * sources; otherwise src/sweep/worker.ts through tsx (source runs and tests on a tree without a build).
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { availableParallelism } from "node:os";
import { dirname, extname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Piscina } from "piscina";
import { type RunOutcome, type RunTask, runTask } from "./task.js";

export interface Executor {
  readonly threads: number;
  /** Runs to keep in flight: one inline; two per worker so none waits for its next task. */
  readonly window: number;
  run(task: RunTask): Promise<RunOutcome>;
  close(): Promise<void>;
}

export function defaultWorkers(): number {
  return availableParallelism();
}

export function inlineExecutor(): Executor {
  return { threads: 1, window: 1, run: runTask, close: async () => {} };
}

/** The worker module and the Node flags it needs. `SCALESIM_SWEEP_WORKER=dist|source` forces a choice. */
export function workerEntry(): { filename: string; execArgv: string[]; compiled: boolean } {
  const here = fileURLToPath(import.meta.url);
  const force = process.env.SCALESIM_SWEEP_WORKER;
  if (extname(here) === ".js" && force !== "source") {
    return { filename: join(dirname(here), "worker.js"), execArgv: [], compiled: true };
  }
  const root = resolve(dirname(here), "../..");
  const dist = join(root, "dist", "sweep", "worker.js");
  const source = join(root, "src", "sweep", "worker.ts");
  if (
    force === "dist" ||
    (force !== "source" && existsSync(dist) && statSync(dist).mtimeMs >= newestSource(join(root, "src")))
  ) {
    return { filename: dist, execArgv: [], compiled: true };
  }
  return { filename: source, execArgv: ["--import", "tsx"], compiled: false };
}

/** Latest modification time of the TypeScript sources (a build older than this is stale). */
function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith(".ts")) continue;
    const t = statSync(join(entry.parentPath, entry.name)).mtimeMs;
    if (t > newest) newest = t;
  }
  return newest;
}

export function workerPool(threads: number): Executor {
  const entry = workerEntry();
  const pool = new Piscina<RunTask, RunOutcome>({
    filename: pathToFileURL(entry.filename).href,
    minThreads: threads,
    maxThreads: threads,
    execArgv: entry.execArgv,
    // Workers stay up for the whole sweep; they load the trace once and reuse it.
    idleTimeout: 60_000,
  });
  return {
    threads,
    window: threads * 2,
    run: (task) => pool.run(task),
    close: () => pool.destroy(),
  };
}
