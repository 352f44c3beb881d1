/**
 * Matrix expansion with GitHub Actions semantics, so users who know CI matrices know sweeps:
 * https://docs.github.com/en/actions/writing-workflows/choosing-what-your-workflow-does/running-variations-of-jobs-in-a-workflow
 * - combinations are ordered with the first key varying slowest ("the first variable you define will be
 *   the first job that is created");
 * - `exclude` drops every combination that matches an entry, and "an excluded configuration only has to be
 *   a partial match"; exclude is processed before include;
 * - each `include` entry's pairs are added to every original combination none of whose original values it
 *   would overwrite (added values may be overwritten); an entry that fits no original combination becomes
 *   a new combination.
 * Seeded sampling (`sample`) draws from the combinations left after exclude, before include.
 */
import { stream } from "../engine/rng.js";
import { canonicalJson } from "./path.js";

/** Where a value came from inside the sweep block (for error positions). */
export type Origin =
  | { from: "matrix"; key: string; index: number }
  | { from: "include"; entry: number; key: string };

export interface Assignment {
  key: string;
  value: unknown;
  origin: Origin;
}

/** One variant's assignments, in key order: matrix keys as written, then keys added by include. */
export type Combination = Assignment[];

export interface MatrixSpec {
  matrix: Record<string, unknown[]>;
  include: Record<string, unknown>[];
  exclude: Record<string, unknown>[];
  sample?: { count: number; seed: number };
}

/** A problem in the sweep block; `at` is the path inside the block. */
export class MatrixError extends Error {
  constructor(
    message: string,
    readonly at: (string | number)[],
  ) {
    super(message);
  }
}

/** Combinations are enumerated up to this count; larger spaces must be sampled. */
export const ENUMERATION_LIMIT = 1_000_000;
/** Name of the random stream sampling draws from. */
export const SAMPLE_STREAM = "sweep.sample";

/** Every combination, in order (see `indexMatrix` to read them one at a time). */
export function expandMatrix(spec: MatrixSpec): Combination[] {
  const m = indexMatrix(spec);
  return Array.from({ length: m.size }, (_, i) => m.combination(i));
}

/** The combinations of a matrix by position, built on demand: memory and time do not grow with the count. */
export interface MatrixIndex {
  /** Number of combinations (after exclude, sample and include). */
  size: number;
  /** The i-th combination, as `expandMatrix(spec)[i]`. */
  combination(i: number): Combination;
}

export function indexMatrix(spec: MatrixSpec): MatrixIndex {
  const keys = Object.keys(spec.matrix);
  const values = keys.map((k) => spec.matrix[k]);
  const canon = values.map((vs) => vs.map(canonicalJson));
  let size = keys.length === 0 ? 0 : 1;
  for (const vs of values) size *= vs.length;
  if (!Number.isSafeInteger(size))
    throw new MatrixError(`the matrix has more than 2^53 combinations`, ["matrix"]);

  // Exclude entries as (key position, canonical value) pairs; GitHub rejects keys outside the matrix.
  const excludes = spec.exclude.map((entry, e) =>
    Object.entries(entry).map(([k, v]) => {
      const pos = keys.indexOf(k);
      if (pos < 0)
        throw new MatrixError(
          `exclude key "${k}" is not a matrix key (matrix keys: ${keys.join(", ") || "none"})`,
          ["exclude", e, k],
        );
      return { pos, value: canonicalJson(v) };
    }),
  );
  const digits = new Array<number>(keys.length);
  const decode = (index: number): number[] => {
    let rest = index;
    for (let k = keys.length - 1; k >= 0; k--) {
      digits[k] = rest % values[k].length;
      rest = Math.floor(rest / values[k].length);
    }
    return digits;
  };
  const excluded = (index: number): boolean => {
    if (excludes.length === 0) return false;
    const d = decode(index);
    return excludes.some((pairs) => pairs.every((p) => canon[p.pos][d[p.pos]] === p.value));
  };

  const indices = spec.sample ? sampleIndices(size, spec.sample, excluded) : allIndices(size, excluded);
  const includes = spec.include.map((entry, e) => ({
    e,
    pairs: Object.entries(entry).map(([key, value]) => ({
      key,
      value,
      canon: canonicalJson(value),
      pos: keys.indexOf(key),
    })),
  }));
  // An original matrix value may not be overwritten; keys the matrix does not have are free to add.
  const fits = (pairs: (typeof includes)[number]["pairs"], d: number[]) =>
    pairs.every((p) => p.pos < 0 || canon[p.pos][d[p.pos]] === p.canon);
  // An include entry that fits no original combination becomes a combination of its own, after them.
  const extras = includes.filter(({ pairs }) => !indices.some((index) => fits(pairs, decode(index))));

  const original = (index: number): Combination => {
    const d = decode(index).slice();
    const combo: Combination = keys.map((key, k) => ({
      key,
      value: values[k][d[k]],
      origin: { from: "matrix", key, index: d[k] } as Origin,
    }));
    for (const { e, pairs } of includes) {
      if (!fits(pairs, d)) continue;
      for (const p of pairs) {
        if (p.pos >= 0) continue;
        const a: Assignment = {
          key: p.key,
          value: p.value,
          origin: { from: "include", entry: e, key: p.key },
        };
        const at = combo.findIndex((x) => x.key === p.key);
        if (at >= 0) combo[at] = a;
        else combo.push(a);
      }
    }
    return combo;
  };
  return {
    size: indices.length + extras.length,
    combination: (i) =>
      i < indices.length
        ? original(indices[i])
        : extras[i - indices.length].pairs.map((p) => ({
            key: p.key,
            value: p.value,
            origin: { from: "include", entry: extras[i - indices.length].e, key: p.key } as Origin,
          })),
  };
}

function allIndices(size: number, excluded: (i: number) => boolean): number[] {
  if (size > ENUMERATION_LIMIT) {
    throw new MatrixError(
      `the matrix has ${size} combinations; add sample: { count: N } to run a random subset`,
      ["matrix"],
    );
  }
  const out: number[] = [];
  for (let i = 0; i < size; i++) if (!excluded(i)) out.push(i);
  return out;
}

/**
 * `count` distinct combination indices, uniformly without replacement among those not excluded, returned
 * in matrix order. Small spaces: partial Fisher–Yates over the list. Large spaces: rejection of repeats and
 * excluded draws, which stays uniform over the remaining combinations.
 */
export function sampleIndices(
  size: number,
  sample: { count: number; seed: number },
  excluded: (i: number) => boolean = () => false,
): number[] {
  const rng = stream(sample.seed, SAMPLE_STREAM);
  if (size <= ENUMERATION_LIMIT) {
    const pool = allIndices(size, excluded);
    const n = Math.min(sample.count, pool.length);
    for (let i = 0; i < n; i++) {
      const j = i + Math.floor(rng.next() * (pool.length - i));
      const t = pool[i];
      pool[i] = pool[j];
      pool[j] = t;
    }
    return pool.slice(0, n).sort((a, b) => a - b);
  }
  const chosen = new Set<number>();
  const maxDraws = sample.count * 1000;
  for (let draws = 0; chosen.size < sample.count; draws++) {
    if (draws >= maxDraws) {
      throw new MatrixError(
        `could not draw ${sample.count} distinct combinations; most of the matrix is excluded`,
        ["sample", "count"],
      );
    }
    const i = Math.floor(rng.next() * size);
    if (!chosen.has(i) && !excluded(i)) chosen.add(i);
  }
  return [...chosen].sort((a, b) => a - b);
}
