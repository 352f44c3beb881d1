/**
 * Synthetic traffic shapes. Rates are in requests per SECOND; times (`at`, `period`, `width`, ...) in ms
 * from the start of the series. Each interval's expected count is the exact integral of the rate over
 * the interval (closed forms below), so totals do not depend on the step and a step or spike edge
 * inside an interval is counted pro rata.
 *
 * Randomness (optional): `noise` multiplies each interval by max(0, 1 + noise·N(0,1)) and `poisson`
 * then draws a Poisson count with that mean; both from the named stream `traffic.synthetic`, in
 * interval order, one normal then one Poisson variate per interval.
 */
import { stream } from "../engine/rng.js";
import { InputError } from "../errors.js";
import { MAX_INTERVALS, type RateSeries } from "./series.js";

/** Name of the RNG stream the synthetic generator draws from. */
export const SYNTHETIC_STREAM = "traffic.synthetic";
/** Default interval length of synthetic series: 1 s. */
export const DEFAULT_SYNTHETIC_STEP_MS = 1000;
/** Default diurnal period: one day. */
export const DAY_MS = 86_400_000;

interface Randomness {
  /** Relative Gaussian jitter per interval (0.05 = 5 % standard deviation). */
  noise?: number;
  /** Draw integer Poisson counts around the (jittered) expected count. */
  poisson?: boolean;
}

/** `rate` req/s throughout. */
export interface ConstantShape extends Randomness {
  shape: "constant";
  rate: number;
}
/** `base` req/s until `at` ms, then `to` req/s. */
export interface StepShape extends Randomness {
  shape: "step";
  base: number;
  to: number;
  at: number;
}
/** `from` req/s until `at` (default 0), linearly to `to` req/s over `over` ms (default: to the end), then `to`. */
export interface RampShape extends Randomness {
  shape: "ramp";
  from: number;
  to: number;
  at?: number;
  over?: number;
}
/**
 * Raised cosine between `base` (trough) and `peak` req/s with period `period` ms (default one day):
 * rate(t) = base + (peak − base)·(1 − cos(2π(t − phase)/period))/2, so the trough is at t = phase
 * (default 0) and the peak half a period later.
 */
export interface DiurnalShape extends Randomness {
  shape: "diurnal";
  base: number;
  peak: number;
  period?: number;
  phase?: number;
}
/** `base` req/s with a rectangular burst of `peak` req/s during [at, at + width) ms. */
export interface SpikeShape extends Randomness {
  shape: "spike";
  base: number;
  peak: number;
  at: number;
  width: number;
}

export type SyntheticSpec = ConstantShape | StepShape | RampShape | DiurnalShape | SpikeShape;

export interface SynthesizeOptions {
  /** Length of the series in ms; a whole number of steps. */
  durationMs: number;
  /** Interval length in ms. Default 1000. */
  stepMs?: number;
  /** Seed of the run; the draws come from stream(seed, "traffic.synthetic"). */
  seed?: number;
  /** Epoch ms of the first interval. Default 0. */
  startMs?: number;
  /** Scenario field of the spec (e.g. `traffic.synthetic`), for error messages. */
  path?: string;
}

/** Largest synthetic rate, req/s (10^12): beyond it counts lose meaning; a typo, not a load. */
export const MAX_SYNTHETIC_RATE = 1e12;

function need(ok: boolean, detail: string, path: string | undefined, field: string): void {
  if (!ok) throw new InputError(detail, { path: path === undefined ? field : `${path}.${field}` });
}

function rate(v: unknown, name: string, path: string | undefined): void {
  need(
    typeof v === "number" && Number.isFinite(v) && v >= 0 && v <= MAX_SYNTHETIC_RATE,
    `${name} must be a rate between 0 and ${MAX_SYNTHETIC_RATE} req/s (got ${String(v)})`,
    path,
    name,
  );
}

function time(v: unknown, name: string, path: string | undefined, positive = false): void {
  const ok = typeof v === "number" && Number.isFinite(v) && (positive ? v > 0 : v >= 0);
  need(ok, `${name} must be a time in ms ${positive ? "> 0" : ">= 0"} (got ${String(v)})`, path, name);
}

/** Reject a spec with missing or out-of-range parameters (InputError naming the field). */
export function validateSynthetic(spec: SyntheticSpec, path?: string): void {
  const p = path;
  switch (spec.shape) {
    case "constant":
      rate(spec.rate, "rate", p);
      break;
    case "step":
      rate(spec.base, "base", p);
      rate(spec.to, "to", p);
      time(spec.at, "at", p);
      break;
    case "ramp":
      rate(spec.from, "from", p);
      rate(spec.to, "to", p);
      if (spec.at !== undefined) time(spec.at, "at", p);
      if (spec.over !== undefined) time(spec.over, "over", p, true);
      break;
    case "diurnal":
      rate(spec.base, "base", p);
      rate(spec.peak, "peak", p);
      if (spec.period !== undefined) time(spec.period, "period", p, true);
      if (spec.phase !== undefined)
        need(Number.isFinite(spec.phase), "phase must be a time in ms", p, "phase");
      break;
    case "spike":
      rate(spec.base, "base", p);
      rate(spec.peak, "peak", p);
      time(spec.at, "at", p);
      time(spec.width, "width", p, true);
      break;
    default:
      throw new InputError(
        `unknown shape "${String((spec as { shape?: unknown }).shape)}"; expected constant, step, ramp, diurnal or spike`,
        { path: p === undefined ? "shape" : `${p}.shape` },
      );
  }
  if (spec.noise !== undefined) {
    need(
      Number.isFinite(spec.noise) && spec.noise >= 0,
      `noise must be >= 0 (got ${spec.noise})`,
      p,
      "noise",
    );
  }
}

