import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { z } from "zod";
import { type AssumptionValues, assumptionDef, resolveAssumptions } from "../assumptions.js";
import { InputError } from "../errors.js";
import { decodeText } from "../input-text.js";
import { resolveAwsReferences } from "./aws-references.js";
import { LocatedDocument } from "./locate.js";
import { clampedDesiredCountNote } from "./platforms/common.js";
import { type ScenarioData, ScenarioSchema } from "./schema.js";
import { closest } from "./suggest.js";
import { parseDuration } from "./units.js";

/** A validated scenario with everything resolved that the simulator needs. */
export interface Scenario extends ScenarioData {
  /** Absolute path of the scenario file ("<inline>" when built in code). */
  readonly file: string;
  /** Folder that relative paths (traces) are resolved against. */
  readonly baseDir: string;
  readonly assumptionValues: AssumptionValues;
  readonly overriddenAssumptions: ReadonlySet<string>;
  /** Things the scenario's input was changed into that the output states (e.g. a desiredCount clamped). */
  readonly notes?: readonly string[];
  /** Line and column of a field path in the scenario file, when it was read from one. */
  readonly locate?: (path: readonly PropertyKey[]) => { line: number; col: number };
}

export function loadScenario(file: string): Scenario {
  const abs = resolve(file);
  let bytes: Buffer;
  try {
    bytes = readFileSync(abs);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(
      code === "ENOENT" ? "scenario file not found" : `cannot read scenario file (${code})`,
      { file },
    );
  }
  return parseScenario(decodeText(bytes, file), file, dirname(abs));
}

/** Parse and validate scenario text; errors carry `file:line:col path`. */
export function parseScenario(text: string, file = "<inline>", baseDir = process.cwd()): Scenario {
  const located = LocatedDocument.parse(text);
  const syntax = located.syntaxError();
  if (syntax)
    throw new InputError(`invalid YAML: ${syntax.message}`, { file, line: syntax.line, col: syntax.col });
  const js = located.toJS();
  if ("error" in js) throw new InputError(`invalid YAML: ${js.error.message}`, { file, ...js.error });
  return fromObject(js.value, { file, baseDir, located });
}

/** Validate an already-parsed object (e.g. a sweep variant); positions come from `located` when given. */
export function fromObject(
  raw: unknown,
  ctx: { file: string; baseDir: string; located?: LocatedDocument },
): Scenario {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    throw new InputError("a scenario is a YAML mapping with name, traffic, workload, slo and platforms", {
      file: ctx.file,
      line: 1,
      col: 1,
    });
  }
  // Scaling policies and scheduled actions given by reference to AWS CLI exports (aws-references.ts).
  raw = resolveAwsReferences(raw as Record<string, unknown>, ctx);
  const parsed = ScenarioSchema.safeParse(raw);
  if (!parsed.success) throw issueToError(pickIssue(parsed.error.issues), raw, ctx);
  const data = parsed.data;
  const overrides: Record<string, number | string> = {};
  for (const [id, v] of Object.entries(data.assumptions)) {
    const def = assumptionDef(id)!;
    overrides[id] = def.kind === "duration" ? (parseDuration(v) as { value: number }).value : v;
  }
  return {
    ...data,
    file: ctx.file,
    baseDir: ctx.baseDir,
    assumptionValues: resolveAssumptions(overrides),
    overriddenAssumptions: new Set(Object.keys(overrides)),
    notes: inputNotes(data),
    ...(ctx.located ? { locate: (path) => ctx.located!.position(path) } : {}),
  };
}

/**
 * Field names of the trace layer (src/trace/index.ts TrafficSpec) that the scenario spells differently:
 * errors found after validation must name what the user wrote.
 */
