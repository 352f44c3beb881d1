/**
 * A sweep plan: the base scenario, the sweep block expanded into variants, each variant validated as a
 * whole scenario before anything runs, and the runs (variant × replication) with their seeds and keys.
 * A run's key hashes the variant's full scenario and its seed: resume, shards and merge match runs by it.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { InputError, type InputLocation, isInputError } from "../errors.js";
import { decodeText } from "../input-text.js";
import { fromObject } from "../scenario/load.js";
import { LocatedDocument } from "../scenario/locate.js";
import { type SweepBlock, SweepFile } from "../scenario/sweep.js";
import { type Combination, indexMatrix, MatrixError, type MatrixIndex, type Origin } from "./matrix.js";
import {
  canonicalJson,
  commonPrefix,
  formatPath,
  getPath,
  type PathSegment,
  parsePath,
  setPath,
} from "./path.js";
import { runSeed, type SeedMode } from "./seeds.js";

export interface PlannedVariant {
  index: number;
  id: string;
  /** Matrix key → value, in column order. */
  params: Record<string, unknown>;
}

export interface PlannedRun {
  /** `<variant id>.r<replication>`. */
  run: string;
  variant: number;
  replication: number;
  seed: number;
  key: string;
}

/** Everything about a plan that results tables need; written as sweep.meta.json (shards share it). */
export interface PlanMeta {
  format: "scalesim-sweep/1";
  scenario: string;
  hash: string;
  seeds: SeedMode;
  replications: number;
  confidence: number;
  minAttainment: number | null;
  /** Parameters the ranking is done within. */
  groupBy: string[];
  paramKeys: string[];
  variants: PlannedVariant[];
  runs: PlannedRun[];
}

export interface SweepPlan extends PlanMeta {
  /** Base scenario file and the folder its relative paths resolve against. */
  baseFile: string;
  baseDir: string;
  /** The file holding the sweep block. */
  sweepFile: string;
  /** Each variant's whole scenario as plain data (what a worker validates and runs). */
  scenarios: Record<string, unknown>[];
}

interface SweepSource {
  sweepFile: string;
  located: LocatedDocument;
  /** Path of the sweep block inside its file. */
  prefix: PathSegment[];
  block: SweepBlock;
  base: Record<string, unknown>;
  baseFile: string;
  baseDir: string;
}

export interface PlanOptions {
  /** Overrides the base scenario's seed (before the matrix, which may set `seed` itself). */
  seed?: number;
  seeds?: SeedMode;
  replications?: number;
}

/** Read a scenario with a `sweep:` block, or a sweep file `{ base, sweep }`, and plan it. */
export function loadSweepPlan(file: string, options: PlanOptions = {}): SweepPlan {
  return planSweep(readSource(file), options);
}

/** Plan from text (tests, and callers that hold the YAML in memory). */
export function parseSweepPlan(
  text: string,
  file: string,
  baseDir: string,
  options: PlanOptions = {},
): SweepPlan {
  return planSweep(sourceFromText(text, file, baseDir), options);
}

/** Read a file; a failure is reported at `at` (the line that names the file) when given. */
function readText(file: string, what: string, at?: InputLocation): string {
  try {
    return decodeText(readFileSync(file), file);
  } catch (e) {
    if (e instanceof InputError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(
      code === "ENOENT" ? `${what} not found (resolved to ${file})` : `cannot read ${what} (${code})`,
      at ?? { file },
    );
  }
}

function readSource(file: string): SweepSource {
  return sourceFromText(readText(resolve(file), "sweep file"), file, dirname(resolve(file)));
}

function locatedOf(text: string, file: string): LocatedDocument {
  const located = LocatedDocument.parse(text);
  const syntax = located.syntaxError();
  if (syntax)
    throw new InputError(`invalid YAML: ${syntax.message}`, { file, line: syntax.line, col: syntax.col });
  return located;
}

/** The document as plain data; an unresolved alias or an alias bomb is bad input at the alias. */
function plainOf(located: LocatedDocument, file: string): unknown {
  const js = located.toJS();
  if ("error" in js) throw new InputError(`invalid YAML: ${js.error.message}`, { file, ...js.error });
  return js.value;
}

function sourceFromText(text: string, file: string, dir: string): SweepSource {
  const located = locatedOf(text, file);
  const raw = plainOf(located, file);
  const isMap = raw !== null && typeof raw === "object" && !Array.isArray(raw);
  if (isMap && "base" in raw && !("platforms" in raw)) {
    // A sweep file beside its scenario.
    const parsed = SweepFile.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const path = issue.path as PathSegment[];
      const keyOf = issue.code === "unrecognized_keys" ? issue.keys[0] : undefined;
      const pos = located.position(path, keyOf);
      const message = keyOf ? `unknown field "${keyOf}"; expected base and sweep` : issue.message;
      throw new InputError(message, {
        file,
        line: pos.line,
        col: pos.col,
        path: formatPath(keyOf ? [...path, keyOf] : path),
      });
    }
    const baseFile = resolve(dir, parsed.data.base);
    const named = located.position(["base"]);
    const baseText = readText(baseFile, `base scenario ${parsed.data.base}`, {
      file,
      ...named,
      path: "base",
    });
    const baseLocated = locatedOf(baseText, baseFile);
    const baseRaw = plainOf(baseLocated, baseFile) as Record<string, unknown>;
    fromObject(baseRaw, { file: baseFile, baseDir: dirname(baseFile), located: baseLocated });
    const { sweep: _ignored, ...base } = baseRaw;
    return {
      sweepFile: file,
      located,
      prefix: ["sweep"],
      block: parsed.data.sweep,
      base,
      baseFile,
      baseDir: dirname(baseFile),
    };
  }
  // A scenario carrying its own sweep block: validating it checks the block too, with positions.
  const scenario = fromObject(raw, { file, baseDir: dir, located });
  if (!scenario.sweep) {
    throw new InputError(
      "this scenario has no `sweep:` block (add one, or give a sweep file with `base:` and `sweep:`)",
      { file, line: 1, col: 1 },
    );
  }
  const { sweep: _block, ...base } = raw as Record<string, unknown>;
  return {
    sweepFile: file,
    located,
    prefix: ["sweep"],
    block: scenario.sweep,
    base,
    baseFile: file,
    baseDir: dir,
  };
}

