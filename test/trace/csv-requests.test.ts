import { describe, expect, it } from "vitest";
import { readRequestsCsv } from "../../src/trace/csv-requests.js";
import { fixture, inputError } from "./helpers.js";

const T0 = Date.UTC(1998, 3, 30, 21, 30); // 1998-04-30T21:30:00Z = epoch 893971800 s

describe("readRequestsCsv", () => {
  it("keeps arrivals and service times and bins them per second", async () => {
    const s = await readRequestsCsv(fixture("requests.csv"), { serviceColumn: "service_ms" });
    expect(s.startMs).toBe(T0);
    expect(s.stepMs).toBe(1000);
    expect(Array.from(s.requestTimesMs ?? [])).toEqual([250, 900, 1000, 3999]);
    expect(Array.from(s.requestServiceMs ?? [])).toEqual([12.5, 8, 20, 7.25]);
    expect(Array.from(s.counts)).toEqual([2, 1, 0, 1]);
  });

  it("bins at binMs with the start on a bin boundary", async () => {
    const s = await readRequestsCsv(fixture("requests.csv"), { binMs: 3000 });
    expect(s.startMs).toBe(T0);
    expect(Array.from(s.counts)).toEqual([3, 1]);
    expect(s.requestServiceMs).toBeUndefined();
  });

  it("rejects unsorted rows at their line by default", async () => {
    const e = await inputError(readRequestsCsv(fixture("requests-unsorted.csv")));
    expect(e.location).toMatchObject({ line: 4, col: 1 });
    expect(e.detail).toMatch(/out of order: .* 50 ms before/);
  });

  it("sorts rows within the tolerance, carrying service times, and notes it", async () => {
    const s = await readRequestsCsv(fixture("requests-unsorted.csv"), {
      serviceColumn: "service_ms",
      sortToleranceMs: 50,
    });
    expect(Array.from(s.requestTimesMs ?? [])).toEqual([250, 850, 900, 2000]);
    expect(Array.from(s.requestServiceMs ?? [])).toEqual([10, 12, 11, 13]);
    expect(s.notes).toContain("1 request(s) slightly out of order were sorted into place");
  });

  it("rejects a missing service column listing the header", async () => {
    const e = await inputError(readRequestsCsv(fixture("requests.csv"), { serviceColumn: "latency" }));
    expect(e.detail).toBe('column "latency" not found; the header has "timestamp", "service_ms", "path"');
  });
});
