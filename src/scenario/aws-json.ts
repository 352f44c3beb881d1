import { readFileSync } from "node:fs";
import { InputError } from "../errors.js";
import type { AwsJson } from "./aws-import.js";
import { decodeText, parseJsonText } from "../input-text.js";
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
    text = decodeText(readFileSync(path), shownAs);
  } catch (e) {
    if (e instanceof InputError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(code === "ENOENT" ? "file not found" : `cannot read file (${code})`, {
      file: shownAs,
    });
  }
  return parseAwsJson(text, shownAs);
}

export function parseAwsJson(text: string, file: string): AwsJson {
  const json = parseJsonText(text, file);
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
