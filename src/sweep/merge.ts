/**
 * Merge the output folders of a sweep's shards (or of interrupted and resumed attempts) into one folder
 * holding exactly what a single run of the whole sweep writes: the same table, byte for byte.
 */
import { join } from "node:path";
import { InputError } from "../errors.js";
import { writeOutputs } from "../output/files.js";
import type { PlanMeta } from "./plan.js";
import { META_FILE, metaText, RUNS_FILE, type RunRecord, readMeta, readRuns } from "./store.js";
import { tableFiles } from "./run.js";
import { buildTable, type SweepTable } from "./table.js";

export interface MergeResult {
  table: SweepTable;
  ranking: string;
  dirs: number;
  missing: number;
}

export function mergeSweeps(
  dirs: readonly string[],
  out: string,
  options: { allowPartial?: boolean } = {},
): MergeResult {
  if (dirs.length === 0) throw new InputError("give at least one sweep output folder");
  const metas = dirs.map((d) => readMeta(d));
  const { shard: _shard, ...meta }: PlanMeta & { shard: unknown } = metas[0];
  metas.forEach((m, i) => {
    if (m.hash !== meta.hash) {
      throw new InputError(
        `holds a different sweep (plan ${m.hash}, but ${dirs[0]} holds plan ${meta.hash})`,
        { file: join(dirs[i], META_FILE) },
      );
    }
  });
  // A finished run wins over a failed attempt of the same run; otherwise the first folder's record.
  const records = new Map<string, RunRecord>();
  for (const dir of dirs) {
    for (const rec of readRuns(dir)) {
      const had = records.get(rec.key);
      if (!had || (had.status === "failed" && rec.status === "ok")) records.set(rec.key, rec);
    }
  }
  const missingRuns = meta.runs.filter((r) => !records.has(r.key));
  if (missingRuns.length > 0 && !options.allowPartial) {
    const shards = metas.map((m) => m.shard).filter((s) => s !== null);
    const count = shards[0]?.count;
    const have = new Set(shards.map((s) => s.index));
    const absent = count ? Array.from({ length: count }, (_, i) => i).filter((i) => !have.has(i)) : [];
    const hint = absent.length ? `; shards not given: ${absent.map((i) => `${i}/${count}`).join(", ")}` : "";
    throw new InputError(
      `${missingRuns.length} of ${meta.runs.length} runs are missing (first: ${missingRuns[0].run})${hint}; use --allow-partial to merge anyway`,
    );
  }
  const table = buildTable(meta, records);
  const files = tableFiles(table);
  const lines: string[] = [];
  const seen = new Set<string>();
  for (const run of meta.runs) {
    const rec = records.get(run.key);
    if (!rec || seen.has(run.key)) continue;
    seen.add(run.key);
    lines.push(JSON.stringify(rec));
  }
  writeOutputs(out, {
    ...files,
    [RUNS_FILE]: lines.length ? `${lines.join("\n")}\n` : "",
    [META_FILE]: metaText(meta, null),
  });
  return { table, ranking: files["ranking.txt"], dirs: dirs.length, missing: missingRuns.length };
}
