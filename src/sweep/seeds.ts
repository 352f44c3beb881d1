/**
 * Seeds of a sweep's runs. With common random numbers (the default) every variant's replication r draws
 * from the same streams, so a difference between two variants is the variants', not the dice's
 * (Law, Simulation Modeling and Analysis, §11.2 "common random numbers"). Replication 0 keeps the
 * scenario's own seed, so a one-replication variant equals `scalesim run` of that variant.
 * Independent seeds give every variant its own streams, derived from its parameters (not its position), so
 * sampling, shards and resumed runs agree on them.
 */
import { stream } from "../engine/rng.js";

export type SeedMode = "common" | "independent";

/** A 32-bit seed derived from (seed, name) through the engine's named streams. */
export function deriveSeed(seed: number, name: string): number {
  return stream(seed, name).nextU32();
}

export function runSeed(
  mode: SeedMode,
  scenarioSeed: number,
  paramsCanon: string,
  replication: number,
): number {
  if (mode === "independent")
    return deriveSeed(scenarioSeed, `sweep.independent.${replication}.${paramsCanon}`);
  return replication === 0 ? scenarioSeed : deriveSeed(scenarioSeed, `sweep.replication.${replication}`);
}
