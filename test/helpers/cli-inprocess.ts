import { main } from "../../src/cli/main.js";

export interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
  /** Number of lines written to stdout (all of them, even when only the tail is kept). */
  stdoutLines: number;
}

/**
 * Run `scalesim ARGS` inside this process (no child process): stdout, stderr and the exit code are
 * captured from `main`, which never calls process.exit. Relative paths resolve against `cwd`.
 */
export async function cliInProcess(
  args: string[],
  cwd?: string,
  options: { keepStdout?: number } = {},
): Promise<CliResult> {
  let out: string[] = [];
  let lines = 0;
  const err: string[] = [];
  const writeOut = process.stdout.write;
  const writeErr = process.stderr.write;
  const savedCode = process.exitCode;
  const savedCwd = process.cwd();
  const capture =
    (sink: string[]) =>
    (chunk: string | Uint8Array): boolean => {
      sink.push(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8"));
      return true;
    };
  // With keepStdout, only the last characters are kept (a huge listing is counted, not held).
  const keep = options.keepStdout;
  process.stdout.write = ((chunk: string | Uint8Array): boolean => {
    const text = typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
    for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) lines++;
    out.push(text);
    if (keep !== undefined && out.length > 2) out = [out.slice(-2).join("").slice(-keep)];
    return true;
  }) as typeof process.stdout.write;
  process.stderr.write = capture(err) as typeof process.stderr.write;
  process.exitCode = undefined;
  if (cwd) process.chdir(cwd);
  let status: number;
  try {
    await main(["node", "scalesim", ...args]);
    status = Number(process.exitCode ?? 0);
  } catch (e) {
    err.push(`${(e as Error).stack ?? String(e)}\n`);
    status = 99;
  } finally {
    process.stdout.write = writeOut;
    process.stderr.write = writeErr;
    process.exitCode = savedCode;
    if (cwd) process.chdir(savedCwd);
  }
  return { status, stdout: out.join(""), stderr: err.join(""), stdoutLines: lines };
}