/** Length of [a0, a1) ∩ [b0, b1). */
function overlap(a0: number, a1: number, b0: number, b1: number): number {
  return Math.max(0, Math.min(a1, b1) - Math.max(a0, b0));
}

/**
 * Expected requests arriving in [0, t) ms: the integral of the rate. `endMs` is the series length
 * (a ramp without `over` ends there).
 */
export function cumulativeRequests(spec: SyntheticSpec, t: number, endMs: number): number {
  let reqMs: number; // integral in (req/s)·ms
  switch (spec.shape) {
    case "constant":
      reqMs = spec.rate * t;
      break;
    case "step":
      reqMs = spec.base * Math.min(t, spec.at) + spec.to * Math.max(0, t - spec.at);
      break;
    case "ramp": {
      const at = spec.at ?? 0;
      const over = spec.over ?? Math.max(endMs - at, 0);
      const before = Math.min(t, at);
      const inRamp = over > 0 ? Math.min(Math.max(t - at, 0), over) : 0;
      const after = Math.max(0, t - at - over);
      // Linear from `from` to `to` across `over`: integral over the first x ms is from·x + slope·x²/2.
      const slope = over > 0 ? (spec.to - spec.from) / over : 0;
      reqMs = spec.from * before + (spec.from * inRamp + (slope * inRamp * inRamp) / 2) + spec.to * after;
      break;
    }
    case "diurnal": {
      const period = spec.period ?? DAY_MS;
      const phase = spec.phase ?? 0;
      const w = (2 * Math.PI) / period;
      const amp = (spec.peak - spec.base) / 2;
      // ∫0^t base + amp·(1 − cos(w(s − phase))) ds = (base + amp)·t − amp/w·(sin(w(t − phase)) − sin(−w·phase))
      reqMs = (spec.base + amp) * t - (amp / w) * (Math.sin(w * (t - phase)) - Math.sin(-w * phase));
      break;
    }
    case "spike":
      reqMs = spec.base * t + (spec.peak - spec.base) * overlap(0, t, spec.at, spec.at + spec.width);
      break;
  }
  return reqMs / 1000;
}

/** Instantaneous rate (req/s) of a shape at t ms. */
export function syntheticRate(spec: SyntheticSpec, t: number, endMs: number): number {
  switch (spec.shape) {
    case "constant":
      return spec.rate;
    case "step":
      return t < spec.at ? spec.base : spec.to;
    case "ramp": {
      const at = spec.at ?? 0;
      const over = spec.over ?? Math.max(endMs - at, 0);
      if (t < at) return spec.from;
      if (over <= 0 || t >= at + over) return spec.to;
      return spec.from + ((spec.to - spec.from) * (t - at)) / over;
    }
    case "diurnal": {
      const period = spec.period ?? DAY_MS;
      return (
        spec.base +
        ((spec.peak - spec.base) * (1 - Math.cos((2 * Math.PI * (t - (spec.phase ?? 0))) / period))) / 2
      );
    }
    case "spike":
      return t >= spec.at && t < spec.at + spec.width ? spec.peak : spec.base;
  }
}

function describe(spec: SyntheticSpec): string {
  const { noise, poisson, shape, ...params } = spec;
  const ps = Object.entries(params).map(([k, v]) => `${k}=${v}`);
  if (noise) ps.push(`noise=${noise}`);
  if (poisson) ps.push("poisson");
  return `synthetic ${shape} (${ps.join(", ")})`;
}

/** Generate a synthetic series. Same (spec, options) ⇒ same counts on every machine. */
export function synthesize(spec: SyntheticSpec, options: SynthesizeOptions): RateSeries {
  const path = options.path;
  validateSynthetic(spec, path);
  const stepMs = options.stepMs ?? DEFAULT_SYNTHETIC_STEP_MS;
  const { durationMs } = options;
  const loc = (field: string) => ({ path: path === undefined ? field : `${path}.${field}` });
  if (!Number.isInteger(stepMs) || stepMs <= 0) {
    throw new InputError(`stepMs must be a positive integer number of ms (got ${stepMs})`, loc("stepMs"));
  }
  if (!Number.isInteger(durationMs) || durationMs <= 0 || durationMs % stepMs !== 0) {
    throw new InputError(
      `durationMs must be a positive whole number of ${stepMs} ms steps (got ${durationMs})`,
      loc("durationMs"),
    );
  }
  const n = durationMs / stepMs;
  if (n > MAX_INTERVALS) {
    throw new InputError(
      `${durationMs} ms in steps of ${stepMs} ms is ${n} intervals; at most ${MAX_INTERVALS} are simulated`,
      loc("durationMs"),
    );
  }
  const counts = new Float64Array(n);
  let prev = 0;
  for (let i = 0; i < n; i++) {
    const next = cumulativeRequests(spec, (i + 1) * stepMs, durationMs);
    counts[i] = Math.max(0, next - prev); // differences of a non-decreasing integral; clamp rounding
    prev = next;
  }
  const noise = spec.noise ?? 0;
  if (noise > 0 || spec.poisson) {
    const rng = stream(options.seed ?? 0, SYNTHETIC_STREAM);
    for (let i = 0; i < n; i++) {
      let mean = counts[i];
      if (noise > 0) mean *= Math.max(0, 1 + noise * rng.normal());
      counts[i] = spec.poisson ? rng.poisson(mean) : mean;
    }
  }
  return { startMs: options.startMs ?? 0, stepMs, counts, source: describe(spec), notes: [] };
}