/** What every use of a sweep checks first: keys are paths, the matrix expands, groupBy names keys. */
function prepareSweep(src: SweepSource) {
  const block = src.block;
  const at = (inner: PathSegment[], keyOf?: string) => {
    const pos = src.located.position([...src.prefix, ...inner], keyOf);
    return {
      file: src.sweepFile,
      line: pos.line,
      col: pos.col,
      path: formatPath([...src.prefix, ...inner, ...(keyOf ? [keyOf] : [])]),
    };
  };
  const originPath = (o: Origin): PathSegment[] =>
    o.from === "matrix" ? ["matrix", o.key, o.index] : ["include", o.entry, o.key];

  // Every key must be a path before anything expands.
  const parsedKeys = new Map<string, PathSegment[]>();
  const checkKey = (key: string, where: PathSegment[]) => {
    if (parsedKeys.has(key)) return;
    const p = parsePath(key);
    if (!p.ok) throw new InputError(p.message, at(where, key));
    if (p.path[0] === "sweep")
      throw new InputError("a sweep cannot vary its own sweep block", at(where, key));
    parsedKeys.set(key, p.path);
  };
  for (const key of Object.keys(block.matrix)) checkKey(key, ["matrix"]);
  block.include.forEach((entry, e) => {
    for (const key of Object.keys(entry)) checkKey(key, ["include", e]);
  });
  if (Object.keys(block.matrix).length === 0 && block.include.length === 0) {
    throw new InputError("the sweep needs a matrix (path: [values]) or include entries", at([]));
  }

  let matrix: MatrixIndex;
  try {
    matrix = indexMatrix(block);
  } catch (e) {
    if (e instanceof MatrixError) throw new InputError(e.message, at(e.at));
    throw e;
  }
  block.groupBy.forEach((key, g) => {
    if (!parsedKeys.has(key))
      throw new InputError(`"${key}" is not a matrix or include key`, at(["groupBy", g]));
  });
  if (matrix.size === 0)
    throw new InputError("every matrix combination is excluded: the sweep has no variants", at(["exclude"]));
  return { block, at, originPath, parsedKeys, matrix };
}

/**
 * The base scenario with `combo` applied, validated; an invalid variant is reported at the sweep entry
 * whose path shares the most with the failing field.
 */
function variantScenario(
  src: SweepSource,
  prep: ReturnType<typeof prepareSweep>,
  combo: Combination,
  id: string,
  seed?: number,
): { scenario: Record<string, unknown>; valid: ReturnType<typeof fromObject> } {
  const { at, originPath, parsedKeys } = prep;
  const scenario = structuredClone(src.base);
  if (seed !== undefined) scenario.seed = seed;
  for (const a of combo) {
    const problem = setPath(scenario, parsedKeys.get(a.key)!, structuredClone(a.value));
    if (problem) throw new InputError(`${problem} (variant ${id})`, at(originPath(a.origin)));
  }
  const label = combo.map((a) => `${a.key}=${JSON.stringify(a.value)}`).join(", ");
  try {
    return { scenario, valid: fromObject(scenario, { file: src.baseFile, baseDir: src.baseDir }) };
  } catch (e) {
    if (!isInputError(e)) throw e;
    const failing = e.location.path ? parsePath(e.location.path) : undefined;
    const errPath = failing?.ok ? failing.path : [];
    let best = combo[combo.length - 1];
    let bestLen = -1;
    for (const a of combo) {
      const len = commonPrefix(parsedKeys.get(a.key)!, errPath);
      if (len >= bestLen) {
        best = a;
        bestLen = len;
      }
    }
    const where = e.location.path ? `${e.location.path}: ` : "";
    throw new InputError(`${where}${e.detail} (variant ${id}: ${label})`, at(originPath(best.origin)));
  }
}

