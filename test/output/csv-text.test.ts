import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { r } from "../../src/analysis/summary.js";
import { MINUTE_COLUMNS, MinuteSeries } from "../../src/models/traffic/minute-series.js";
import { AsciiText, minuteTimes } from "../../src/output/csv-text.js";
import { seriesCsv } from "../../src/output/files.js";
import type { SimulationResult } from "../../src/simulate.js";

/** series.csv as it was built before the byte writer: a Date, a number conversion and a join per row. */
function plainSeriesCsv(res: SimulationResult): string {
  const lines = [["time", "minute", "platform", ...MINUTE_COLUMNS].join(",")];
  for (const p of res.platforms) {
    const cols = MINUTE_COLUMNS.map((c) => p.minutes.columns[c]);
    for (let m = 0; m < p.minutes.minutes; m++) {
      const row: (string | number)[] = [new Date(res.startMs + m * 60_000).toISOString(), m, p.name];
      for (const col of cols) row.push(Number.isNaN(col[m]) ? "" : r(col[m], 6));
      lines.push(row.join(","));
    }
  }
  return `${lines.join("\n")}\n`;
}

const round6 = (v: number) => {
  const t = new AsciiText(4);
  t.round6(v);
  return t.text();
};
const plain6 = (v: number) => (Number.isNaN(v) ? "" : String(r(v, 6)));

describe("series.csv cells", () => {
  it("round6 prints what String(r(v, 6)) prints", () => {
    const edges = [
      0,
      -0,
      1,
      -1,
      0.5,
      -0.5,
      1e-6,
      -1e-6,
      4e-7,
      5e-7,
      -5e-7,
      6e-7,
      0.0000015,
      2.5e-6,
      0.1,
      0.2,
      0.3,
      1 / 3,
      2 / 3,
      42.426407,
      295.146125,
      999999.9999995,
      1e9 - 1e-6,
      1e9,
      123456789.123456,
      999999999.999999,
      1e15 / 1e6,
      1e9 + 0.5e-6,
      9.99999999e8,
      1e10,
      1e12,
      1e14,
      1e15,
      1e16,
      1e20,
      1e21,
      1e22,
      -1e21,
      Number.MAX_SAFE_INTEGER,
      Number.MAX_VALUE,
      Number.MIN_VALUE,
      Number.EPSILON,
      Infinity,
      -Infinity,
      NaN,
    ];
    for (const v of edges) expect(round6(v), String(v)).toBe(plain6(v));
    fc.assert(
      fc.property(fc.double({ noNaN: false }), (v) => round6(v) === plain6(v)),
      { numRuns: 20_000 },
    );
    fc.assert(
      fc.property(fc.double({ min: -1e10, max: 1e10, noNaN: true }), (v) => round6(v) === plain6(v)),
      { numRuns: 50_000 },
    );
    // Values a run prints: counts, percentages and latencies with up to 6 decimals, and their neighbours.
    fc.assert(
      fc.property(
        fc.integer({ min: -(10 ** 15) + 1, max: 10 ** 15 - 1 }),
        fc.integer({ min: -3, max: 3 }),
        (k, e) => {
          const v = k / 1e6 + e * Number.EPSILON * Math.abs(k / 1e6);
          return round6(v) === plain6(v);
        },
      ),
      { numRuns: 50_000 },
    );
  });

  it("smallUint prints String(x)", () => {
    for (const x of [0, 1, 9, 10, 99, 100, 1_000_000, 2 ** 31 - 1]) {
      const t = new AsciiText(1);
      t.smallUint(x);
      expect(t.text()).toBe(String(x));
    }
  });

  it("minuteTimes gives new Date(start + m minutes).toISOString()", () => {
    const check = (startMs: number, minutes: number) => {
      const time = minuteTimes(startMs, minutes);
      for (let m = 0; m < minutes; m++) expect(time(m)).toBe(new Date(startMs + m * 60_000).toISOString());
    };
    check(Date.UTC(1998, 3, 30, 21, 30), 3000);
    check(Date.UTC(2024, 1, 28, 23, 58, 59, 999), 3000); // a leap day, seconds and milliseconds kept
    check(-1, 10);
    check(-86_400_000 * 400 + 12_345, 3000); // before 1970
    check(8.64e15 - 60_000 * 5, 6); // the last valid instants
    check(1.5, 3); // not a whole millisecond: Date's own conversion
    check(Date.UTC(9999, 11, 31, 23, 58), 4); // into year 10000 (+010000-…)
    fc.assert(
      fc.property(fc.integer({ min: -8.6e15, max: 8.6e15 }), (startMs) => {
        const time = minuteTimes(startMs, 3000);
        for (const m of [0, 1, 1439, 1440, 2999])
          if (time(m) !== new Date(startMs + m * 60_000).toISOString()) return false;
        return true;
      }),
      { numRuns: 2_000 },
    );
  });
});

describe("seriesCsv", () => {
  const result = (startMs: number, names: string[], minutes: number, seed: number): SimulationResult => {
    let s = seed;
    const rand = () => {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      return s / 2 ** 32;
    };
    const platforms = names.map((name) => {
      const series = new MinuteSeries(minutes);
      for (const c of MINUTE_COLUMNS)
        for (let m = 0; m < minutes; m++) {
          const u = rand();
          series.columns[c][m] =
            u < 0.1
              ? Number.NaN
              : u < 0.3
                ? Math.floor(rand() * 100)
                : u < 0.4
                  ? -rand()
                  : rand() * 10 ** (rand() * 12 - 4);
        }
      return { name, minutes: series };
    });
    return { startMs, platforms } as unknown as SimulationResult;
  };

  it("is byte for byte the plain rows (several platforms, NaN cells, any start)", () => {
    for (const [start, names] of [
      [Date.UTC(1998, 3, 30, 21, 30), ["fargate"]],
      [Date.UTC(2025, 0, 1, 0, 0, 7, 250), ["ec2", "fargate-spot", "eks.pods_1"]],
      [1.25, ["a"]],
      [-123_456_789, ["b", "c"]],
    ] as [number, string[]][]) {
      const res = result(start, names, 3000, names.length);
      expect(seriesCsv(res)).toBe(plainSeriesCsv(res));
    }
  });

  it("falls back to the plain rows for a platform name beyond ASCII", () => {
    const res = result(0, ["café"], 10, 3);
    expect(seriesCsv(res)).toBe(plainSeriesCsv(res));
  });
});
