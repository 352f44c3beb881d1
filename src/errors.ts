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
