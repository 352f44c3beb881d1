import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { writeText } from "../../src/output/files.js";

const dir = mkdtempSync(join(tmpdir(), "scalesim-write-text-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("writeText", () => {
  it("writes the UTF-8 bytes of the whole string, in pieces or not", () => {
    const piece = 1 << 18;
    const texts = [
      "",
      "a,b\n1,2\n",
      "x".repeat(piece),
      "x".repeat(piece + 1),
      // A surrogate pair across each piece boundary, multi-byte characters, and ASCII.
      `${"y".repeat(piece - 1)}😀${"é".repeat(piece)}${"€".repeat(10)}😀`,
      `${"z".repeat(3 * piece - 1)}😀tail`,
      "0123456789,\n".repeat(1_100_000),
    ];
    texts.forEach((text, i) => {
      const file = join(dir, `t${i}.txt`);
      writeText(file, text);
      expect(readFileSync(file).equals(Buffer.from(text, "utf8")), `text ${i}`).toBe(true);
    });
  });
});
