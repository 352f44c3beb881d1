/**
 * Field paths into a scenario, as sweep matrix keys spell them:
 * `platforms.fargate.scalingPolicies[0].TargetTrackingScalingPolicyConfiguration.TargetValue`.
 * Segments are separated by dots; `[n]` indexes a list; `["a.b"]` quotes a key that holds dots.
 */
export type PathSegment = string | number;

/** Parse a path; returns an error message instead of throwing so callers can attach a position. */
export function parsePath(text: string): { ok: true; path: PathSegment[] } | { ok: false; message: string } {
  const path: PathSegment[] = [];
  let i = 0;
  const fail = (why: string) => ({
    ok: false as const,
    message: `bad path "${text}": ${why} at character ${i + 1}`,
  });
  let expectKey = true;
  while (i < text.length) {
    const c = text[i];
    if (c === "[") {
      // A quoted key may hold "]": read the JSON string first, then expect the bracket.
      const quoted = /^\[\s*("(?:[^"\\]|\\.)*")\s*\]/.exec(text.slice(i));
      const index = /^\[\s*(\d+)\s*\]/.exec(text.slice(i));
      if (quoted) path.push(JSON.parse(quoted[1]) as string);
      else if (index) path.push(Number(index[1]));
      else return fail(text.indexOf("]", i) < 0 ? "unclosed [" : 'expected [n] or ["key"]');
      i += (quoted ?? index)![0].length;
      expectKey = false;
      continue;
    }
    if (c === ".") {
      if (expectKey) return fail("empty segment");
      i++;
      expectKey = true;
      continue;
    }
    if (!expectKey) return fail('expected "." or "["');
    let j = i;
    while (j < text.length && text[j] !== "." && text[j] !== "[") j++;
    const key = text.slice(i, j);
    if (key.includes("]") || key.includes('"')) return fail("unexpected character");
    path.push(key);
    i = j;
    expectKey = false;
  }
  if (expectKey) return fail(path.length ? "path ends with a dot" : "empty path");
  return { ok: true, path };
}

/** The path as a string: dots and `[n]`, as scenario error messages print paths. */
export function formatPath(path: readonly PathSegment[]): string {
  let s = "";
  for (const seg of path) {
    if (typeof seg === "number") s += `[${seg}]`;
    else if (/^[^.[\]"]+$/.test(seg)) s += s ? `.${seg}` : seg;
    else s += `[${JSON.stringify(seg)}]`;
  }
  return s;
}

/** Length of the common prefix of two paths. */
export function commonPrefix(a: readonly PathSegment[], b: readonly PathSegment[]): number {
  let n = 0;
  while (n < a.length && n < b.length && String(a[n]) === String(b[n])) n++;
  return n;
}

function describe(v: unknown): string {
  if (Array.isArray(v)) return "a list";
  if (v === null) return "null";
  return typeof v === "object" ? "a mapping" : `a ${typeof v}`;
}

/**
 * Set `value` at `path` inside `root` (mutating it). Missing mappings on the way are created, so a sweep
 * can set a field the base leaves to its default; list indexes must exist. Returns an error message when
 * the path runs through something that is not a mapping or a list.
 */
export function setPath(
  root: Record<string, unknown>,
  path: readonly PathSegment[],
  value: unknown,
): string | undefined {
  let node: unknown = root;
  for (let k = 0; k < path.length; k++) {
    const seg = path[k];
    const last = k === path.length - 1;
    const here = formatPath(path.slice(0, k)) || "the scenario";
    if (typeof seg === "number") {
      if (!Array.isArray(node)) return `${here} is ${describe(node)}, not a list, so [${seg}] cannot be set`;
      if (seg >= node.length)
        return `${here} has ${node.length} entr${node.length === 1 ? "y" : "ies"}; index ${seg} is out of range`;
      if (last) node[seg] = value;
      else node = node[seg];
      continue;
    }
    if (node === null || typeof node !== "object" || Array.isArray(node)) {
      return `${here} is ${describe(node)}, not a mapping, so "${seg}" cannot be set`;
    }
    const map = node as Record<string, unknown>;
    if (last) {
      map[seg] = value;
    } else {
      if (map[seg] === undefined) {
        if (typeof path[k + 1] === "number")
          return `${formatPath(path.slice(0, k + 1))} does not exist, so it has no entry [${path[k + 1]}]`;
        map[seg] = {};
      }
      node = map[seg];
    }
  }
  return undefined;
}

/** The value at `path`, or undefined. */
export function getPath(root: unknown, path: readonly PathSegment[]): unknown {
  let node = root;
  for (const seg of path) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<PathSegment, unknown>)[seg];
  }
  return node;
}

/** JSON with object keys sorted: equal values give equal strings (hashing, matching). */
export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== "object") return JSON.stringify(v) ?? "null";
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(",")}]`;
  const keys = Object.keys(v as object).sort();
  return `{${keys
    .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
    .map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`)
    .join(",")}}`;
}
