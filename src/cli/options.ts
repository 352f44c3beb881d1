import { InvalidArgumentError } from "commander";

export function seedOption(v: string): number {
  const n = Number(v);
  if (!/^\d+$/.test(v.trim()) || !Number.isInteger(n) || n < 0)
    throw new InvalidArgumentError("the seed is a non-negative integer");
  // The scenario's `seed:` field has the same bound: above 2^53 integers are no longer exact.
  if (n > Number.MAX_SAFE_INTEGER)
    throw new InvalidArgumentError(`the seed is at most ${Number.MAX_SAFE_INTEGER} (2^53 - 1)`);
  return n;
}
