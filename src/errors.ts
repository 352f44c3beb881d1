/**
 * Errors caused by the user's input (scenario files, traces, options). The CLI prints them as one line
 * `file:line:col path: message` and exits with code 2; anything else is a bug and keeps its stack.
 */
export interface InputLocation {
  file?: string;
  line?: number;
  col?: number;
  /** Field path inside the document, e.g. `platforms.fargate.task.cpu`. */
  path?: string;
}

export class InputError extends Error {
  readonly location: InputLocation;
  readonly detail: string;

  constructor(detail: string, location: InputLocation = {}) {
    super(formatInputError(detail, location));
    this.name = "InputError";
    this.detail = detail;
    this.location = location;
  }
}

export function formatInputError(detail: string, loc: InputLocation): string {
  let where = loc.file ?? "";
  if (loc.file !== undefined && loc.line !== undefined) {
    where += `:${loc.line}:${loc.col ?? 1}`;
  }
  const parts: string[] = [];
  if (where) parts.push(`${where}:`);
  if (loc.path) parts.push(`${loc.path}:`);
  parts.push(detail);
  return parts.join(" ");
}

export function isInputError(e: unknown): e is InputError {
  return e instanceof InputError;
}

/** Error codes of the file system that a user's path or machine causes, not a bug. */
const FS_CODES: Record<string, string> = {
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EEXIST: "already exists",
  ENOENT: "no such file or folder",
  ENOTDIR: "a part of the path is not a folder",
  EISDIR: "is a folder",
  ENOSPC: "no space left on the device",
  EDQUOT: "disk quota exceeded",
  EROFS: "read-only file system",
  EMFILE: "too many open files",
  EFBIG: "file too large",
  ENAMETOOLONG: "file name too long",
};

/**
 * A file-system failure (reading or writing a path the user gave, a full disk) as bad input, or undefined
 * when `e` is not one. `path` names the option or field that gave the file.
 */
export function fileSystemError(e: unknown, file?: string, path?: string): InputError | undefined {
  const err = e as NodeJS.ErrnoException;
  if (!(e instanceof Error) || typeof err.code !== "string" || !(err.code in FS_CODES)) return undefined;
  const where = file ?? err.path;
  const what = err.syscall ? `cannot ${err.syscall}` : "file-system error";
  return new InputError(`${what}${where ? ` ${where}` : ""}: ${FS_CODES[err.code]} (${err.code})`, {
    path,
  });
}

/** Make a message safe to print as one line: no newlines, no NUL or other control characters. */
export function oneLine(text: string): string {
  let out = "";
  for (const ch of text.replace(/\r?\n\s*/g, " ")) {
    const code = ch.charCodeAt(0);
    const control = (code < 0x20 && code !== 0x09) || code === 0x7f;
    out += control ? `\\u${code.toString(16).padStart(4, "0")}` : ch;
  }
  return out;
}
