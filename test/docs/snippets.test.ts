import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { parseScenario } from "../../src/scenario/load.js";
import { REPO_ROOT } from "../helpers/cli.js";

/**
 * Every YAML block of the README and docs/ is what a user copies: a block fenced ```yaml is a whole
 * scenario and must validate (relative trace paths as from scenarios/); a block fenced ```yaml fragment is
 * part of one (a platform, a traffic section) and must at least be well-formed YAML.
 */
const files = [
  "README.md",
  ...readdirSync(join(REPO_ROOT, "docs"))
    .filter((f) => f.endsWith(".md"))
    .map((f) => `docs/${f}`),
];
const blocks = files.flatMap((file) => {
  const lines = readFileSync(join(REPO_ROOT, file), "utf8").split("\n");
  const out: { file: string; line: number; info: string; text: string }[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = /^```(yaml.*)$/.exec(lines[i].trim());
    if (!m) continue;
    const start = i + 1;
    let j = start;
    while (j < lines.length && lines[j].trim() !== "```") j++;
    out.push({ file, line: start + 1, info: m[1].trim(), text: lines.slice(start, j).join("\n") });
    i = j;
  }
  return out;
});

describe("YAML blocks in the README and docs", () => {
  it("there are blocks to check", () => expect(blocks.length).toBeGreaterThan(10));
  it.each(blocks.map((b) => [`${b.file}:${b.line} (${b.info})`, b] as const))("%s", (_, b) => {
    if (b.info === "yaml fragment") {
      const doc = parseDocument(b.text);
      expect(doc.errors.map((e) => e.message)).toEqual([]);
      return;
    }
    expect(b.info).toBe("yaml");
    expect(() => parseScenario(b.text, `${b.file}:${b.line}`, join(REPO_ROOT, "scenarios"))).not.toThrow();
  });
});
