import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EPOCH_MS_THRESHOLD, guessEpochUnit, isoHasZone, parseIsoMs } from "../../src/trace/series.js";

describe("parseIsoMs", () => {
  // Zoned forms are checked against Date.parse, whose handling of ISO 8601 with Z or an offset is
  // fixed by ECMA-262 §21.4.1.32 (Date Time String Format); zone-less forms must equal the same time in UTC.
  it.each([
    ["1998-04-30T21:30:00Z", "1998-04-30T21:30:00Z"],
    ["1998-04-30T23:30:00+02:00", "1998-04-30T23:30:00+02:00"],
    ["1998-04-30T17:30:00-04:00", "1998-04-30T17:30:00-04:00"],
    ["1998-04-30T21:30:00.250Z", "1998-04-30T21:30:00.250Z"],
    ["2024-09-29T22:10:00+00:00", "2024-09-29T22:10:00+00:00"],
    ["2024-02-29T00:00:00Z", "2024-02-29T00:00:00Z"],
  ])("%s equals Date.parse", (text, oracle) => {
    expect(parseIsoMs(text)).toBe(Date.parse(oracle));
  });

  it.each([
    ["1998-04-30 21:30:00", "1998-04-30T21:30:00Z"],
    ["1998-04-30T21:30:00", "1998-04-30T21:30:00Z"],
    ["1998-04-30 21:30", "1998-04-30T21:30:00Z"],
    ["1998-04-30", "1998-04-30T00:00:00Z"],
    ["1998-04-30T23:30:00+0200", "1998-04-30T23:30:00+02:00"],
    ["1998-04-30T23:30:00+02", "1998-04-30T23:30:00+02:00"],
    ["1998-04-30T21:30:00,5Z", "1998-04-30T21:30:00.500Z"],
    [" 1998-04-30 21:30:00 ", "1998-04-30T21:30:00Z"],
  ])("%s reads as %s", (text, oracle) => {
    expect(parseIsoMs(text)).toBe(Date.parse(oracle));
  });

  it.each([
    "",
    "abc",
    "1998-02-29",
    "1900-02-29T00:00:00Z",
    "1998-13-01",
    "1998-04-31 00:00:00",
    "1998-04-30 24:00:00",
    "1998-04-30 21:60:00",
    "1998-04-30 21:30:61",
    "1998-04-30X21:30:00",
    "1998-04-30T21:30:00+2",
    "1998-04-30T21:30:00Q",
    "1998-04-30T21:30:00.",
    "98-04-30",
  ])("rejects %j", (text) => {
    expect(parseIsoMs(text)).toBeNaN();
  });

  it("round-trips toISOString for any instant (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: -30_000_000_000_000, max: 250_000_000_000_000 }), (ms) => {
        const iso = new Date(ms).toISOString();
        expect(parseIsoMs(iso)).toBe(ms);
        expect(parseIsoMs(iso.replace("T", " ").replace("Z", ""))).toBe(ms);
      }),
    );
  });

  it("tells zoned from zone-less text", () => {
    expect(isoHasZone("1998-04-30 21:30:00")).toBe(false);
    expect(isoHasZone("1998-04-30")).toBe(false);
    expect(isoHasZone("1998-04-30T21:30:00Z")).toBe(true);
    expect(isoHasZone("2024-09-29T22:10:00+00:00")).toBe(true);
    expect(isoHasZone("1998-04-30T21:30:00-0400")).toBe(true);
  });
});

describe("epoch unit", () => {
  it("reads magnitudes on either side of the threshold", () => {
    expect(guessEpochUnit(893971800)).toBe("s"); // 1998-04-30T21:30:00Z in seconds
    expect(guessEpochUnit(893971800000)).toBe("ms");
    expect(guessEpochUnit(EPOCH_MS_THRESHOLD - 1)).toBe("s");
    expect(guessEpochUnit(EPOCH_MS_THRESHOLD)).toBe("ms");
  });
});
