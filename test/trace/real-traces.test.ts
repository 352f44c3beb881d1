import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { InputError } from "../../src/errors.js";
import { readCountValues, readCountsCsv } from "../../src/trace/csv-counts.js";
import { totalRequests } from "../../src/trace/window.js";

// The shared reference traces, at ../shared beside the repository (a checkout or a worktree); the
// documented figures come from their SOURCE.md files. Missing traces fail the suite: a silent skip would
// let these figures go unchecked wherever the traces were not set up.
const SHARED = fileURLToPath(new URL("../../../shared/traces/", import.meta.url));
const WC = `${SHARED}worldcup98`;
const NASA = `${SHARED}nasa-http-1995/workload.txt`;

describe("the shared traces", () => {
  it("are present at ../shared/traces relative to the repository", () => {
    expect(existsSync(`${WC}/wc98_workload_min.csv`), `${WC}/wc98_workload_min.csv`).toBe(true);
    expect(existsSync(`${WC}/wc98_workload_hour.csv`), `${WC}/wc98_workload_hour.csv`).toBe(true);
    expect(existsSync(NASA), NASA).toBe(true);
  });
});

describe("WorldCup98 minute trace", () => {
  it("has 10 minutes with an empty count, rejected by default with the first one's line", async () => {
    const e = await readCountsCsv(`${WC}/wc98_workload_min.csv`).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(InputError);
    expect((e as InputError).location).toMatchObject({ line: 10434, col: 21 }); // 1998-05-08 03:22:00,
    expect((e as InputError).detail).toMatch(/empty count/);
  });

  it("has the documented rows, total and peak minute", async () => {
    const t0 = performance.now();
    const s = await readCountsCsv(`${WC}/wc98_workload_min.csv`, { gaps: "zero" });
    console.log(`read wc98_workload_min.csv (87,871 rows) in ${(performance.now() - t0).toFixed(0)} ms`);
    expect(s.counts.length).toBe(87_871);
    expect(s.stepMs).toBe(60_000);
    expect(s.startMs).toBe(Date.UTC(1998, 3, 30, 21, 30));
    // Timestamps are contiguous (SOURCE.md); the empty cells count as zero, which gives the documented total.
    expect(s.notes).toEqual([
      "timestamps carry no time zone; read as UTC",
      "10 interval(s) with an empty count read as zero requests",
    ]);
    expect(totalRequests(s)).toBe(1_020_006_421);
    let peak = 0;
    for (let i = 1; i < s.counts.length; i++) if (s.counts[i] > s.counts[peak]) peak = i;
    expect(s.counts[peak]).toBe(225_138);
    expect(new Date(s.startMs + peak * s.stepMs).toISOString()).toBe("1998-06-29T16:27:00.000Z");
  });

  it("the hour file agrees on the total", async () => {
    const s = await readCountsCsv(`${WC}/wc98_workload_hour.csv`);
    expect(s.stepMs).toBe(3_600_000);
    expect(s.counts.length).toBe(1_466);
    expect(totalRequests(s)).toBe(1_020_006_421);
  });
});

describe("NASA-HTTP 1995 per-second trace", () => {
  it("has the documented values, total and maximum", async () => {
    const t0 = performance.now();
    const s = await readCountValues(NASA, { startMs: Date.UTC(1995, 6, 1, 4, 0, 1), stepMs: 1000 });
    console.log(`read nasa workload.txt (5,059,950 values) in ${(performance.now() - t0).toFixed(0)} ms`);
    expect(s.counts.length).toBe(5_059_950);
    expect(totalRequests(s)).toBe(3_461_610);
    let max = 0;
    for (const v of s.counts) if (v > max) max = v;
    expect(max).toBe(20);
  });
});
