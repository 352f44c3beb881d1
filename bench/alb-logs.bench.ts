/**
 * Lines per second of the ALB access-log field splitter against a baseline that only splits on spaces
 * (wrong for quoted fields, but the least work a reader can do), on the bundled hour of logs, median of 5
 * runs each; then the whole reader (gunzip, lines, bins) on the same folder.
 *
 *   npx tsx bench/alb-logs.bench.ts
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { readAlbLogs, splitAlbLogLine } from "../src/trace/alb-logs.js";
import { median, printBenchHeader } from "./env.js";

printBenchHeader("alb-logs");

const DIR = new URL("../scenarios/traces/alb-logs", import.meta.url).pathname;
const files: string[] = [];
const walk = (d: string) => {
  for (const e of readdirSync(d)) {
    const p = join(d, e);
    if (statSync(p).isDirectory()) walk(p);
    else files.push(p);
  }
};
walk(DIR);
const lines = files.flatMap((f) => gunzipSync(readFileSync(f)).toString("utf8").split("\n").filter(Boolean));
// Repeat the hour so each pass takes long enough to time.
const REPEAT = 20;

function rate(body: (line: string) => unknown): number {
  const runs: number[] = [];
  for (let r = 0; r < 6; r++) {
    const t = performance.now();
    let sink = 0;
    for (let k = 0; k < REPEAT; k++)
      for (const l of lines) sink += (body(l) as unknown[] | null)?.length ?? 0;
    if (sink < 0) console.log(sink);
    if (r > 0) runs.push(performance.now() - t);
  }
  return (lines.length * REPEAT) / (median(runs) / 1000);
}

const split = rate((l) => splitAlbLogLine(l, 22)); // the reader keeps the first 22 fields
const baseline = rate((l) => l.split(" "));
console.log(`${lines.length} entries × ${REPEAT}`);
console.log(`splitAlbLogLine      ${(split / 1e6).toFixed(2)} M lines/s`);
console.log(
  `baseline split(" ")  ${(baseline / 1e6).toFixed(2)} M lines/s; the splitter costs ${(baseline / split).toFixed(2)}× the baseline`,
);
const whole: number[] = [];
for (let r = 0; r < 5; r++) {
  const t = performance.now();
  await readAlbLogs(DIR, { serviceTimes: true });
  whole.push(performance.now() - t);
}
console.log(
  `readAlbLogs (gunzip, lines, bins, service sample): median ${median(whole).toFixed(0)} ms for ${lines.length} entries`,
);
