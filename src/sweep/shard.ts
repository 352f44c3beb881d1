/**
 * `--shard i/N`: run the i-th of N deterministic slices (0-based, like both batch systems' indexes).
 * `auto` takes the index from the environment:
 * - Kubernetes Indexed Jobs set JOB_COMPLETION_INDEX (0 … completions−1):
 *   https://kubernetes.io/docs/tasks/job/indexed-parallel-processing-static/
 * - AWS Batch array jobs set AWS_BATCH_JOB_ARRAY_INDEX (0 … size−1) and AWS_BATCH_JOB_ARRAY_SIZE:
 *   https://docs.aws.amazon.com/batch/latest/userguide/job_env_vars.html
 */
import type { Shard } from "./store.js";

export const SHARD_INDEX_VARIABLES = ["JOB_COMPLETION_INDEX", "AWS_BATCH_JOB_ARRAY_INDEX"] as const;

export function parseShard(
  text: string,
  env: Record<string, string | undefined> = process.env,
): Shard | string {
  const m = /^\s*(auto|\d+)\s*(?:\/\s*(\d+)\s*)?$/.exec(text);
  if (!m) return `expected i/N (0 ≤ i < N) or auto[/N], got "${text}"`;
  let index: number;
  if (m[1] === "auto") {
    const name = SHARD_INDEX_VARIABLES.find((v) => env[v] !== undefined && env[v] !== "");
    if (!name) return `--shard auto needs ${SHARD_INDEX_VARIABLES.join(" or ")} in the environment`;
    index = Number(env[name]);
    if (!Number.isInteger(index) || index < 0) return `${name}=${env[name]} is not a shard index`;
  } else index = Number(m[1]);
  const countText = m[2] ?? (m[1] === "auto" ? env.AWS_BATCH_JOB_ARRAY_SIZE : undefined);
  if (countText === undefined) return "give the number of shards: i/N";
  const count = Number(countText);
  if (!Number.isInteger(count) || count < 1)
    return `the number of shards must be a positive integer, got ${countText}`;
  if (index >= count) return `shard index ${index} is not below the number of shards ${count}`;
  return { index, count };
}