/** The listing of a sweep's variants, produced one line at a time. */
export interface SweepListing {
  variants: number;
  runs: number;
  /** `id  {params}` of the i-th variant. */
  line(i: number): string;
}

/**
 * List a sweep without planning it: the matrix is read by position (never expanded), and each matrix value
 * and include entry is validated once on the base scenario (sum of the value counts, not their product);
 * a combination that only fails together is reported when the sweep runs.
 */
export function listSweep(file: string, options: PlanOptions = {}): SweepListing {
  const src = readSource(file);
  const prep = prepareSweep(src);
  const { block, matrix } = prep;
  const origin = (o: Origin) => (o.from === "matrix" ? `${o.key}#${o.index}` : `include#${o.entry}`);
  const checked = new Set<string>();
  const checkAlone = (combo: Combination, id: string) => {
    for (const a of combo) {
      const k = origin(a.origin);
      if (checked.has(k)) continue;
      checked.add(k);
      variantScenario(src, prep, [a], id, options.seed);
    }
  };
  // Each matrix value once, through the first combination that holds it.
  for (const [key, vs] of Object.entries(block.matrix)) {
    vs.forEach((value, index) => {
      checkAlone([{ key, value, origin: { from: "matrix", key, index } }], "v*");
    });
  }

  block.include.forEach((entry, e) => {
    const combo = Object.entries(entry).map(([key, value]) => ({
      key,
      value,
      origin: { from: "include", entry: e, key } as Origin,
    }));
    if (!checked.has(`include#${e}`)) {
      checked.add(`include#${e}`);
      variantScenario(src, prep, combo, "v*", options.seed);
    }
  });
  const width = Math.max(3, String(matrix.size - 1).length);
  const replications = options.replications ?? block.replications;
  return {
    variants: matrix.size,
    runs: matrix.size * replications,
    line: (i) => {
      const params: Record<string, unknown> = {};
      for (const a of matrix.combination(i)) params[a.key] = a.value;
      return `v${String(i).padStart(width, "0")}  ${JSON.stringify(params)}`;
    },
  };
}

function planSweep(src: SweepSource, options: PlanOptions): SweepPlan {
  const prep = prepareSweep(src);
  const { block, parsedKeys, matrix } = prep;
  const combos: Combination[] = Array.from({ length: matrix.size }, (_, i) => matrix.combination(i));

  const seeds = options.seeds ?? block.seeds;
  const replications = options.replications ?? block.replications;
  const width = Math.max(3, String(combos.length - 1).length);
  const paramKeys: string[] = [];
  for (const c of combos) for (const a of c) if (!paramKeys.includes(a.key)) paramKeys.push(a.key);

  const variants: PlannedVariant[] = [];
  const scenarios: Record<string, unknown>[] = [];
  const runs: PlannedRun[] = [];
  combos.forEach((combo, index) => {
    const id = `v${String(index).padStart(width, "0")}`;
    const { scenario, valid } = variantScenario(src, prep, combo, id, options.seed);
    const params: Record<string, unknown> = {};
    for (const key of paramKeys) {
      const a = combo.find((x) => x.key === key);
      // A ranking group the variant leaves alone takes the base value, so it ranks with its peers.
      if (a) params[key] = a.value;
      else if (block.groupBy.includes(key)) params[key] = getPath(scenario, parsedKeys.get(key)!) ?? null;
    }
    const paramsCanon = canonicalJson(params);
    const scenarioCanon = canonicalJson(scenario);
    variants.push({ index, id, params });
    scenarios.push(scenario);
    for (let r = 0; r < replications; r++) {
      const seed = runSeed(seeds, valid.seed, paramsCanon, r);
      runs.push({
        run: `${id}.r${r}`,
        variant: index,
        replication: r,
        seed,
        key: hash(`${scenarioCanon}\n${seed}`).slice(0, 20),
      });
    }
  });

  const meta = {
    format: "scalesim-sweep/1" as const,
    scenario: String(src.base.name),
    seeds,
    replications,
    confidence: block.confidence,
    minAttainment: block.minAttainment ?? null,
    groupBy: block.groupBy,
    paramKeys,
    variants,
    runs,
  };
  return {
    ...meta,
    hash: hash(canonicalJson(meta)).slice(0, 20),
    baseFile: src.baseFile,
    baseDir: src.baseDir,
    sweepFile: src.sweepFile,
    scenarios,
  };
}

function hash(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** The plan's metadata (no scenarios, no paths of this machine): identical on every shard. */
export function planMeta(plan: SweepPlan): PlanMeta {
  return {
    format: plan.format,
    scenario: plan.scenario,
    hash: plan.hash,
    seeds: plan.seeds,
    replications: plan.replications,
    confidence: plan.confidence,
    minAttainment: plan.minAttainment,
    groupBy: plan.groupBy,
    paramKeys: plan.paramKeys,
    variants: plan.variants,
    runs: plan.runs,
  };
}
