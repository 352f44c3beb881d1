/**
 * Text files users hand us (scenarios, AWS CLI exports, a run's summary.json). JSON is parsed strictly with
 * JSON.parse, and a syntax error located at its line and column by a small scanner (V8's messages often give no position,
 * and quote the source with its newlines).
 */
import { InputError } from "./errors.js";

/** Parse JSON text; a syntax error is an InputError at `file:line:col`, in one line. */
export function parseJsonText(text: string, file: string): unknown {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  try {
    return JSON.parse(body);
  } catch {
    const { offset, message } = jsonSyntaxError(body) ?? { offset: body.length, message: "not valid JSON" };
    throw new InputError(`invalid JSON: ${message}`, {
      file,
      ...lineCol(text, offset + text.length - body.length),
    });
  }
}

/** 1-based line and column of a character offset. */
export function lineCol(text: string, offset: number): { line: number; col: number } {
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

class Stop {
  constructor(
    readonly offset: number,
    readonly message: string,
  ) {}
}

/** Offset and reason of the first syntax error of `s` (RFC 8259 grammar), or undefined if it is valid. */
export function jsonSyntaxError(s: string): { offset: number; message: string } | undefined {
  let i = 0;
  const ws = () => {
    while (i < s.length && " \t\n\r".includes(s[i])) i++;
  };
  const fail = (message: string): never => {
    throw new Stop(i, i >= s.length ? "unexpected end of file" : message);
  };
  const shown = () => JSON.stringify(s[i] ?? "");
  const literal = (word: string) => {
    if (s.startsWith(word, i)) i += word.length;
    else fail(`unexpected ${shown()}`);
  };
  const string = () => {
    i++;
    while (i < s.length && s[i] !== '"') {
      if (s.charCodeAt(i) < 0x20) fail("control character in a string (a line break inside quotes?)");
      if (s[i] === "\\") {
        i++;
        if (s[i] === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(s.slice(i + 1, i + 5))) fail("bad \\u escape");
          i += 4;
        } else if (!'"\\/bfnrt'.includes(s[i] ?? "")) fail(`bad escape \\${s[i] ?? ""}`);
      }
      i++;
    }
    if (i >= s.length) fail("unterminated string");
    i++;
  };
  const number = () => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(s.slice(i, i + 400));
    if (!m) fail(`unexpected ${shown()}`);
    i += m![0].length;
  };
  const value = (): void => {
    ws();
    const c = s[i];
    if (c === "{") {
      i++;
      ws();
      if (s[i] === "}") {
        i++;
        return;
      }
      for (;;) {
        ws();
        if (s[i] !== '"') fail(`expected a "quoted" key, found ${shown()}`);
        string();
        ws();
        if (s[i] !== ":") fail(`expected ':' after the key, found ${shown()}`);
        i++;
        value();
        ws();
        if (s[i] === ",") {
          i++;
          continue;
        }
        if (s[i] === "}") {
          i++;
          return;
        }
        fail(`expected ',' or '}', found ${shown()}`);
      }
    }
    if (c === "[") {
      i++;
      ws();
      if (s[i] === "]") {
        i++;
        return;
      }
      for (;;) {
        value();
        ws();
        if (s[i] === ",") {
          i++;
          continue;
        }
        if (s[i] === "]") {
          i++;
          return;
        }
        fail(`expected ',' or ']', found ${shown()}`);
      }
    }
    if (c === '"') string();
    else if (c === "t") literal("true");
    else if (c === "f") literal("false");
    else if (c === "n") literal("null");
    else if (c === "-" || (c >= "0" && c <= "9")) number();
    else fail(`unexpected ${shown()}`);
  };
  try {
    value();
    ws();
    if (i < s.length) fail(`unexpected ${shown()} after the end of the document`);
    return undefined;
  } catch (e) {
    if (e instanceof Stop) return { offset: e.offset, message: e.message };
    throw e;
  }
}

/**
 * Text of a UTF-8 file (a BOM is dropped by the YAML parser). UTF-16 files, and other binary content with
 * NUL bytes, are refused at their first NUL rather than printed raw.
 */
export function decodeText(bytes: Buffer, file: string): string {
  const utf16 = (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff);
  const nul = bytes.indexOf(0);
  if (utf16 || nul >= 0) {
    const before = bytes.subarray(0, Math.max(nul, 0)).toString("utf8").split("\n");
    const line = utf16 ? 1 : before.length;
    const col = utf16 ? 1 : before[before.length - 1].length + 1;
    throw new InputError(
      utf16
        ? "the file is UTF-16; save it as UTF-8"
        : "the file holds NUL bytes (binary, or UTF-16 without a byte-order mark); save it as UTF-8 text",
      { file, line, col },
    );
  }
  return bytes.toString("utf8");
}
