import { describe, expect, it } from "vitest";
import { readCountValues, readCountsCsv } from "../../src/trace/csv-counts.js";
import { ZONELESS_NOTE } from "../../src/trace/series.js";
import { totalRequests } from "../../src/trace/window.js";
import { fixture, inputError } from "./helpers.js";

const MIN = 60_000;
const WC_START = Date.UTC(1998, 3, 30, 21, 30); // first row of the WorldCup98 minute file (SOURCE.md)

describe("readCountsCsv: WorldCup98 format", () => {
  it("reads the first rows of the real minute file (header timestamp,count; counts like 741.0)", async () => {
    const s = await readCountsCsv(fixture("wc98-head.csv"));
    expect(s.startMs).toBe(WC_START);
    expect(s.stepMs).toBe(MIN);
    expect(s.counts.length).toBe(35);
    expect(s.counts[0]).toBe(2);
    // SOURCE.md: "Opening minutes show the 22:00 launch step (64 -> 741 req/min)".
    const at2159 = (Date.UTC(1998, 3, 30, 21, 59) - s.startMs) / MIN;
    expect(s.counts[at2159]).toBe(64);
    expect(s.counts[at2159 + 1]).toBe(741);
    expect(s.notes).toContain(ZONELESS_NOTE);
  });

  it("names the file, line and column of a non-numeric count", async () => {
    const e = await inputError(readCountsCsv(fixture("bad-count.csv"), { path: "traffic.trace" }));
    expect(e.location).toMatchObject({ line: 4, col: 21, path: "traffic.trace" });
    expect(e.location.file).toContain("bad-count.csv");
    expect(e.detail).toMatch(/"n\/a" in column "count" is not a number/);
    expect(e.message).toMatch(/bad-count\.csv:4:21: traffic\.trace: /);
  });

  it("rejects a negative count with its line and column", async () => {
    const e = await inputError(readCountsCsv(fixture("negative-count.csv")));
    expect(e.location).toMatchObject({ line: 3, col: 21 });
    expect(e.detail).toMatch(/negative/);
  });

  it("counts blank lines and quoted fields when locating an error", async () => {
    const e = await inputError(readCountsCsv(fixture("blank-lines.csv")));
    expect(e.location).toMatchObject({ line: 7, col: 18 });
  });

  it("rejects a duplicate timestamp at its line", async () => {
    const e = await inputError(readCountsCsv(fixture("wc98-duplicate.csv")));
    expect(e.location.line).toBe(5);
    expect(e.detail).toMatch(/duplicate timestamp: 1998-04-30T21:32:00\.000Z/);
  });

  it("rejects a timestamp that goes backwards at its line", async () => {
    const e = await inputError(readCountsCsv(fixture("wc98-backwards.csv")));
    expect(e.location.line).toBe(6);
    expect(e.detail).toMatch(/goes backwards/);
  });

  it("rejects a gap by default, naming the line and the number of missing intervals", async () => {
    const e = await inputError(readCountsCsv(fixture("wc98-gap.csv")));
    expect(e.location.line).toBe(5);
    expect(e.detail).toMatch(/2 missing interval\(s\) of 60 s between 1998-04-30T21:32:00\.000Z/);
    expect(e.detail).toMatch(/gaps: zero/);
  });

  it("fills a gap with zeros when asked, and reports how many", async () => {
    const s = await readCountsCsv(fixture("wc98-gap.csv"), { gaps: "zero" });
    expect(Array.from(s.counts)).toEqual([2, 11, 16, 0, 0, 7, 5]);
    expect(s.notes).toContain("2 missing interval(s) filled with zero requests");
  });

  it("rejects a row off the inferred grid", async () => {
    const e = await inputError(readCountsCsv(fixture("wc98-backwards.csv"), { stepMs: 120_000 }));
    expect(e.location.line).toBe(3);
    expect(e.detail).toMatch(/off the 120 s grid/);
  });

  it("lists the header's columns when a column is missing", async () => {
    const e = await inputError(readCountsCsv(fixture("epoch-seconds.csv")));
    expect(e.location.line).toBe(1);
    expect(e.detail).toBe('column "timestamp" not found; the header has "time", "requests", "host"');
  });

  it("reads epoch seconds with named columns", async () => {
    const s = await readCountsCsv(fixture("epoch-seconds.csv"), {
      timestampColumn: "time",
      valueColumn: "requests",
    });
    expect(s.startMs).toBe(WC_START);
    expect(s.stepMs).toBe(MIN);
    expect(Array.from(s.counts)).toEqual([2, 11, 16]);
    expect(s.notes).not.toContain(ZONELESS_NOTE);
  });

  it("honours zone offsets, mixing Z and +02:00", async () => {
    const s = await readCountsCsv(fixture("iso-offsets.csv"), { timestampColumn: "ts", valueColumn: "n" });
    expect(s.startMs).toBe(WC_START);
    expect(Array.from(s.counts)).toEqual([2, 11, 16]);
    expect(s.notes).not.toContain(ZONELESS_NOTE);
  });
});

describe("readCountValues: NASA-HTTP 1995 format (space-separated counts per second)", () => {
  it("reads the first values of the real file", async () => {
    const start = Date.UTC(1995, 6, 1, 4, 0, 1); // SOURCE.md: index 1 = 1995-07-01 00:00:01 EDT (-0400)
    const s = await readCountValues(fixture("nasa-head.txt"), { startMs: start, stepMs: 1000 });
    expect(Array.from(s.counts.slice(0, 12))).toEqual([1, 0, 0, 0, 0, 1, 0, 0, 1, 0, 2, 3]);
    expect(s.counts.length).toBe(30);
    expect(totalRequests(s)).toBe(s.counts.reduce((a, b) => a + b, 0));
    expect(s.startMs).toBe(start);
  });
});

describe("readCountsCsv: empty count cells (as in 10 minutes of the WorldCup98 minute file)", () => {
  it("are gaps: an error by default, at their line", async () => {
    const e = await inputError(readCountsCsv(fixture("empty-count.csv")));
    expect(e.location).toMatchObject({ line: 3, col: 21 });
    expect(e.detail).toMatch(/empty count .* set gaps: zero/);
  });

  it("read as zero with gaps: zero, counted in a note", async () => {
    const s = await readCountsCsv(fixture("empty-count.csv"), { gaps: "zero" });
    expect(Array.from(s.counts)).toEqual([2, 0, 16]);
    expect(s.notes).toContain("1 interval(s) with an empty count read as zero requests");
  });
});

describe("readCountsCsv: malformed CSV and options", () => {
  it("reports csv-parse errors with their line", async () => {
    const e = await inputError(readCountsCsv(fixture("extra-column.csv")));
    expect(e.location.line).toBe(3);
    expect(e.detail).toMatch(/^malformed CSV: /);
  });

  it("rejects a time zone other than UTC instead of ignoring it", async () => {
    const e = await inputError(
      readCountsCsv(fixture("wc98-head.csv"), {
        timezone: "Europe/Paris" as "UTC",
        path: "traffic.timezone",
      }),
    );
    expect(e.location.path).toBe("traffic.timezone");
  });

  it("needs stepMs for a single row, and uses it", async () => {
    const e = await inputError(readCountsCsv(fixture("one-row.csv")));
    expect(e.detail).toMatch(/only one data row/);
    const s = await readCountsCsv(fixture("one-row.csv"), { stepMs: 60_000 });
    expect(Array.from(s.counts)).toEqual([741]);
  });
});