const USER_FIELDS: [RegExp, (s: Scenario) => string][] = [
  [
    /^traffic(\.synthetic)?\.durationMs$/,
    (s) =>
      s.duration === undefined && s.traffic.window?.duration !== undefined
        ? "traffic.window.duration"
        : "duration",
  ],
  [/^traffic(\.synthetic)?\.stepMs$/, () => "traffic.synthetic.interval"],
  [/^traffic\.window\.startMs$/, () => "traffic.window.start"],
  [/^traffic\.window\.durationMs$/, () => "traffic.window.duration"],
  [/^traffic\.serviceColumn$/, () => "traffic.serviceTimeColumn"],
];
const USER_WORDS: [RegExp, string][] = [
  [/\bdurationMs\b/g, "duration"],
  [/\bstepMs\b/g, "interval"],
  [/\bstartMs\b/g, "start"],
];

/**
 * An InputError raised after validation (loading traffic, building a platform) located in the scenario:
 * the user's field names, and the file, line and column of the field that names the file or value.
 * Errors that already point into a file (a trace's own line) are returned as they are.
 */
export function locateInScenario(e: unknown, scenario: Scenario): unknown {
  if (!(e instanceof InputError) || e.location.file !== undefined || e.location.path === undefined) return e;
  let path = e.location.path;
  for (const [re, name] of USER_FIELDS) if (re.test(path)) path = name(scenario);
  let detail = e.detail;
  for (const [re, word] of USER_WORDS) detail = detail.replace(re, word);
  const segments = path.split(/\.|\[(\d+)\]/).filter((x) => x !== undefined && x !== "");
  const pos = scenario.locate?.(segments);
  return new InputError(detail, { file: scenario.file, line: pos?.line, col: pos?.col, path });
}

/** Notes on input the scenario moved into range, one per platform service clamped into its bounds. */
function inputNotes(data: ScenarioData): string[] {
  const notes: string[] = [];
  for (const [name, p] of Object.entries(data.platforms)) {
    const service = (p as { service?: Parameters<typeof clampedDesiredCountNote>[1] }).service;
    const note = service && clampedDesiredCountNote(name, service);
    if (note) notes.push(note);
  }
  return notes;
}

type Issue = z.core.$ZodIssue;

/** The issue to report: the first, but a union's inner issue beats the union's generic one. */
function pickIssue(issues: readonly Issue[]): Issue {
  // A misspelt key shows up twice: as an unknown key and as a missing field. The unknown key (with its
  // "did you mean") is the one that tells the user what to fix.
  const unknown = issues.find((i) => i.code === "unrecognized_keys");
  const first = unknown ?? issues[0];
  if (first.code === "invalid_union" && first.errors.length > 0) {
    // Choose the branch that got furthest (longest path), which is the user's evident intent.
    let best: Issue | undefined;
    for (const branch of first.errors) {
      for (const inner of branch) {
        if (!best || inner.path.length > best.path.length) best = inner;
      }
    }
    if (best && best.path.length > 0) return { ...best, path: [...first.path, ...best.path] } as Issue;
  }
  return first;
}

function issueToError(
  issue: Issue,
  raw: unknown,
  ctx: { file: string; located?: LocatedDocument },
): InputError {
  const path = issue.path as PropertyKey[];
  let message = issue.message;
  let keyOf: string | undefined;
  let shownPath = formatPath(path);
  if (issue.code === "unrecognized_keys") {
    const key = issue.keys[0];
    keyOf = key;
    const known = knownKeysAt(ScenarioSchema, path, raw);
    const guess = closest(key, known);
    message = `unknown field "${key}"${guess ? ` (did you mean "${guess}"?)` : known.length ? `; expected one of: ${known.join(", ")}` : ""}`;
    shownPath = formatPath([...path, key]);
  } else if (issue.code === "invalid_key") {
    // A bad record key (a platform name) is the key's fault: point at the key, not at its value.
    const key = path[path.length - 1];
    keyOf = String(key);
    const inner = (issue as { issues?: { message: string }[] }).issues?.[0]?.message;
    message = `${JSON.stringify(key)}: ${inner ?? issue.message}`;
    const pos = ctx.located?.position(path.slice(0, -1), keyOf);
    return new InputError(message, { file: ctx.file, line: pos?.line, col: pos?.col, path: shownPath });
  } else if (issue.code === "invalid_type" && valueAt(raw, path) === undefined) {
    message = `missing required field (${issue.expected})`;
  } else if (
    issue.code === "invalid_union" &&
    (issue as { note?: string }).note === "No matching discriminator"
  ) {
    const options = ((issue as { options?: unknown[] }).options ?? []).map(String);
    const disc = (issue as { discriminator?: string }).discriminator ?? "kind";
    message = `unknown ${disc} ${JSON.stringify(valueAt(raw, path))}; expected one of: ${options.join(", ")}`;
  }
  const pos = ctx.located?.position(path, keyOf);
  return new InputError(message, { file: ctx.file, line: pos?.line, col: pos?.col, path: shownPath });
}

