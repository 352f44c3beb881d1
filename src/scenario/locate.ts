import { isMap, isScalar, isSeq, LineCounter, type Document, type Node, parseDocument } from "yaml";

/** A parsed YAML document that can say where any field path sits in the file. */
export class LocatedDocument {
  private constructor(
    readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  static parse(text: string): LocatedDocument {
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
    return new LocatedDocument(doc, lines);
  }

  /** First syntax error with its position, if any. */
  syntaxError(): { message: string; line: number; col: number } | undefined {
    const e = this.doc.errors[0];
    if (!e) return undefined;
    const pos = e.linePos?.[0] ?? this.lines.linePos(e.pos[0]);
    const message = e.message.split("\n")[0].replace(/ at line \d+, column \d+.*$/, "");
    return { message, line: pos.line, col: pos.col };
  }

  toJS(): unknown {
    return this.doc.toJS({ maxAliasCount: 1000 });
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
