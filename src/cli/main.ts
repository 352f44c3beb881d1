import { readFileSync } from "node:fs";
import { Command, CommanderError } from "commander";
import { fileSystemError, isInputError, oneLine } from "../errors.js";
import { registerAssumptions } from "./commands/assumptions.js";
import { registerBacktest } from "./commands/backtest.js";
import { registerCalibrate } from "./commands/calibrate.js";
import { registerCompare } from "./commands/compare.js";
import { registerReport } from "./commands/report.js";
import { registerImport } from "./commands/import.js";
import { registerRun } from "./commands/run.js";
import { registerValidate } from "./commands/validate.js";
import { registerSweep } from "./commands/sweep.js";
import { registerMerge } from "./commands/merge.js";

const VERSION: string = JSON.parse(
  readFileSync(new URL("../../package.json", import.meta.url), "utf8"),
).version;

/** The CLI: each command lives in ./commands and registers itself here. */
export function buildCli(): Command {
  const program = new Command("scalesim")
    .description(
      "Deterministic simulator of AWS container autoscaling: replay a load trace, get cost and latency.",
    )
    .version(VERSION)
    .exitOverride();
  registerRun(program);
  registerValidate(program);
  registerImport(program);
  registerReport(program);
  registerCompare(program);
  registerSweep(program);
  registerMerge(program);
  registerCalibrate(program);
  registerBacktest(program);
  registerAssumptions(program);
  oneLineErrors(program, "scalesim --help");
  for (const c of program.commands) {
    c.exitOverride();
    oneLineErrors(c, `scalesim ${c.name()} --help`);
  }
  return program;
}

/** Command-line misuse is one line on stderr with a hint, not the error followed by the whole help. */
function oneLineErrors(command: Command, help: string): void {
  command.configureOutput({
    outputError: (message, write) => {
      const text = message
        .replace(/^error: /, "")
        .split("\n")
        .map((l) => l.trim())
        .filter(Boolean)
        .join("; ");
      write(`scalesim: ${text} (run "${help}")\n`);
    },
  });
}

/** Entry point: bad input is one line on stderr and exit code 2; anything else is a bug and shows its stack. */
export async function main(argv: string[]): Promise<void> {
  guardStandardOutput();
  try {
    await buildCli().parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and version exit 0; a wrong command line is bad input (commander already printed why).
      process.exitCode = e.exitCode === 0 ? 0 : 2;
      return;
    }
    const input = isInputError(e) ? e : fileSystemError(e);
    if (input) {
      process.stderr.write(`scalesim: ${oneLine(input.message)}\n`);
      process.exitCode = 2;
      return;
    }
    throw e;
  }
}

let guarded = false;

/**
 * Standard output that cannot be written (redirected to a full disk, or /dev/full) fails after the
 * command returned, as an 'error' event of the stream: one line and exit code 2, not a crash. A reader
 * that went away (`| head`, EPIPE) is not an error of ours: stop quietly.
 */
function guardStandardOutput(): void {
  if (guarded) return;
  guarded = true;
  process.stdout.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") return;
    const input = fileSystemError(e, "standard output");
    process.stderr.write(`scalesim: ${oneLine(input?.message ?? String(e))}\n`);
    process.exitCode = 2;
  });
}
