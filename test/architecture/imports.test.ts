import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

/**
 * Imports go one way. Every src/**\/*.ts file belongs to a layer, and a layer imports only the layers
 * listed for it below (always itself). `types:X` allows type-only imports of X (erased at compile time:
 * a shape, never code that runs). From the bottom:
 *
 *   base (errors, input-text, assumptions, data/) ← rules ← engine ← models ← scenario + policies, trace
 *     ← wiring (+ simulate.ts)
 *     ← analysis ← output ← sweep, studies, backtest ← calibrate ← render ← api (api.ts, index.ts) ← cli
 *
 * - rules/ holds pure AWS rule checks (cron, alarm and step-adjustment rules) that scenario and models share.
 * - policies/ holds one module per PolicyType: its schema (beside the scenario's) and its runner factory
 *   (over models/aas), so it sits at the scenario's level and may import models.
 * - models never import scenario: they take their own config types, which the validated scenario satisfies.
 * - scenario may import from models only types and pure rule modules (see `isPureRuleModule`): AWS rule
 *   checks that validation needs, never a model's stateful code.
 * - analysis and render never run a simulation: simulate.ts, wiring/ and the sweep are types only to them,
 *   and studies/ (which runs simulations for a study) is above analysis.
 * - sweep writes run outputs through output/ and computes rows with analysis/, never through render/.
 */
/** What everything from the wiring up may use: the model, its inputs and the rules they share. */
const BELOW_WIRING = ["base", "rules", "engine", "models", "scenario", "policies", "trace"];
/** What the studies that run scenarios (sweep, growth, backtest) may use. */
const BELOW_STUDIES = [...BELOW_WIRING, "wiring", "analysis", "output"];
const BELOW_API = [...BELOW_STUDIES, "sweep", "studies", "backtest", "calibrate", "render"];

const LAYERS: Record<string, { paths: string[]; imports: string[] }> = {
  base: { paths: ["src/errors.ts", "src/input-text.ts", "src/assumptions.ts", "src/data/"], imports: [] },
  rules: { paths: ["src/rules/"], imports: ["base"] },
  engine: { paths: ["src/engine/"], imports: ["base"] },
  models: { paths: ["src/models/"], imports: ["base", "rules", "engine"] },
  scenario: {
    paths: ["src/scenario/"],
    imports: ["base", "rules", "engine", "trace", "policies", "pure:models", "types:models"],
  },
  policies: { paths: ["src/policies/"], imports: ["base", "rules", "engine", "models", "scenario"] },
  trace: { paths: ["src/trace/"], imports: ["base", "rules", "engine"] },
  wiring: { paths: ["src/wiring/", "src/simulate.ts"], imports: BELOW_WIRING },
  analysis: { paths: ["src/analysis/"], imports: [...BELOW_WIRING, "types:wiring"] },
  output: { paths: ["src/output/"], imports: [...BELOW_WIRING, "types:wiring", "analysis"] },
  sweep: { paths: ["src/sweep/"], imports: BELOW_STUDIES },
  studies: { paths: ["src/studies/"], imports: BELOW_STUDIES },
  backtest: { paths: ["src/backtest/"], imports: BELOW_STUDIES },
  calibrate: { paths: ["src/calibrate/"], imports: [...BELOW_STUDIES, "backtest"] },
  render: {
    paths: ["src/render/"],
    imports: [
      "base",
      "engine",
      "types:models",
      "types:scenario",
      "types:policies",
      "types:wiring",
      "analysis",
      "output",
      "types:sweep",
    ],
  },
  api: { paths: ["src/api.ts", "src/index.ts"], imports: BELOW_API },
  cli: { paths: ["src/cli/"], imports: [...BELOW_API, "api"] },
};

/**
 * Known exceptions: imports allowed to break the layering while their files move (none today). Each entry
 * is a pattern of importing files and one of imported files; the last test below fails while an entry
 * matches no import any more, so a finished move deletes its entry.
 */
const KNOWN_EXCEPTIONS: { from: RegExp; to: RegExp; why: string }[] = [];

interface Import {
  from: string;
  to: string;
  typeOnly: boolean;
  /** `import("…")` at run time: loaded when called, not when the importing module loads. */
  dynamic?: boolean;
}

