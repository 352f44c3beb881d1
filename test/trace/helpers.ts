import { fileURLToPath } from "node:url";
import { InputError } from "../../src/errors.js";

/** Absolute path of a fixture under test/fixtures/traces. */
export function fixture(name: string): string {
  return fileURLToPath(new URL(`../fixtures/traces/${name}`, import.meta.url));
}

/** Await a promise (or call a function) that must fail with an InputError; return the error. */
export async function inputError(p: Promise<unknown> | (() => unknown)): Promise<InputError> {
  try {
    if (typeof p === "function") await p();
    else await p;
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error("expected an InputError, but the call succeeded");
}
