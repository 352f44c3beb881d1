import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { forEachCsvRow } from "../../src/trace/csv-counts.js";

// forEachCsvRow reads plain files (no quotes, no carriage returns, equal column counts) without
// csv-parse; whatever the file, the rows it hands over, or its failure, must be csv-parse's own.
const dir = mkdtempSync(join(tmpdir(), "scalesim-plain-csv-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

async function viaReader(text: string): Promise<string[][] | "error"> {
  const file = join(dir, `t${n++}.csv`);
  writeFileSync(file, text);
  const rows: string[][] = [];
  try {
    await forEachCsvRow(
      { file, displayName: file },
      (h) => rows.push(h),
      (cells) => rows.push(cells),
    );
  } catch {
    return "error";
  }
  return rows;
}

function viaCsvParse(text: string): string[][] | "error" {
  try {
    return parse(text, { bom: true, skip_empty_lines: true, relax_column_count: false }) as string[][];
  } catch {
    return "error";
  }
}

describe("forEachCsvRow without csv-parse on plain files", () => {
  it("hands over the same rows as csv-parse, or fails where it fails, on generated files", async () => {
    let cases = 0;
    let plain = 0;
    await fc.assert(
      fc.asyncProperty(
        fc
          .array(fc.constantFrom("a", "1", "2.5", ",", ",", "\n", "\n", "\n", " ", '"', "\r\n", "\uFEFF"), {
            maxLength: 40,
          })
          .map((parts) => parts.join("")),
        fc.boolean(),
        async (body, bom) => {
          const text = (bom ? "\uFEFF" : "") + body;
          cases++;
          if (!text.includes('"') && !text.includes("\r")) plain++;
          expect(await viaReader(text)).toEqual(viaCsvParse(text));
        },
      ),
      { numRuns: 400 },
    );
    // Both kinds of file were exercised.
    expect(cases).toBe(400);
    expect(plain).toBeGreaterThan(50);
    expect(cases - plain).toBeGreaterThan(50);
  });

  it("reads a WorldCup98-style file with a BOM, blank lines and no final newline as csv-parse does", async () => {
    const text = "\uFEFFtimestamp,count\n1998-04-30 21:30:00,2.0\n\n1998-04-30 21:31:00,11.0";
    expect(await viaReader(text)).toEqual([
      ["timestamp", "count"],
      ["1998-04-30 21:30:00", "2.0"],
      ["1998-04-30 21:31:00", "11.0"],
    ]);
    expect(viaCsvParse(text)).toEqual(await viaReader(text));
  });
});
