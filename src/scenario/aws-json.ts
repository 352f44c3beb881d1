import { readFileSync } from "node:fs";
import { InputError } from "../errors.js";
import type { AwsJson } from "./aws-import.js";
import { LocatedDocument } from "./locate.js";

/**
 * Read a JSON file printed by the AWS CLI, keeping positions: a syntax error is reported at its line and
 * column, and `locate(path)` gives the position of any field for later errors. JSON is parsed strictly
 * (JSON.parse); the positions come from the same text read as YAML, of which JSON is a subset.
 * `shownAs` is the name used in messages (the path as the user wrote it).
 */
export function readAwsJson(path: string, shownAs = path): AwsJson {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(code === "ENOENT" ? "file not found" : `cannot read file (${code})`, {
      file: shownAs,
    });
  }
  return parseAwsJson(text, shownAs);
}

export function parseAwsJson(text: string, file: string): AwsJson {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    const message = (e as Error).message;
    const at = /at position (\d+)/.exec(message);
    const { line, col } = lineCol(text, at ? Number(at[1]) : text.length);
    throw new InputError(`invalid JSON: ${message.replace(/ in JSON at position \d+.*$/, "")}`, {
      file,
      line,
      col,
    });
  }
  let located: LocatedDocument | undefined;
  return {
    file,
    json,
    locate: (p) => {
      located ??= LocatedDocument.parse(text);
      return located.position(p);
    },
  };
}

/** 1-based line and column of a character offset. */
function lineCol(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < Math.min(offset, text.length); i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      start = i + 1;
    }
  }
  return { line, col: offset - start + 1 };
}