function formatPath(path: readonly PropertyKey[]): string {
  let s = "";
  for (const seg of path) {
    if (typeof seg === "number") s += `[${seg}]`;
    else s += s ? `.${String(seg)}` : String(seg);
  }
  return s;
}

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = raw;
  for (const seg of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<PropertyKey, unknown>)[seg as string];
  }
  return v;
}

// --- schema introspection for "did you mean" -------------------------------------------------------

interface Def {
  type: string;
  shape?: Record<string, { _zod: { def: Def } }>;
  innerType?: { _zod: { def: Def } };
  in?: { _zod: { def: Def } };
  element?: { _zod: { def: Def } };
  valueType?: { _zod: { def: Def } };
  options?: { _zod: { def: Def } }[];
  discriminator?: string;
  values?: unknown[];
}

function defOf(s: unknown): Def {
  return (s as { _zod: { def: Def } })._zod.def;
}

/** Object-shaped defs reachable at `path`, picking union branches that match the data there. */
function defsAt(def: Def, path: readonly PropertyKey[], raw: unknown, depth = 0): Def[] {
  switch (def.type) {
    case "optional":
    case "default":
    case "nullable":
    case "readonly":
    case "catch":
    case "prefault":
      return defsAt(defOf(def.innerType), path, raw, depth);
    case "pipe":
      return defsAt(defOf(def.in), path, raw, depth);
    case "union": {
      const here = valueAt(raw, path.slice(0, depth));
      let options = def.options ?? [];
      if (def.discriminator && here && typeof here === "object") {
        const want = (here as Record<string, unknown>)[def.discriminator];
        const matching = options.filter((o) => literalValues(defOf(o), def.discriminator!).includes(want));
        if (matching.length) options = matching;
      }
      return options.flatMap((o) => defsAt(defOf(o), path, raw, depth));
    }
  }
  if (depth === path.length) return def.type === "object" ? [def] : [];
  const seg = path[depth];
  if (def.type === "object" && def.shape && typeof seg === "string" && def.shape[seg])
    return defsAt(defOf(def.shape[seg]), path, raw, depth + 1);
  if (def.type === "array" && def.element) return defsAt(defOf(def.element), path, raw, depth + 1);
  if (def.type === "record" && def.valueType) return defsAt(defOf(def.valueType), path, raw, depth + 1);
  return [];
}

function literalValues(def: Def, key: string): unknown[] {
  const inner = def.type === "pipe" ? defOf(def.in) : def;
  const field = inner.shape?.[key];
  if (!field) return [];
  const fd = defOf(field);
  return fd.type === "literal" ? (fd.values ?? []) : [];
}

function knownKeysAt(schema: unknown, path: readonly PropertyKey[], raw: unknown): string[] {
  const keys = new Set<string>();
  for (const d of defsAt(defOf(schema), path, raw)) for (const k of Object.keys(d.shape ?? {})) keys.add(k);
  return [...keys];
}
