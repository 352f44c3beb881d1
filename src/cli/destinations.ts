/**
 * Where a command writes, checked before it computes anything: a bad path fails in milliseconds with one
 * line, and a failing command leaves every earlier output as it was (files are written to a temporary
 * sibling and renamed into place only when all of them are written).
 */
import { accessSync, constants, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileSystemError, InputError } from "../errors.js";

function statOf(path: string, option: string): ReturnType<typeof statSync> | undefined {
  try {
    return statSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw fileSystemError(e, path, option) ?? e;
  }
}

function writable(dir: string, option: string): void {
  try {
    accessSync(dir, constants.W_OK);
  } catch (e) {
    throw fileSystemError(e, dir, option) ?? e;
  }
}

/** Create the output folder of `option` (with its parents) or check the existing one is a writable folder. */
export function prepareOutDir(dir: string, option: string): void {
  const st = statOf(dir, option);
  if (st && !st.isDirectory()) throw new InputError(`${dir} exists and is not a folder`, { path: option });
  if (!st) {
    try {
      mkdirSync(dir, { recursive: true });
    } catch (e) {
      throw fileSystemError(e, dir, option) ?? e;
    }
  }
  writable(dir, option);
}

/** Check that `file` can be written: its folder exists and is writable, and it is not a folder itself. */
export function checkOutFile(file: string, option: string): void {
  const parent = dirname(resolve(file));
  const pst = statOf(parent, option);
  if (!pst) throw new InputError(`folder ${dirname(file)} does not exist (for ${file})`, { path: option });
  if (!pst.isDirectory())
    throw new InputError(`${dirname(file)} is not a folder (for ${file})`, { path: option });
  const st = statOf(file, option);
  if (st?.isDirectory()) throw new InputError(`${file} is a folder, not a file`, { path: option });
  // A device or a pipe would be replaced by the rename of an atomic write: refuse it.
  if (st && !st.isFile()) throw new InputError(`${file} is not a regular file`, { path: option });
  writable(parent, option);
}

/** A file written to a temporary sibling, to be renamed into place by `commit` or removed by `abort`. */
export interface StagedFile {
  commit(): void;
  abort(): void;
}

/** Write `content` beside `file` (nothing at `file` changes yet); a write failure is one-line bad input. */
export function stageFile(file: string, content: string, option: string): StagedFile {
  const tmp = `${file}.tmp-${process.pid}`;
  const abort = () => rmSync(tmp, { force: true });
  try {
    writeFileSync(tmp, content);
  } catch (e) {
    abort();
    throw fileSystemError(e, file, option) ?? e;
  }
  return {
    commit: () => {
      try {
        renameSync(tmp, file);
      } catch (e) {
        abort();
        throw fileSystemError(e, file, option) ?? e;
      }
    },
    abort,
  };
}

/** Write one file atomically. */
export function writeFileAtomic(file: string, content: string, option: string): void {
  stageFile(file, content, option).commit();
}
