/**
 * Sweep progress on stderr: a bar with ETA on a terminal (cli-progress), a plain line every few seconds
 * when stderr is a file or a CI log, nothing with --quiet. Wall-clock time is read here only, never by
 * the simulation.
 */
import cliProgress from "cli-progress";

export interface ProgressState {
  done: number;
  total: number;
  failed: number;
}

export interface Progress {
  start(state: ProgressState): void;
  update(state: ProgressState): void;
  stop(state: ProgressState): void;
}

export type ProgressMode = "bar" | "lines" | "none";

export function progressMode(opts: { quiet?: boolean; isTty?: boolean }): ProgressMode {
  if (opts.quiet) return "none";
  return opts.isTty ? "bar" : "lines";
}

export function createProgress(mode: ProgressMode, stream: NodeJS.WritableStream = process.stderr): Progress {
  if (mode === "none") return { start() {}, update() {}, stop() {} };
  if (mode === "lines") return linesProgress((s) => stream.write(s));
  return barProgress(stream);
}

function formatEta(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "?";
  if (seconds < 60) return `${Math.ceil(seconds)} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
  return `${Math.floor(seconds / 3600)} h ${Math.round((seconds % 3600) / 60)} min`;
}

/**
 * Plain lines: one at the start, then at most one per `intervalMs`, and one at the end. The ETA extrapolates
 * the rate of the runs finished in this process (resumed runs do not count towards the rate).
 */
export function linesProgress(
  write: (s: string) => void,
  intervalMs = 5000,
  now: () => number = () => performance.now(),
): Progress {
  let t0 = 0;
  let last = 0;
  let startDone = 0;
  const line = (s: ProgressState, final: boolean) => {
    const elapsed = (now() - t0) / 1000;
    const ran = s.done - startDone;
    const rate = elapsed > 0 ? ran / elapsed : 0;
    const pctDone = s.total ? Math.floor((100 * s.done) / s.total) : 100;
    const tail = final
      ? `done in ${formatEta(elapsed)}`
      : ran > 0
        ? `${(rate * 60).toFixed(1)} runs/min, ETA ${formatEta((s.total - s.done) / rate)}`
        : "ETA ?";
    write(`sweep: ${s.done}/${s.total} runs (${pctDone}%), ${s.failed} failed, ${tail}\n`);
  };
  return {
    start(s) {
      t0 = last = now();
      startDone = s.done;
      line(s, false);
    },
    update(s) {
      if (now() - last < intervalMs) return;
      last = now();
      line(s, false);
    },
    stop(s) {
      line(s, true);
    },
  };
}

function barProgress(stream: NodeJS.WritableStream): Progress {
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: "sweep [{bar}] {percentage}% | {value}/{total} runs | {failed} failed | ETA {eta_formatted}",
      hideCursor: true,
      clearOnComplete: false,
      etaBuffer: 20,
    },
    cliProgress.Presets.shades_classic,
  );
  return {
    start(s) {
      bar.start(s.total, s.done, { failed: s.failed });
    },
    update(s) {
      bar.update(s.done, { failed: s.failed });
    },
    stop(s) {
      bar.update(s.done, { failed: s.failed });
      bar.stop();
    },
  };
}
