import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ASSUMPTIONS } from "../../src/assumptions.js";
import { assumptionsMarkdown } from "../../src/render/assumptions-table.js";

describe("docs/assumptions.md", () => {
  it("is the output of `scalesim assumptions --markdown` (regenerate it when an assumption changes)", () => {
    const doc = readFileSync(new URL("../../docs/assumptions.md", import.meta.url), "utf8");
    expect(doc).toBe(assumptionsMarkdown());
  });

  it("every assumption has a unique name, a statement and a default of its kind", () => {
    const ids = ASSUMPTIONS.map((a) => a.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const a of ASSUMPTIONS) {
      expect(a.statement.length, a.id).toBeGreaterThan(15);
      if (a.kind === "choice") expect(a.choices, a.id).toContain(a.default);
      else expect(typeof a.default, a.id).toBe("number");
      if (a.kind === "integer") expect(Number.isInteger(a.default), a.id).toBe(true);
      if (a.basis !== "chosen")
        expect(a.source, `${a.id} needs a source for its ${a.basis} basis`).toMatch(/^https?:\/\//);
    }
  });
});
