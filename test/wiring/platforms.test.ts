import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : [],
  );
}

describe("the wiring layer", () => {
  it("models never import wiring (wiring assembles models, not the other way round)", () => {
    const files = tsFiles("src/models");
    expect(files.length).toBeGreaterThan(50);
    const offenders = files.filter((f) => /from "[^"]*\/wiring\//.test(readFileSync(f, "utf8")));
    expect(offenders).toEqual([]);
  });

  it("every platform kind of the scenario schema has one line in the registry", () => {
    const schemas = readFileSync("src/scenario/platforms/index.ts", "utf8");
    const registry = readFileSync("src/wiring/platforms/registry.ts", "utf8");
    const kinds = [...schemas.matchAll(/^import \{ (\w+)Platform \} from "\.\/([\w-]+)\.js";$/gm)].map(
      (m) => m[2],
    );
    expect(kinds.length).toBe(6);
    for (const k of kinds)
      expect(registry).toMatch(new RegExp(`^\\s+"?${k}"?: \\(input\\) => runPlatformKind\\(`, "m"));
  });
});
