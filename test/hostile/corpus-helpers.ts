/**
 * Shared pieces of the hostile-input corpus: a valid base scenario written one field per line (so each
 * case can name the line it breaks), fixture folders in a temporary directory, and the checks every
 * case makes: exit code 2, exactly one line on stderr with no stack trace, the file:line:col where a
 * file is at fault, and earlier outputs left byte for byte as they were.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";
import type { CliResult } from "../helpers/cli-inprocess.js";

export const BASE_LINES = [
  "name: hostile", // 1
  "seed: 1", // 2
  "duration: 30m", // 3
  "engine:", // 4
  "  mode: fluid", // 5
  "  tick: 1s", // 6
  "traffic:", // 7
  "  synthetic:", // 8
  "    shape: constant", // 9
  "    rate: 20", // 10
  "    interval: 1s", // 11
  "  multiplier: 1", // 12
  "workload:", // 13
  "  cpuPerRequest: 25ms", // 14
  "  serviceTime: 60ms", // 15
  "  concurrency: 64", // 16
  "  timeout: 10s", // 17
  "  cpuIdle: 0", // 18
  "  model: processor-sharing", // 19
  "slo:", // 20
  "  latency: 250ms", // 21
  "  percentile: 99", // 22
  "platforms:", // 23
  "  fargate:", // 24
  "    kind: ecs-fargate", // 25
  "    task:", // 26
  "      cpu: 1024", // 27
  "      memory: 2048", // 28
  "    service:", // 29
  "      desiredCount: 2", // 30
  "      minCapacity: 1", // 31
  "      maxCapacity: 20", // 32
  "    loadBalancer:", // 33
  "      healthCheckInterval: 30s", // 34
  "    scalingPolicies:", // 35
  "      - PolicyName: cpu60", // 36
  "        PolicyType: TargetTrackingScaling", // 37
  "        TargetTrackingScalingPolicyConfiguration:", // 38
  "          TargetValue: 60", // 39
  "          PredefinedMetricSpecification:", // 40
  "            PredefinedMetricType: ECSServiceAverageCPUUtilization", // 41
];
export const BASE = `${BASE_LINES.join("\n")}\n`;

/** The base with line `n` (1-based) replaced by `text` (which may hold several lines). */
export function withLine(n: number, text: string, lines = BASE_LINES): string {
  const out = [...lines];
  out[n - 1] = text;
  return `${out.join("\n")}\n`;
}

/** The base with `text` inserted before line `n`. */
export function insertAt(n: number, text: string, lines = BASE_LINES): string {
  const out = [...lines];
  out.splice(n - 1, 0, text);
  return `${out.join("\n")}\n`;
}

/** Column of the value on a `key: value` line (where the YAML node of the value starts). */
export function valueCol(line: string): number {
  const m = /^(\s*(?:- )?[^:#]+:\s+)/.exec(line);
  return m ? m[1].length + 1 : 1;
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `scalesim-${prefix}-`));
}

/** Every file under `dir` with the SHA-256 of its bytes: a snapshot to compare after a failing command. */
export function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!existsSync(dir)) return out;
  const walk = (d: string, rel: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p, `${rel}${name}/`);
      else out[`${rel}${name}`] = createHash("sha256").update(readFileSync(p)).digest("hex");
    }
  };
  walk(dir, "");
  return out;
}

export interface Expected {
  /** The file at fault, as the message names it; omitted when no file is (command-line misuse). */
  file?: string;
  line?: number;
  col?: number;
  /** Field path or option shown after the position. */
  path?: string;
  /** A part of the message. */
  message?: RegExp | string;
}

/** The promise of the README: exit 2, one line `scalesim: file:line:col path: message`, no stack. */
export function expectBadInput(r: CliResult, want: Expected): void {
  const context = `stderr: ${JSON.stringify(r.stderr)}\nstdout: ${JSON.stringify(r.stdout.slice(0, 300))}`;
  expect(r.status, context).toBe(2);
  expect(r.stderr.endsWith("\n"), context).toBe(true);
  expect(r.stderr.split("\n").length, context).toBe(2); // one line and its newline
  expect(r.stderr, context).toMatch(/^scalesim: /);
  expect(r.stderr, context).not.toMatch(/\n\s+at /);
  expect(r.stderr.includes("\u0000"), context).toBe(false);
  const line = r.stderr.slice("scalesim: ".length, -1);
  if (want.file !== undefined) {
    let where = want.file;
    if (want.line !== undefined) where += `:${want.line}`;
    if (want.col !== undefined) where += `:${want.col}`;
    expect(line.startsWith(`${where}:`), `expected ${where} in ${context}`).toBe(true);
    if (want.line !== undefined && want.col === undefined)
      expect(line.slice(where.length), context).toMatch(/^:\d+: /);
  }
  if (want.path !== undefined)
    expect(line.startsWith(`${want.path}: `) || line.includes(` ${want.path}: `), context).toBe(true);
  if (want.message !== undefined) {
    if (typeof want.message === "string") expect(line, context).toContain(want.message);
    else expect(line, context).toMatch(want.message);
  }
}
