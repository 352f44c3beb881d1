import {
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  type Document,
  type Node,
  parseDocument,
  visit,
} from "yaml";

/** A parsed YAML document that can say where any field path sits in the file. */
export class LocatedDocument {
  private constructor(
    readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  static parse(text: string): LocatedDocument {
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
    const located = new LocatedDocument(doc, lines);
    located.text = text;
    return located;
  }

  private text = "";

  /** First syntax error with its position, if any. */
  syntaxError(): { message: string; line: number; col: number } | undefined {
    const e = this.doc.errors[0];
    if (!e) return undefined;
    const message = e.message.split("\n")[0].replace(/ at line \d+, column \d+.*$/, "");
    // An unterminated quote is found at the end of the file; the user needs the quote that opened it.
    const opened = /Missing closing ["']?quote/.test(e.message)
      ? openingOf(this.text, e.pos[0], `["']`)
      : /^Flow (map|sequence) .* end with a/.test(e.message)
        ? openingOf(this.text, e.pos[0], e.message.startsWith("Flow map") ? "\\{" : "\\[")
        : undefined;
    const pos =
      opened !== undefined ? this.lines.linePos(opened) : (e.linePos?.[0] ?? this.lines.linePos(e.pos[0]));
    return { message, line: pos.line, col: pos.col };
  }

  /**
   * The document as plain data. Aliases that cannot be resolved (no anchor before them) or that expand
   * too far (an "alias bomb") are reported at the alias, as a syntax error would be.
   */
  toJS(): { value: unknown } | { error: { message: string; line: number; col: number } } {
    try {
      return { value: this.doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) };
    } catch (e) {
      if (!(e instanceof ReferenceError)) throw e;
      const unresolved = /Unresolved alias/.test(e.message);
      const name = unresolved ? e.message.split(": ").pop() : undefined;
      const alias = this.firstAlias(name);
      const pos = this.lines.linePos(alias ?? 0);
      const message = unresolved
        ? `alias *${name} has no anchor &${name} before it`
        : `aliases expand to more than ${MAX_ALIAS_COUNT} nodes (a YAML alias bomb?); write the values out`;
      return { error: { message, ...pos } };
    }
  }

  /** Offset of the first alias (named `name` if given). */
  private firstAlias(name?: string): number | undefined {
    let found: number | undefined;
    visit(this.doc, {
      Alias: (_key, node) => {
        if (isAlias(node) && (name === undefined || node.source === name) && node.range) {
          found = node.range[0];
          return visit.BREAK;
        }
      },
    });
    return found;
  }

  /**
   * Line and column of the node at `path`, or of the deepest existing ancestor (a missing key is reported
   * at the map that should hold it). With `keyOf`, the position of that key inside the map at `path`.
   */
  position(path: readonly PropertyKey[], keyOf?: string): { line: number; col: number } {
    let node: unknown = this.doc.contents;
    let best: Node | null = (this.doc.contents as Node | null) ?? null;
    for (const seg of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
        if (!pair) break;
        node = pair.value;
        if (pair.value && (pair.value as Node).range) best = pair.value as Node;
        else if (pair.key && (pair.key as Node).range) best = pair.key as Node;
      } else if (isSeq(node)) {
        const item = node.items[Number(seg)];
        if (item === undefined) break;
        node = item;
        if ((item as Node).range) best = item as Node;
      } else break;
    }
    if (keyOf !== undefined && isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === keyOf);
      if (pair && (pair.key as Node).range) best = pair.key as Node;
    }
    const offset = best?.range?.[0] ?? 0;
    return this.lines.linePos(offset);
  }
}

/** Limit on alias expansion, as the `yaml` library's own guard against resource exhaustion. */
const MAX_ALIAS_COUNT = 1000;

/**
 * Offset of the quote or bracket that opened the scalar or collection left unterminated at `end`: the
 * last one before `end` that starts a value (after `: `, `- `, `[`, `{`, `,` or at the start of a line).
 * The parser finds the problem where the text ends; the user needs where it began.
 */
function openingOf(text: string, end: number, opener: string): number | undefined {
  const re = new RegExp(`(^|[:\\-[{,]\\s|[[{,]|^\\s+)(${opener})`, "gm");
  let last: number | undefined;
  for (let m = re.exec(text); m !== null && m.index < end; m = re.exec(text))
    last = m.index + m[0].length - 1;
  return last;
}
