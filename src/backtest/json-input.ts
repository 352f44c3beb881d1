import { readFileSync } from "node:fs";
import { lineCol } from "../input-text.js";
import { InputError } from "../errors.js";
import { LocatedDocument } from "../scenario/locate.js";

/**
 * JSON read from AWS exports, with positions: every document knows where each of its fields sits, so a
 * bad value is reported as `file:line:col field.path: message`. One file may hold several documents one
 * after another (pages of a paginated CLI call appended with `>>`), or one document per line (EventBridge
 * events as JSON lines).
 */
export interface JsonDoc {
  file: string;
  json: unknown;
  /** 1-based line of the document's first character in the file. */
  firstLine: number;
  /** Column offset of the document on its first line (0 unless several documents share a line). */
  firstCol: number;
  text: string;
  located?: LocatedDocument;
}

/** Read a file, turning a missing or unreadable file into a one-line input error. */
export function readText(file: string, option: string): string {
  try {
    const text = readFileSync(file, "utf8");
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(code === "ENOENT" ? "file not found" : `cannot read file (${code})`, {
      file,
      path: option,
    });
  }
}

/** Where `path` sits in a document, as an input-error location. */
export function locateIn(doc: JsonDoc, path: readonly (string | number)[]) {
  doc.located ??= LocatedDocument.parse(doc.text);
  const p = doc.located.position(path);
  return {
    file: doc.file,
    line: doc.firstLine + p.line - 1,
    col: p.line === 1 ? p.col + doc.firstCol : p.col,
    path: path
      .map((s) => (typeof s === "number" ? `[${s}]` : `.${s}`))
      .join("")
      .replace(/^\./, ""),
  };
}

/** An input error pointing at a field of a document. */
export function errorAt(doc: JsonDoc, path: readonly (string | number)[], message: string): InputError {
  return new InputError(message, locateIn(doc, path));
}

function parseOne(text: string, file: string, base: number, whole: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const message = (e as Error).message;
    const at = /position (\d+)/.exec(message);
    const { line, col } = lineCol(whole, base + (at ? Number(at[1]) : text.length));
    throw new InputError(`invalid JSON: ${message.replace(/ in JSON at position \d+.*$/, "")}`, {
      file,
      line,
      col,
    });
  }
}

/**
 * Split text into top-level JSON values (objects or arrays) that follow one another, skipping blank space
 * between them. Strings are honoured, so braces inside them do not count.
 */
function documentSpans(text: string): [number, number][] {
  const spans: [number, number][] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === "{" || c === "[") {
      if (depth === 0) start = i;
      depth++;
    } else if (c === "}" || c === "]") {
      depth--;
      if (depth === 0) spans.push([start, i + 1]);
    } else if (depth === 0 && !/\s/.test(c)) {
      // Something outside any object: let JSON.parse say what is wrong there.
      spans.push([i, text.length]);
      return spans;
    }
  }
  if (depth > 0) spans.push([start, text.length]);
  return spans;
}

/** Every JSON document in the file (one, or several appended pages). */
export function readJsonDocuments(file: string, option: string): JsonDoc[] {
  const text = readText(file, option);
  return parseJsonDocuments(text, file);
}

export function parseJsonDocuments(text: string, file: string): JsonDoc[] {
  const spans = documentSpans(text);
  if (spans.length === 0) throw new InputError("the file holds no JSON document", { file, line: 1, col: 1 });
  return spans.map(([a, b]) => {
    const part = text.slice(a, b);
    const json = parseOne(part, file, a, text);
    const { line, col } = lineCol(text, a);
    return { file, json, firstLine: line, firstCol: col - 1, text: part };
  });
}