const ROOT = normalize(join(dirname(new URL(import.meta.url).pathname), "../.."));

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const path = `${dir}/${e.name}`;
    if (e.isDirectory()) return sourceFiles(path);
    return e.name.endsWith(".ts") ? [path] : [];
  });
}

/** `./x.js` from `src/a/b.ts` is `src/a/x.ts`; a folder is its index.ts. */
function resolveSpecifier(from: string, spec: string, files: Set<string>): string | undefined {
  if (!spec.startsWith(".")) return undefined;
  const base = relative(ROOT, join(ROOT, dirname(from), spec));
  const candidates = [base.replace(/\.js$/, ".ts"), `${base}.ts`, `${base}/index.ts`];
  return candidates.find((c) => files.has(c)) ?? base;
}

function isTypeOnlyImport(node: ts.ImportDeclaration): boolean {
  const clause = node.importClause;
  if (!clause) return false; // a side-effect import runs the module
  if (clause.isTypeOnly) return true;
  const bindings = clause.namedBindings;
  return (
    clause.name === undefined &&
    bindings !== undefined &&
    ts.isNamedImports(bindings) &&
    bindings.elements.length > 0 &&
    bindings.elements.every((e) => e.isTypeOnly)
  );
}

/** Every static import, re-export, dynamic `import()` and `import("...")` type of a file. */
function importsOf(file: string, text: string, files: Set<string>): Import[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
  const out: Import[] = [];
  const add = (spec: string, typeOnly: boolean, dynamic = false) => {
    const to = resolveSpecifier(file, spec, files);
    if (to !== undefined) out.push({ from: file, to, typeOnly, ...(dynamic ? { dynamic } : {}) });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      add(node.moduleSpecifier.text, isTypeOnlyImport(node));
    } else if (
      ts.isExportDeclaration(node) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      add(node.moduleSpecifier.text, node.isTypeOnly);
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      add(node.arguments[0].text, false, true);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      const lit = node.argument.literal;
      if (ts.isStringLiteral(lit)) add(lit.text, true);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

function layerOf(file: string): string | undefined {
  let best: [string, number] | undefined;
  for (const [name, layer] of Object.entries(LAYERS)) {
    for (const p of layer.paths) {
      const hit = p.endsWith("/") ? file.startsWith(p) : file === p;
      if (hit && (!best || p.length > best[1])) best = [name, p.length];
    }
  }
  return best?.[0];
}

const FILES = sourceFiles("src");
const FILE_SET = new Set(FILES);
const TEXT = new Map(FILES.map((f) => [f, readFileSync(join(ROOT, f), "utf8")]));
const IMPORTS = FILES.flatMap((f) => importsOf(f, TEXT.get(f) ?? "", FILE_SET));

/**
 * A pure rule module of models/: what it runs (its value imports, followed through) holds no simulation
 * kernel (engine/sim.ts, engine/queue.ts), no class but error classes and no module-level `let`, so
 * validation can call it without building a model.
 */
function isPureRuleModule(file: string, seen = new Set<string>()): boolean {
  if (seen.has(file)) return true;
  seen.add(file);
  if (file === "src/engine/sim.ts" || file === "src/engine/queue.ts") return false;
  const text = TEXT.get(file) ?? "";
  if (/^(export )?(abstract )?class (?!\w+ extends \w*Error\b)/m.test(text)) return false;
  if (/^(export )?let /m.test(text)) return false;
  return IMPORTS.filter((i) => i.from === file && !i.typeOnly).every((i) => isPureRuleModule(i.to, seen));
}

/** Why `imp` breaks the layering, or undefined when it is allowed. */
function violation(imp: Import): string | undefined {
  const from = layerOf(imp.from);
  const to = layerOf(imp.to);
  if (from === undefined || to === undefined) return `${imp.from} → ${imp.to}: a file outside every layer`;
  if (from === to) return undefined;
  const allowed = LAYERS[from].imports;
  if (allowed.includes(to)) return undefined;
  if (imp.typeOnly && allowed.includes(`types:${to}`)) return undefined;
  if (allowed.includes(`pure:${to}`) && isPureRuleModule(imp.to)) return undefined;
  const kind = imp.typeOnly ? "type import" : "import";
  return `${imp.from} → ${imp.to}: ${from} may not ${kind} ${to}`;
}

const isKnown = (imp: Import) => KNOWN_EXCEPTIONS.some((e) => e.from.test(imp.from) && e.to.test(imp.to));

describe("import direction", () => {
  it("reads the imports it checks (static, re-exports, dynamic and import types)", () => {
    expect(FILES.length).toBeGreaterThan(100);
    expect(IMPORTS.length).toBeGreaterThan(500);
    const dynamic = importsOf("src/cli/x.ts", 'const m = await import("../render/table.js");', FILE_SET);
    expect(dynamic).toEqual([
      { from: "src/cli/x.ts", to: "src/render/table.ts", typeOnly: false, dynamic: true },
    ]);
    const types = importsOf(
      "src/a.ts",
      'import { type A, type B } from "./b.js"; let x: import("./c.js").C;',
      FILE_SET,
    );
    expect(types.map((i) => i.typeOnly)).toEqual([true, true]);
  });

  it("rejects a lower layer importing a higher one, and running code where only types may go", () => {
    const imp = (from: string, to: string, typeOnly = false): Import => ({ from, to, typeOnly });
    expect(violation(imp("src/analysis/summary.ts", "src/render/html.ts"))).toMatch(
      /analysis may not import render/,
    );
    expect(violation(imp("src/render/build.ts", "src/simulate.ts"))).toMatch(/render may not import wiring/);
    expect(violation(imp("src/render/build.ts", "src/simulate.ts", true))).toBeUndefined();
    expect(violation(imp("src/analysis/growth.ts", "src/studies/growth.ts"))).toMatch(/analysis may not/);
    expect(violation(imp("src/sweep/task.ts", "src/render/table.ts"))).toMatch(/sweep may not import render/);
    expect(violation(imp("src/models/traffic/index.ts", "src/scenario/schema.ts", true))).toMatch(
      /models may not type import scenario/,
    );
    expect(violation(imp("src/engine/sim.ts", "src/models/ecs/task.ts"))).toMatch(/engine may not/);
    // scenario: pure AWS rule checks yes, a stateful model no.
    expect(violation(imp("src/scenario/aas.ts", "src/models/aas/step-scaling.ts"))).toBeUndefined();
    expect(violation(imp("src/scenario/aas.ts", "src/models/traffic/request.ts"))).toMatch(
      /scenario may not/,
    );
  });

  it("every import follows the layering, apart from the known exceptions", () => {
    const found = IMPORTS.filter((i) => !isKnown(i))
      .map(violation)
      .filter((v): v is string => v !== undefined);
    expect(found).toEqual([]);
  });

  it("every known exception still occurs (delete the ones that no longer do)", () => {
    const unused = KNOWN_EXCEPTIONS.filter(
      (e) => !IMPORTS.some((i) => e.from.test(i.from) && e.to.test(i.to) && violation(i) !== undefined),
    ).map((e) => e.why);
    expect(unused).toEqual([]);
  });
  it("no module of src/ loads itself again through its imports (no import cycle)", () => {
    // A module loads, when it loads, what it imports for values: not types (erased), not import() calls.
    const files = FILES;
    const edges = new Map<string, string[]>(files.map((f) => [f, []]));
    for (const i of IMPORTS) if (!i.typeOnly && !i.dynamic) edges.get(i.from)?.push(i.to);
    const cycles: string[] = [];
    const state = new Map<string, "open" | "done">();
    const visit = (f: string, stack: string[]) => {
      state.set(f, "open");
      stack.push(f);
      for (const g of edges.get(f) ?? []) {
        if (state.get(g) === "open")
          cycles.push(
            stack
              .slice(stack.indexOf(g))
              .map((x) => x)
              .join(" -> "),
          );
        else if (!state.has(g)) visit(g, stack);
      }
      stack.pop();
      state.set(f, "done");
    };
    for (const f of files) if (!state.has(f)) visit(f, []);
    expect(files.length).toBeGreaterThan(100);
    expect(cycles).toEqual([]);
  });
});
