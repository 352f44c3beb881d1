/**
 * Units accepted in scenario files. Each parser returns a number in the project's base unit
 * (milliseconds, MiB, ECS CPU units) or a message saying what was expected.
 */

export type Parsed = { ok: true; value: number } | { ok: false; message: string };

const DURATION_UNITS: Record<string, number> = {
  ms: 1,
  s: 1000,
  sec: 1000,
  m: 60_000,
  min: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

const DURATION_RE = /^\s*(-?\d+(?:\.\d+)?)\s*(ms|s|sec|m|min|h|d|w)\s*$/;

/** `300ms`, `5s`, `1.5m`, `1h`, `1d`, `2w`, or compound `1h30m`. Numbers alone are refused (which unit?). */
export function parseDuration(input: unknown): Parsed {
  if (typeof input === "number") {
    if (input === 0) return { ok: true, value: 0 };
    return {
      ok: false,
      message: `expected a duration with a unit (e.g. "${input}s" or "${input}ms"), got the bare number ${input}`,
    };
  }
  if (typeof input !== "string")
    return { ok: false, message: `expected a duration such as "300ms", "5s", "5m", "1h", "1d"` };
  const compound = input.trim().match(/^((?:\d+(?:\.\d+)?(?:ms|s|m|h|d|w))+)$/);
  if (compound && !DURATION_RE.test(input)) {
    let total = 0;
    for (const part of input.trim().matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/g))
      total += Number(part[1]) * DURATION_UNITS[part[2]];
    return { ok: true, value: Math.round(total) };
  }
  const m = DURATION_RE.exec(input);
  if (!m)
    return {
      ok: false,
      message: `"${input}" is not a duration; use a number and a unit: ms, s, m, h, d (e.g. "300ms", "5s", "5m")`,
    };
  const v = Number(m[1]) * DURATION_UNITS[m[2]];
  if (v < 0) return { ok: false, message: `duration must not be negative, got "${input}"` };
  return { ok: true, value: Math.round(v) };
}

const SIZE_UNITS: Record<string, number> = {
  kib: 1 / 1024,
  kb: 1 / 1024,
  mib: 1,
  mb: 1,
  gib: 1024,
  gb: 1024,
  tib: 1024 * 1024,
  tb: 1024 * 1024,
};

/**
 * Memory sizes in MiB. `512MiB`, `2GiB`; `MB`/`GB` are read as AWS's console and task definitions use them
 * ("2 GB" Fargate memory is 2048 MiB). A bare number is MiB only where `bareIsMiB` (ECS task `memory`).
 */
export function parseSize(input: unknown, bareIsMiB = false): Parsed {
  if (typeof input === "number") {
    if (bareIsMiB || input === 0)
      return input >= 0 ? { ok: true, value: input } : { ok: false, message: "size must not be negative" };
    return {
      ok: false,
      message: `expected a size with a unit (e.g. "${input}MiB" or "${input}GiB"), got the bare number ${input}`,
    };
  }
  if (typeof input !== "string") return { ok: false, message: `expected a size such as "512MiB" or "2GiB"` };
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kKmMgGtT][iI]?[bB])?\s*$/.exec(input);
  if (!m)
    return {
      ok: false,
      message: `"${input}" is not a size; use a number and a unit: MiB, GiB (e.g. "512MiB", "2GiB")`,
    };
  if (!m[2]) {
    if (bareIsMiB) return { ok: true, value: Number(m[1]) };
    return { ok: false, message: `"${input}" needs a unit: MiB or GiB (e.g. "${input}MiB")` };
  }
  return { ok: true, value: Number(m[1]) * SIZE_UNITS[m[2].toLowerCase()] };
}

/** ECS CPU units: `1024` (units), `"1024"`, `"1 vCPU"`, `"0.25vcpu"` (1 vCPU = 1024 units). */
export function parseCpuUnits(input: unknown): Parsed {
  if (typeof input === "number")
    return input > 0 ? { ok: true, value: input } : { ok: false, message: "CPU units must be positive" };
  if (typeof input !== "string")
    return { ok: false, message: `expected CPU units (1024 = 1 vCPU) or a string like "1 vCPU"` };
  const m = /^\s*(\d+(?:\.\d+)?)\s*(vcpu)?\s*$/i.exec(input);
  if (!m)
    return {
      ok: false,
      message: `"${input}" is not a CPU size; use CPU units (1024 = 1 vCPU) or "0.5 vCPU"`,
    };
  const n = Number(m[1]);
  return { ok: true, value: m[2] ? Math.round(n * 1024) : n };
}

/**
 * Kubernetes CPU quantities in millicores: `500m`, `1`, `0.5`, `"2"`.
 * https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/#meaning-of-cpu
 */
export function parseMilliCpu(input: unknown): Parsed {
  if (typeof input === "number")
    return input >= 0
      ? { ok: true, value: Math.round(input * 1000) }
      : { ok: false, message: "CPU must not be negative" };
  if (typeof input !== "string")
    return { ok: false, message: `expected a CPU quantity such as "500m" or "1"` };
  const m = /^\s*(\d+(?:\.\d+)?)(m?)\s*$/.exec(input);
  if (!m)
    return { ok: false, message: `"${input}" is not a Kubernetes CPU quantity (e.g. "500m", "1", "0.5")` };
  return { ok: true, value: m[2] ? Number(m[1]) : Math.round(Number(m[1]) * 1000) };
}

/**
 * Kubernetes memory quantities in MiB: `1Gi`, `512Mi`, `1G` (10^9 bytes), `128974848` (bytes).
 * https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/#meaning-of-memory
 */
export function parseK8sMemory(input: unknown): Parsed {
  const MIB = 1024 * 1024;
  const factors: Record<string, number> = {
    "": 1,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
    Ki: 1024,
    Mi: MIB,
    Gi: 1024 * MIB,
    Ti: 1024 * 1024 * MIB,
  };
  const s = typeof input === "number" ? String(input) : input;
  if (typeof s !== "string")
    return { ok: false, message: `expected a memory quantity such as "512Mi" or "1Gi"` };
  const m = /^\s*(\d+(?:\.\d+)?)(k|M|G|T|Ki|Mi|Gi|Ti)?\s*$/.exec(s);
  if (!m) return { ok: false, message: `"${s}" is not a Kubernetes memory quantity (e.g. "512Mi", "1Gi")` };
  return { ok: true, value: (Number(m[1]) * factors[m[2] ?? ""]) / MIB };
}

/** Human form of a duration in ms, for messages and reports. */
export function formatDuration(ms: number): string {
  if (ms % 86_400_000 === 0 && ms > 0) return `${ms / 86_400_000}d`;
  if (ms % 3_600_000 === 0 && ms > 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0 && ms > 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}
