import { run } from "../../src/api.js";
import { InputError } from "../../src/errors.js";
import type { Decision } from "../../src/models/decisions.js";
import { parseScenario } from "../../src/scenario/load.js";

/** One Fargate service (2 tasks of 1 vCPU, 25 ms CPU per request) on synthetic traffic, with the given platform fields. */
export function fargateScenario(
  platform: string,
  traffic = "synthetic: { shape: step, base: 20, to: 120, at: 30m }",
  duration = "1h",
  service = "{ desiredCount: 2, minCapacity: 1, maxCapacity: 20 }",
): string {
  return `
name: aas
seed: 1
duration: ${duration}
traffic:
  ${traffic}
workload:
  cpuPerRequest: 25ms
  serviceTime: { distribution: lognormal, mean: 60ms, cv: 1.0 }
  concurrency: 64
  memory: { baseline: 512MiB, perInFlight: 0MiB }
  timeout: 10s
slo: { latency: 400ms, percentile: 99 }
platforms:
  svc:
    kind: ecs-fargate
    task: { cpu: 1024, memory: 2048 }
    service: ${service}
${platform}`;
}

export async function decisionsOf(text: string, file?: string, baseDir?: string): Promise<Decision[]> {
  const out = await run(parseScenario(text, file, baseDir));
  return out.result.platforms[0].decisions;
}

/** The InputError a function throws (fails the test when it throws nothing or something else). */
export function inputErrorOf(f: () => unknown): InputError {
  try {
    f();
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error("expected an InputError");
}

/** 1-based line of the first line of `text` containing `needle`. */
export function lineOf(text: string, needle: string): number {
  const i = text.split("\n").findIndex((l) => l.includes(needle));
  if (i < 0) throw new Error(`"${needle}" not in text`);
  return i + 1;
}
