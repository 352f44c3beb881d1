import { isAbsolute, resolve } from "node:path";
import { InputError } from "../errors.js";
import { type AwsJson, importAwsScaling } from "./aws-import.js";
import { readAwsJson } from "./aws-json.js";
import type { LocatedDocument } from "./locate.js";

/**
 * Scaling configuration loaded by reference from AWS CLI exports, instead of written in the scenario:
 *
 *   scalingPolicies: { fromAws: policies.json, alarms: alarms.json, resourceId: service/c/web }
 *   scheduledActions: { fromAws: actions.json }
 *
 * `fromAws` holds the output of `aws application-autoscaling describe-scaling-policies` (or
 * `describe-scheduled-actions`), `alarms` that of `aws cloudwatch describe-alarms` for step policies; paths
 * are relative to the scenario file. The files go through the same converter as `scalesim import`
 * (aws-import.ts) and the result replaces the reference before the scenario is validated, so an error in
 * a file is reported at its own line and column with the field path inside it.
 */

const KEYS = {
  scalingPolicies: ["fromAws", "alarms", "resourceId"],
  scheduledActions: ["fromAws", "resourceId"],
} as const;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);

/** Replace every `{ fromAws: … }` reference under `platforms.<name>` by what the files hold. */
export function resolveAwsReferences(
  raw: Obj,
  ctx: { file: string; baseDir: string; located?: LocatedDocument },
): Obj {
  const platforms = raw.platforms;
  if (!isObj(platforms)) return raw;
  let changed: Obj | null = null;
  for (const name of Object.keys(platforms)) {
    const p = platforms[name];
    if (!isObj(p)) continue;
    let next: Obj | null = null;
    for (const field of ["scalingPolicies", "scheduledActions"] as const) {
      const ref = p[field];
      if (!isObj(ref) || !("fromAws" in ref)) continue;
      const at = ["platforms", name, field];
      next ??= { ...p };
      next[field] = load(field, ref, at, ctx);
    }
    if (next) {
      changed ??= { ...platforms };
      changed[name] = next;
    }
  }
  return changed ? { ...raw, platforms: changed } : raw;
}

function load(
  field: keyof typeof KEYS,
  ref: Obj,
  at: string[],
  ctx: { file: string; baseDir: string; located?: LocatedDocument },
): unknown[] {
  const fail = (key: string | undefined, message: string): never => {
    const pos = ctx.located?.position(key === undefined ? at : [...at, key]);
    const path = [at[0], ...at.slice(1)].join(".") + (key ? `.${key}` : "");
    throw new InputError(message, { file: ctx.file, line: pos?.line, col: pos?.col, path });
  };
  for (const k of Object.keys(ref)) {
    if (!(KEYS[field] as readonly string[]).includes(k)) {
      fail(
        k,
        `unknown field "${k}" in a reference to AWS CLI exports; expected one of: ${KEYS[field].join(", ")}`,
      );
    }
  }
  const file = (key: string): AwsJson | undefined => {
    const v = ref[key];
    if (v === undefined) return undefined;
    if (typeof v !== "string" || v.length === 0) return fail(key, "expected the path of a JSON file");
    const abs = isAbsolute(v) ? v : resolve(ctx.baseDir, v);
    try {
      return readAwsJson(abs, v);
    } catch (e) {
      // A file that cannot be read is reported at the line that names it; errors inside it keep its own.
      if (e instanceof InputError && e.location.line === undefined)
        return fail(key, `${e.detail}: ${v} (resolved to ${abs})`);
      throw e;
    }
  };
  if (ref.resourceId !== undefined && typeof ref.resourceId !== "string")
    fail("resourceId", "expected service/<cluster>/<service>");
  const main = file("fromAws")!;
  const r = importAwsScaling({
    policies: field === "scalingPolicies" ? main : undefined,
    scheduledActions: field === "scheduledActions" ? main : undefined,
    alarms: file("alarms"),
    resourceId: ref.resourceId as string | undefined,
  });
  return field === "scalingPolicies" ? r.scalingPolicies : r.scheduledActions;
}
