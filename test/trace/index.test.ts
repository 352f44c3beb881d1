import { dirname } from "node:path";
import { describe, expect, it } from "vitest";
import { loadTraffic } from "../../src/trace/index.js";
import { fixture, inputError } from "./helpers.js";

const baseDir = dirname(fixture("wc98-head.csv"));
const T0 = Date.UTC(1998, 3, 30, 21, 30);

describe("loadTraffic", () => {
  it("loads a relative csv trace, cuts a window and applies the multiplier", async () => {
    const s = await loadTraffic(
      {
        trace: "wc98-head.csv",
        multiplier: 2,
        window: { startMs: Date.UTC(1998, 3, 30, 21, 59), durationMs: 120_000 },
      },
      { baseDir },
    );
    expect(Array.from(s.counts)).toEqual([128, 1482]);
    expect(s.startMs).toBe(Date.UTC(1998, 3, 30, 21, 59));
  });

  it("treats durationMs without a window as the length from the trace start", async () => {
    const s = await loadTraffic({ trace: "wc98-head.csv", durationMs: 180_000 }, { baseDir });
    expect(Array.from(s.counts)).toEqual([2, 11, 16]);
  });

  it("picks cloudwatch for .json and passes the gap policy", async () => {
    const s = await loadTraffic({ trace: "cw-get-metric-data.json" }, { baseDir });
    expect(s.counts.length).toBe(5);
    const e = await inputError(loadTraffic({ trace: "cw-get-metric-data.json", gaps: "error" }, { baseDir }));
    expect(e.location.path).toBe("traffic.trace");
  });

  it("dispatches requests and values formats", async () => {
    const r = await loadTraffic(
      { trace: "requests.csv", format: "requests", serviceColumn: "service_ms" },
      { baseDir },
    );
    expect(r.requestTimesMs?.length).toBe(4);
    const v = await loadTraffic(
      { trace: "nasa-head.txt", format: "values", startMs: 0, stepMs: 1000 },
      { baseDir },
    );
    expect(v.counts.length).toBe(30);
    const e = await inputError(loadTraffic({ trace: "nasa-head.txt", format: "values" }, { baseDir }));
    expect(e.location.path).toBe("traffic.stepMs");
  });

  it("generates synthetic traffic with the run seed", async () => {
    const spec = { synthetic: { shape: "constant" as const, rate: 5, poisson: true }, durationMs: 30_000 };
    const a = await loadTraffic(spec, { baseDir, seed: 3 });
    const b = await loadTraffic(spec, { baseDir, seed: 3 });
    expect(Array.from(a.counts)).toEqual(Array.from(b.counts));
    expect(a.counts.length).toBe(30);
  });

  it("names the path of a missing file", async () => {
    const e = await inputError(
      loadTraffic({ trace: "nope/missing.csv" }, { baseDir, path: "scenarios[0].traffic" }),
    );
    expect(e.location.path).toBe("scenarios[0].traffic.trace");
    expect(e.detail).toMatch(/trace file not found: nope\/missing\.csv \(resolved to .*nope\/missing\.csv\)/);
  });

  it("shows the trace path as written in line-numbered errors", async () => {
    const e = await inputError(loadTraffic({ trace: "bad-count.csv" }, { baseDir }));
    expect(e.message).toMatch(/^bad-count\.csv:4:21: traffic\.trace: /);
  });

  it("needs exactly one of trace and synthetic", async () => {
    expect((await inputError(loadTraffic({}, { baseDir }))).location.path).toBe("traffic");
    const e = await inputError(loadTraffic({ synthetic: { shape: "constant", rate: 1 } }, { baseDir }));
    expect(e.location.path).toBe("traffic.durationMs");
  });

  it("starts at the trace's first timestamp", async () => {
    expect((await loadTraffic({ trace: "wc98-head.csv" }, { baseDir })).startMs).toBe(T0);
  });
});
