import { InvalidArgumentError } from "commander";

export function seedOption(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError("the seed is a non-negative integer");
  return n;
}
