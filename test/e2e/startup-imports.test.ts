import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/** Specifiers a module loads when it is loaded: static `import ... from` and `export ... from`, not `import type`. */
function staticImports(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const out: string[] = [];
  const re = /^(?:import|export)\s+(?!type\s)(?:[^;]*?\s+from\s+)?"([^"]+)";?/gms;
  for (const m of text.matchAll(re)) out.push(m[1]);
  return out;
}

/** Every module the CLI's entry loads before any command runs, following relative static imports. */
function startupGraph(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    for (const spec of staticImports(file)) {
      if (spec.startsWith(".")) visit(resolve(dirname(file), spec).replace(/\.js$/, ".ts"));
      else if (!spec.startsWith("node:"))
        packages.add(spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0]);
    }
  };
  visit(entry);
  return { files, packages };
}

describe("start-up: `scalesim --version` loads only the command line", () => {
  const graph = startupGraph(resolve(root, "src/cli/main.ts"));

  it("loads no package but commander", () => {
    // zod (the scenario schema, ~0.6 s of schema building at import), yaml, piscina, cli-progress, vega…
    expect([...graph.packages]).toEqual(["commander"]);
  });

  it("loads none of the scenario, simulator, sweep pool or report modules", () => {
    const loaded = [...graph.files].map((f) => f.slice(root.length + 1)).sort();
    expect(loaded.filter((f) => !f.startsWith("src/cli/"))).toEqual(["src/errors.ts", "src/sweep/shard.ts"]);
  });
});
