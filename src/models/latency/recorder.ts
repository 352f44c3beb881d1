import type { ServiceTimeDistribution } from "./distributions.js";
import { binOf, DelayScaleHistogram } from "./delay-scale-histogram.js";

/** Equal-probability strata used to represent an exponential queue wait in the fluid model. */
export const WAIT_STRATA = 4;
// Mid-probability points of Exp(1), −ln(1 − (k + ½)/K), rescaled so their average is exactly 1: the
// strata keep the wait's mean (the raw midpoints' average is 0.916 for K = 4).
const RAW_OFFSETS = Array.from({ length: WAIT_STRATA }, (_, k) => -Math.log(1 - (k + 0.5) / WAIT_STRATA));
const RAW_MEAN = RAW_OFFSETS.reduce((s, x) => s + x, 0) / WAIT_STRATA;
const STRATA_OFFSETS = RAW_OFFSETS.map((x) => x / RAW_MEAN);

/**
 * Strata of the service-time distribution by probability: entry j > 0 stands for S restricted to
 * F_S(S) ∈ (edge[j−1], edge[j]], so a stretch may depend on a request's own length (processor sharing).
 * Stratum 0 is the whole distribution.
 */
export const SERVICE_STRATA_EDGES = [0, 0.6, 0.9, 0.98, 1] as const;
export const SERVICE_STRATA = SERVICE_STRATA_EDGES.length - 1;
/**
 * Probability strata of the stretch within a service stratum (see `TaskLatency.stretch`): each value is
 * the stretch's mean over its stratum, narrower towards the tail so the slowdown's upper percentiles are
 * not flattened into one mean.
 */
export const STRETCH_EDGES = [0, 0.35, 0.65, 0.85, 0.95, 0.99, 0.998, 1] as const;
export const STRETCH_STRATA = STRETCH_EDGES.length - 1;
/** Probability of each stretch stratum. */
export const STRETCH_WEIGHTS = Float64Array.from(
  { length: STRETCH_STRATA },
  (_, m) => STRETCH_EDGES[m + 1] - STRETCH_EDGES[m],
);
const STRATUM_LO = Float64Array.from([0, ...SERVICE_STRATA_EDGES.slice(0, -1)]);
const STRATUM_INV_WIDTH = Float64Array.from([
  1,
  ...SERVICE_STRATA_EDGES.slice(1).map((e, j) => 1 / (e - SERVICE_STRATA_EDGES[j])),
]);
/** Entries one recordWithWait call may append. */
const MAX_ENTRIES_PER_CALL = SERVICE_STRATA * STRETCH_STRATA + WAIT_STRATA + 1;

/** F_S restricted to service stratum j (0: the whole distribution), given F_S(y). */
export function stratumCdf(fy: number, j: number): number {
  if (j === 0) return fy;
  const u = (fy - STRATUM_LO[j]) * STRATUM_INV_WIDTH[j];
  return u <= 0 ? 0 : Math.min(u, 1);
}

export interface LatencyStats {
  mean: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  max: number;
  /** Expected number of recorded requests with latency ≤ the SLO latency. */
  withinSlo: number;
  count: number;
}

/**
 * The inputs of a `recordWithWait` call other than the weight and the base delay, as a lasting value:
 * the caller promises that the same key always carries the same inputs (`stretch` is never rewritten).
 * The recorder keeps on the key what those inputs add per unit of weight, and the statistics of a minute
 * made of them alone.
 */
export interface EntryKey {
  readonly pWait: number;
  readonly waitMeanMs: number;
  readonly stretch: Float64Array | null;
  /** Mean stretch (the slot waiters' stretch). */
  readonly scale: number;
  entries: UnitEntries | null;
}

/**
 * What one `recordWithWait` call with no base delay adds per unit of weight, and (once solved) the
 * statistics of a minute recorded from its inputs alone: a minute's percentiles do not depend on its
 * weight, so a minute that repeats earlier inputs reuses them. The entries themselves are generated
 * again from the key when they are needed (a minute mixing inputs, the run's histogram).
 */
export class UnitEntries {
  zeroFrac = 0;
  delayPer = 0;
  servicePer = 0;
  servedPer = 0;
  /** Whether the timeout cuts any entry. */
  cuts = false;
  /** Whether the statistics below (of a minute of unit weight) are solved. */
  solved = false;
  mean = 0;
  p50 = 0;
  p95 = 0;
  p99 = 0;
  withinPer = 0;
  countPer = 0;
  /**
   * The entries' bins in the run's histogram and their fractions (null until first moved there): the bins
   * take a log or two each, and a sweep's variants move the same sets.
   */
  bins: Float64Array | null = null;
  binFrac: Float64Array | null = null;
  /** The recorder holding back run weight for these inputs, and where (see `LatencyRecorder.held`). */
  heldBy: LatencyRecorder | null = null;
  heldIdx = -1;
  constructor(
    /** Recorders with the same configuration (`recorderConfig`) share these values. */
    readonly owner: object,
    readonly key: EntryKey,
  ) {}
}

/**
 * What the values of a `UnitEntries` depend on besides its key. Without minute percentiles (sweep rows)
 * they are pure functions of the key, the service-time tables, the SLO latency and the timeout, so
 * recorders agreeing on those share them, whichever run computed them first. The minute percentiles are
 * solved from the previous minute's answers, so a recorder that solves them keeps its own.
 */
function recorderConfig(
  S: ServiceTimeDistribution,
  sloMs: number,
  timeoutMs: number,
  shared: boolean,
): object {
  if (!shared || S.kind !== "lognormal") return {};
  const key = `${S.mean}|${S.cv}|${sloMs}|${timeoutMs}`;
  let c = configs.get(key);
  if (c === undefined) {
    if (configs.size >= 64) configs.clear();
    c = {};
    configs.set(key, c);
  }
  return c;
}
const configs = new Map<string, object>();

/** Entry sets whose run weight is held back at most before they are moved into the run's histogram. */
const HELD_SETS = 1 << 12;

/**
 * Latency of requests in the fluid model: latency = D + K·S, where S is the service time (a known
 * distribution), K ≥ 1 a stretch of the service time (processor sharing: a request's CPU part slows
 * down with its own length, and the slowdown's spread depends on that length, so K may differ by service
 * stratum) and D a delay (queueing), both computed by the model per tick. Entries (D, K, stratum j) are
 * recorded with fractional weights; percentiles come from the exact mixture CDF
 *   F(x) = Σ_i w_i · F_{S,j_i}((x − d_i)/k_i) / Σ_i w_i,
 * F_{S,j} the CDF of S restricted to stratum j, solved by a bracketed root finder, so they carry no
 * sampling noise. Entries are kept exactly per minute and binned for the whole run
 * (`DelayScaleHistogram`, 1 % relative error).
 *
 * A request whose latency would exceed the client's timeout T is a timeout, not a served request (as in
 * request mode, src/models/traffic/request.ts): an entry's requests are served with probability
 * P(D + K·S ≤ T), the rest are returned to the caller as timed out, and the served latencies are the
 * mixture truncated at T (its CDF evaluated at min(x, T), normalised by the served weight), so no
 * percentile exceeds T. Entries that cannot exceed T (to 1e-12) keep the untruncated arithmetic.
 */
export class LatencyRecorder {
  private readonly run = new DelayScaleHistogram();
  private delaySum = 0;
  /** Σ weight · scale · E[S | stratum]: the service part of the latency sum. */
  private serviceSum = 0;
  private weightTotal = 0;
  /** E[S | stratum j], ms (j = 0: E[S]). */
  readonly stratumMean: Float64Array;
  // Current minute: exact entries (delay, scale, stratum, weight); mZero holds D = 0, K = 1, whole S.
  private mZero = 0;
  private mD = new Float64Array(256);
  private mK = new Float64Array(256);
  /** ln of each entry's scale (the tabulated CDF is read in ln x: one log per delayed entry only). */
  private mLK = new Float64Array(256);
  private mJ = new Uint8Array(256);
  private mW = new Float64Array(256);
  private mN = 0;
  /** CDF of the service time; tabulated where the closed form is costly. */
  private readonly F: ServiceCdf;
  private readonly cdfS: (x: number) => number;
  /** The current minute's latency CDF (bound once: no closure per minute). */
  private readonly minuteCdf: (x: number) => number;
  private minuteCount = 0;
  // Entries appended by the last recordWithWait (their share of its weight), reused while its inputs
  // repeat (lastValid false: none).
  private lastValid = false;
  /** Weight of ticks that repeated the last call's inputs, not yet spread over its entries. */
  private pending = 0;
  private lastN = 0;
  private readonly lastIdx = new Int32Array(MAX_ENTRIES_PER_CALL);
  private readonly lastFrac = new Float64Array(MAX_ENTRIES_PER_CALL);
  private lastZeroFrac = 0;
  private lastDelayPer = 0;
  private lastServicePer = 0;
  private lastBase = 0;
  private lastP = 0;
  private lastWait = 0;
  private lastStretch: Float64Array | null = null;
  private lastVersion = -1;
  private readonly sQ: Record<"p50" | "p90" | "p95" | "p99", number>;
  /** E[S; F_S(S) ≤ u] as a function of u, for the served part of a truncated entry. */
  private readonly partial: ServicePartialMean;
  /** Served weight (requests within the timeout) recorded so far, the pending weight settled. */
  private servedTotal = 0;
  private lastServedPer = 0;
  /** Whether any entry of the run / of the current minute lost requests to the timeout. */
  private truncated = false;
  private mTruncated = false;
  /** The entry set the current minute was recorded from alone, its entries not written out (null: none). */
  private pure: UnitEntries | null = null;
  private pureWeight = 0;
  /**
   * Entry sets holding back run weight not yet in the run's histogram, and that weight (per recorder:
   * recorders may share a set).
   */
  private readonly held: UnitEntries[] = [];
  private readonly heldWeight = new Float64Array(HELD_SETS);
  /** Shared by recorders whose unit entries agree (`recorderConfig`). */
  private readonly config: object;
  /** Whether other recorders may use this one's unit entries (no minute percentiles). */
  private readonly sharesEntries: boolean;

  constructor(
    readonly service: ServiceTimeDistribution,
    readonly sloMs: number,
    /** Client timeout T, ms: latencies beyond it are timeouts. */
    readonly timeoutMs = Number.POSITIVE_INFINITY,
    /**
     * Whether each minute's p50/p95/p99 are solved (false: NaN; a sweep row reads only the run's
     * percentiles and each minute's count and requests within the SLO).
     */
    readonly minuteQuantiles = true,
  ) {
    const tables = serviceTables(service);
    this.F = tables.F;
    this.partial = tables.partial;
    this.cdfS = (x: number) => this.F.at(x);
    this.minuteCdf = (x: number) => this.minuteMixtureCdf(x);
    this.sQ = {
      p50: service.quantile(0.5),
      p90: service.quantile(0.9),
      p95: service.quantile(0.95),
      p99: service.quantile(0.99),
    };
    this.stratumMean = tables.stratumMean;
    this.config = recorderConfig(service, sloMs, timeoutMs, !minuteQuantiles);
    this.sharesEntries = !minuteQuantiles;
  }

  /**
   * `weight` requests of service stratum `stratum` delayed by `delayMs`, their service time stretched by
   * `scale`. Returns the index of the minute's entry that took them (−1: the zero entry). Hot path: no
   * allocation.
   */
  record(weight: number, delayMs: number, scale = 1, stratum = 0): number {
    if (weight <= 0) return -1;
    if (this.pure !== null) this.writeOutPure();
    this.weightTotal += weight;
    this.accountServed(weight, delayMs, scale, stratum);
    return this.addEntry(weight, delayMs, scale, stratum);
  }

  /** Add weight to the minute's entry (delay, scale, stratum), merging with a recent equal one. */
  private addEntry(weight: number, delayMs: number, scale: number, stratum: number): number {
    if (delayMs <= 0 && scale === 1 && stratum === 0) {
      this.mZero += weight;
      return -1;
    }
    // Ticks inside one trace interval usually repeat the same delays: merge with a recent equal entry.
    for (let i = this.mN - 1, stop = Math.max(0, this.mN - 2 * MAX_ENTRIES_PER_CALL); i >= stop; i--) {
      if (this.mD[i] === delayMs && this.mK[i] === scale && this.mJ[i] === stratum) {
        this.mW[i] += weight;
        return i;
      }
    }
    if (this.mN === this.mD.length) this.growMinute();
    this.mD[this.mN] = delayMs;
    this.mK[this.mN] = scale;
    this.mLK[this.mN] = Math.log(scale);
    this.mJ[this.mN] = stratum;
    this.mW[this.mN] = weight;
    return this.mN++;
  }

  /**
   * Add the served part of `weight` requests of latency delay + scale·S (S in `stratum`) to the sums: all
   * of them when none can exceed the timeout, else the fraction P(latency ≤ T) and their partial mean.
   */
  private accountServed(weight: number, delayMs: number, scale: number, stratum: number): void {
    const T = this.timeoutMs;
    const y = (T - delayMs) / scale;
    const within = T === Number.POSITIVE_INFINITY ? 1 : y <= 0 ? 0 : stratumCdf(this.F.at(y), stratum);
    if (within >= 1 - 1e-12) {
      this.servedTotal += weight;
      this.serviceSum += weight * scale * this.stratumMean[stratum];
      this.delaySum += weight * delayMs;
      return;
    }
    this.truncated = true;
    this.mTruncated = true;
    if (within <= 0) return;
    this.servedTotal += weight * within;
    this.serviceSum += weight * scale * this.partial.stratum(this.F.at(y), stratum);
    this.delaySum += weight * delayMs * within;
  }

  /**
   * `weight` requests: a fraction `pWait` waits an exponential time of mean `waitMeanMs` on top of
   * `baseDelayMs` (the M/G/c waiting-time shape), the rest only `baseDelayMs`. Service times are
   * stretched by `stretch` (see `TaskLatency.stretch`: STRETCH_STRATA equally likely values per service
   * stratum; null: no stretch) with mean `meanScale`; those who wait for a slot take the mean stretch.
   * `version` identifies the contents of `stretch` (the caller bumps it when it rewrites the array).
   * Returns how many of the `weight` requests are served within the timeout (the rest time out).
   */
  recordWithWait(
    weight: number,
    baseDelayMs: number,
    pWait: number,
    waitMeanMs: number,
    stretch: Float64Array | null = null,
    meanScale = 1,
    version = 0,
    key: EntryKey | null = null,
  ): number {
    if (weight <= 0) return 0;
    if (pWait <= 1e-9 || waitMeanMs <= 0) pWait = 0;
    // Consecutive ticks with the same delays (same trace interval, same capacity) add to the same entries.
    if (
      this.lastValid &&
      baseDelayMs === this.lastBase &&
      pWait === this.lastP &&
      waitMeanMs === this.lastWait &&
      stretch === this.lastStretch &&
      version === this.lastVersion
    ) {
      this.pending += weight;
      return weight * this.lastServedPer;
    }
    this.settle();
    if (key !== null && baseDelayMs === 0 && this.pure === null && this.mN === 0 && this.mZero === 0) {
      // A minute made of one set of inputs so far: count its weight, write no entries.
      let e = key.entries;
      if (e === null || e.owner !== this.config) e = key.entries = this.unitEntries(key);
      this.pure = e;
      if (e.cuts) this.truncated = this.mTruncated = true;
      this.lastN = 0;
      this.rememberCall(
        baseDelayMs,
        pWait,
        waitMeanMs,
        stretch,
        version,
        e.zeroFrac,
        e.delayPer,
        e.servicePer,
        e.servedPer,
      );
      this.pending = weight;
      return weight * e.servedPer;
    }
    if (this.pure !== null) this.writeOutPure();
    const zero0 = this.mZero;
    const delay0 = this.delaySum;
    const service0 = this.serviceSum;
    const served0 = this.servedTotal;
    // Remember which entries took which share of the weight, for the next ticks with the same inputs.
    this.lastN = 0;
    const n = this.entriesOf(baseDelayMs, pWait, waitMeanMs, stretch, meanScale);
    const { uD, uK, uJ, uF } = this;
    for (let i = 0; i < n; i++) this.note(this.record(weight * uF[i], uD[i], uK[i], uJ[i]), uF[i]);
    this.rememberCall(
      baseDelayMs,
      pWait,
      waitMeanMs,
      stretch,
      version,
      (this.mZero - zero0) / weight,
      (this.delaySum - delay0) / weight,
      (this.serviceSum - service0) / weight,
      (this.servedTotal - served0) / weight,
    );
    return weight * this.lastServedPer;
  }

  /**
   * `times` calls of `recordWithWait(weight, baseDelayMs, pWait, waitMeanMs, stretch, …, version)` in a
   * row when each would repeat the last call's inputs (the same additions as those calls): returns what
   * each of them returns, or −1 when they would not repeat it (then nothing is recorded).
   */
  recordRepeated(
    times: number,
    weight: number,
    baseDelayMs: number,
    pWait: number,
    waitMeanMs: number,
    stretch: Float64Array | null,
    version: number,
  ): number {
    if (weight <= 0) return 0;
    if (pWait <= 1e-9 || waitMeanMs <= 0) pWait = 0;
    if (
      !this.lastValid ||
      baseDelayMs !== this.lastBase ||
      pWait !== this.lastP ||
      waitMeanMs !== this.lastWait ||
      stretch !== this.lastStretch ||
      version !== this.lastVersion
    )
      return -1;
    let pending = this.pending;
    for (let i = 0; i < times; i++) pending += weight;
    this.pending = pending;
    return weight * this.lastServedPer;
  }

  /** The inputs of the call the next ones may repeat, and what it added per unit of weight. */
  private rememberCall(
    baseDelayMs: number,
    pWait: number,
    waitMeanMs: number,
    stretch: Float64Array | null,
    version: number,
    zeroPer: number,
    delayPer: number,
    servicePer: number,
    servedPer: number,
  ): void {
    this.lastValid = true;
    this.lastBase = baseDelayMs;
    this.lastP = pWait;
    this.lastWait = waitMeanMs;
    this.lastStretch = stretch;
    this.lastVersion = version;
    this.lastZeroFrac = zeroPer;
    this.lastDelayPer = delayPer;
    this.lastServicePer = servicePer;
    this.lastServedPer = servedPer;
  }

  /** Spread the pending weight over the last call's entries (before they are read or replaced). */
  private settle(): void {
    const weight = this.pending;
    if (weight === 0) return;
    this.pending = 0;
    this.weightTotal += weight;
    this.delaySum += weight * this.lastDelayPer;
    this.serviceSum += weight * this.lastServicePer;
    this.servedTotal += weight * this.lastServedPer;
    if (this.pure !== null) {
      this.pureWeight += weight;
      return;
    }
    this.mZero += weight * this.lastZeroFrac;
    for (let i = 0; i < this.lastN; i++) this.mW[this.lastIdx[i]] += weight * this.lastFrac[i];
  }

  private note(idx: number, frac: number): void {
    if (idx < 0) return;
    this.lastIdx[this.lastN] = idx;
    this.lastFrac[this.lastN++] = frac;
  }

  /** Write the pure minute's weight into its entries (other inputs follow in the same minute). */
  private writeOutPure(): void {
    this.settle();
    const e = this.pure as UnitEntries;
    const w = this.pureWeight;
    this.pure = null;
    this.pureWeight = 0;
    this.lastValid = false;
    this.emit(e.key, w);
  }

  // The entries one call makes per unit of weight, written by `entriesOf` (reused: no allocation; read
  // before the next `entriesOf`, which `record` does not call once the pure minute is written out).
  private readonly uD = new Float64Array(MAX_ENTRIES_PER_CALL);
  private readonly uK = new Float64Array(MAX_ENTRIES_PER_CALL);
  private readonly uJ = new Uint8Array(MAX_ENTRIES_PER_CALL);
  private readonly uF = new Float64Array(MAX_ENTRIES_PER_CALL);

  /**
   * Write into uD, uK, uJ, uF the entries `recordWithWait` makes of these inputs, per unit of weight, in
   * its order: the stretch strata (or S alone) delayed by the base delay, then the slot-wait strata.
   * Returns how many.
   */
  private entriesOf(
    baseDelayMs: number,
    pWait: number,
    waitMeanMs: number,
    stretch: Float64Array | null,
    meanScale: number,
  ): number {
    const pw = pWait <= 1e-9 || waitMeanMs <= 0 ? 0 : pWait;
    const p0 = 1 - pw;
    const { uD, uK, uJ, uF } = this;
    let n = 0;
    if (stretch === null) {
      uD[n] = baseDelayMs;
      uK[n] = 1;
      uJ[n] = 0;
      uF[n++] = p0;
    } else
      for (let j = 0; j < SERVICE_STRATA; j++) {
        const fj = p0 * (SERVICE_STRATA_EDGES[j + 1] - SERVICE_STRATA_EDGES[j]);
        for (let m = 0; m < STRETCH_STRATA; m++) {
          uD[n] = baseDelayMs;
          uK[n] = stretch[j * STRETCH_STRATA + m];
          uJ[n] = j + 1;
          uF[n++] = fj * STRETCH_WEIGHTS[m];
        }
      }
    if (pw > 0) {
      const fw = pw / WAIT_STRATA;
      for (let k = 0; k < WAIT_STRATA; k++) {
        uD[n] = baseDelayMs + waitMeanMs * STRATA_OFFSETS[k];
        uK[n] = meanScale;
        uJ[n] = 0;
        uF[n++] = fw;
      }
    }
    return n;
  }

  /** The entries of a key (no base delay): see `entriesOf`. */
  private unitEntriesOf(key: EntryKey): number {
    return this.entriesOf(0, key.pWait, key.waitMeanMs, key.stretch, key.scale);
  }

  /** `weight` of the key's entries into the minute's entries. */
  private emit(key: EntryKey, weight: number): void {
    const n = this.unitEntriesOf(key);
    const { uD, uK, uJ, uF } = this;
    for (let i = 0; i < n; i++) {
      const w = weight * uF[i];
      if (w > 0) this.addEntry(w, uD[i], uK[i], uJ[i]);
    }
  }

  /** What the key's entries add to the run's sums per unit of weight (`accountServed` on each). */
  private unitEntries(key: EntryKey): UnitEntries {
    const e = new UnitEntries(this.config, key);
    const n = this.unitEntriesOf(key);
    const { uD, uK, uJ, uF } = this;
    const T = this.timeoutMs;
    let total = 0;
    for (let i = 0; i < n; i++) {
      const frac = uF[i];
      if (!(frac > 0)) continue;
      const d = uD[i];
      const k = uK[i];
      const j = uJ[i];
      const y = (T - d) / k;
      const within = T === Number.POSITIVE_INFINITY ? 1 : y <= 0 ? 0 : stratumCdf(this.F.at(y), j);
      if (within >= 1 - 1e-12) {
        e.servedPer += frac;
        e.servicePer += frac * k * this.stratumMean[j];
        e.delayPer += frac * d;
      } else {
        e.cuts = true;
        if (within > 0) {
          e.servedPer += frac * within;
          e.servicePer += frac * k * this.partial.stratum(this.F.at(y), j);
          e.delayPer += frac * d * within;
        }
      }
      if (d <= 0 && k === 1 && j === 0) e.zeroFrac += frac;
      total += frac;
    }
    // A minute of these entries alone, per unit of weight (as `minuteStats` sums its entries): the
    // requests within the SLO latency (at most the timeout when the timeout cuts), the served count
    // (all of them when nothing is cut) and their mean.
    const slo = e.cuts ? Math.min(this.sloMs, T) : this.sloMs;
    let within = 0;
    for (let i = 0; i < n; i++) {
      const frac = uF[i];
      if (!(frac > 0)) continue;
      within += frac * stratumCdf(this.F.at((slo - uD[i]) / uK[i]), uJ[i]);
    }
    e.withinPer = within;
    e.countPer = e.cuts ? e.servedPer : total;
    e.mean = e.countPer > 0 ? (e.delayPer + e.servicePer) / e.countPer : 0;
    return e;
  }

  /**
   * Statistics of the minute just ended (p90 and max are not computed per minute: NaN); resets the
   * minute. The object may be rewritten by the next call: read it before then.
   */
  endMinute(): LatencyStats {
    this.settle();
    if (this.pure !== null) return this.endPureMinute();
    const stats = this.entriesStats();
    this.flushMinute();
    return stats;
  }

  /** The statistics of the minute's written-out entries. */
  private entriesStats(): LatencyStats {
    const count = this.mZero + sum(this.mW, this.mN);
    if (this.mN === 0 && !this.mTruncated) {
      const S = this.service;
      const q = this.minuteQuantiles ? this.sQ : NO_QUANTILES;
      return { mean: S.mean, ...q, max: 0, withinSlo: this.mZero * this.cdfS(this.sloMs), count };
    }
    return this.minuteStats(count);
  }

  /**
   * End a minute recorded from one entry set alone: its statistics per unit of weight are solved the
   * first time the set ends a minute and scaled by the minute's weight after; its weight joins the set's
   * run weight instead of writing the entries into the run's histogram each minute.
   */
  private endPureMinute(): LatencyStats {
    const e = this.pure as UnitEntries;
    const w = this.pureWeight;
    this.pure = null;
    this.pureWeight = 0;
    this.lastValid = false;
    if (!e.solved) {
      // Solved once on the entries at unit weight: a minute's percentiles do not depend on its weight.
      e.p50 = e.p95 = e.p99 = Number.NaN;
      if (this.minuteQuantiles && e.countPer > 0) {
        this.loadUnit(e.key);
        if (this.mN === 0 && !e.cuts) {
          e.p50 = this.sQ.p50;
          e.p95 = this.sQ.p95;
          e.p99 = this.sQ.p99;
        } else {
          let maxD = 0;
          let minK = this.mZero > 0 ? 1 : Number.POSITIVE_INFINITY;
          let maxK = 1;
          for (let i = 0; i < this.mN; i++) {
            if (this.mD[i] > maxD) maxD = this.mD[i];
            if (this.mK[i] > maxK) maxK = this.mK[i];
            if (this.mK[i] < minK) minK = this.mK[i];
          }
          this.solveMinuteQuantiles(
            e.countPer,
            minK,
            maxK,
            maxD,
            e.cuts ? this.timeoutMs : Number.POSITIVE_INFINITY,
          );
          e.p50 = this.lastMinuteQ[0];
          e.p95 = this.lastMinuteQ[1];
          e.p99 = this.lastMinuteQ[2];
        }
        this.mN = 0;
        this.mZero = 0;
      }
      e.solved = true;
    }
    this.mTruncated = false;
    let idx = e.heldBy === this ? e.heldIdx : -1;
    if (idx < 0) {
      idx = this.held.push(e) - 1;
      this.heldWeight[idx] = 0;
      e.heldBy = this;
      e.heldIdx = idx;
    }
    this.heldWeight[idx] += w;
    if (this.held.length >= HELD_SETS) this.releaseHeld();
    const count = e.countPer * w;
    if (!(count > 0)) return { ...EMPTY_STATS };
    if (this.minuteQuantiles) {
      this.lastMinuteQ[0] = e.p50;
      this.lastMinuteQ[1] = e.p95;
      this.lastMinuteQ[2] = e.p99;
    }
    const out = this.minuteOut;
    out.mean = e.mean;
    out.p50 = e.p50;
    out.p95 = e.p95;
    out.p99 = e.p99;
    out.withinSlo = e.withinPer * w;
    out.count = count;
    return out;
  }

  /** What `endMinute` returns for a keyed minute (rewritten by the next call: read it at once). */
  private readonly minuteOut: LatencyStats = { ...EMPTY_STATS, p90: Number.NaN, max: Number.NaN };

  /** The key's entries at unit weight as the minute's entries (the minute is empty). */
  private loadUnit(key: EntryKey): void {
    const n = this.unitEntriesOf(key);
    const { uD, uK, uJ, uF } = this;
    let m = 0;
    let zero = 0;
    for (let i = 0; i < n; i++) {
      const f = uF[i];
      if (!(f > 0)) continue;
      if (uD[i] <= 0 && uK[i] === 1 && uJ[i] === 0) {
        zero += f;
        continue;
      }
      this.mD[m] = uD[i];
      this.mK[m] = uK[i];
      this.mLK[m] = Math.log(uK[i]);
      this.mJ[m] = uJ[i];
      this.mW[m++] = f;
    }
    this.mN = m;
    this.mZero = zero;
  }

  /** The run-histogram bins of a set's entries with a positive fraction, in generation order. */
  private binEntries(e: UnitEntries): void {
    const n = this.unitEntriesOf(e.key);
    const { uD, uK, uJ, uF } = this;
    let m = 0;
    for (let i = 0; i < n; i++) if (uF[i] > 0) m++;
    const bins = new Float64Array(m);
    const frac = new Float64Array(m);
    m = 0;
    for (let i = 0; i < n; i++) {
      if (!(uF[i] > 0)) continue;
      bins[m] = binOf(uD[i], uK[i], uJ[i]);
      frac[m++] = uF[i];
    }
    e.bins = bins;
    e.binFrac = frac;
  }

  /** Move the held entry sets' run weight into the run's histogram. */
  private releaseHeld(): void {
    for (let i = 0; i < this.held.length; i++) {
      const e = this.held[i];
      const w = this.heldWeight[i];
      if (e.heldBy === this) e.heldBy = null;
      if (e.bins === null && !this.sharesEntries) {
        // A set of this recorder's own is moved once or twice: its bins are not worth keeping.
        const n = this.unitEntriesOf(e.key);
        for (let j = 0; j < n; j++)
          if (this.uF[j] > 0) this.run.record(this.uD[j], this.uK[j], this.uJ[j], w * this.uF[j]);
        continue;
      }
      if (e.bins === null) this.binEntries(e);
      const bins = e.bins as Float64Array;
      const frac = e.binFrac as Float64Array;
      // Each entry's weight into its bin, the bins computed once per set (sets shared by a sweep's variants).
      for (let b = 0; b < bins.length; b++) this.run.add(bins[b], w * frac[b]);
    }
    this.held.length = 0;
  }

  /** Statistics of everything recorded. */
  total(): LatencyStats {
    this.flushMinute();
    this.releaseHeld();
    const e = this.run.entries();
    const cap = this.truncated ? this.timeoutMs : Number.POSITIVE_INFINITY;
    const s = this.stats({ zero: 0, ...e }, this.run.total, 1e-7, cap);
    // The mean is exact: E[D] + Σ K·E[S | stratum] (their served parts when the timeout cut entries).
    const served = this.truncated ? this.servedTotal : this.weightTotal;
    s.mean = served > 0 ? (this.serviceSum + this.delaySum) / served : this.service.mean;
    // So is the served count (the binned entries' own, which normalises their CDF, is within the binning).
    if (this.truncated) s.count = served;
    return s;
  }

  /** Move the minute's merged entries into the run's histogram: a few records per minute, not per tick. */
  private flushMinute(): void {
    this.settle();
    if (this.pure !== null) this.writeOutPure();
    this.run.record(0, 1, 0, this.mZero);
    for (let i = 0; i < this.mN; i++) this.run.record(this.mD[i], this.mK[i], this.mJ[i], this.mW[i]);
    this.mN = 0;
    this.mZero = 0;
    this.mTruncated = false;
    this.lastValid = false;
  }

  /**
   * Fraction of an entry (delay d, scale k, stratum j) served within the cap (the timeout, or +∞), and
   * in `entryPartial` its served part's E[S·1(served) | stratum]: the stratum mean when nothing is cut.
   */
  private entryServed(d: number, k: number, j: number, cap: number): number {
    if (cap === Number.POSITIVE_INFINITY) {
      this.entryPartial = this.stratumMean[j];
      return 1;
    }
    const y = (cap - d) / k;
    if (y <= 0) {
      this.entryPartial = 0;
      return 0;
    }
    const fy = this.F.at(y);
    this.entryPartial = this.partial.stratum(fy, j);
    return stratumCdf(fy, j);
  }

  private entryPartial = 0;

  /** The current minute's latency CDF: Σ w_i F_S,j((x − d_i)/k_i) over its entries, normalised. */
  private minuteMixtureCdf(x: number): number {
    if (this.mTruncated && x > this.timeoutMs) x = this.timeoutMs;
    const F = this.F;
    const d = this.mD;
    const k = this.mK;
    const j = this.mJ;
    const w = this.mW;
    let f = this.mZero > 0 ? this.mZero * F.at(x) : 0;
    const t = F.table;
    if (t === null) {
      for (let i = 0, n = this.mN; i < n; i++) f += w[i] * stratumCdf(F.at((x - d[i]) / k[i]), j[i]);
      return f / this.minuteCount;
    }
    // ServiceCdf.at in ln y = ln(x − d) − ln k, inlined: this loop is the hottest of the per-minute work.
    const lk = this.mLK;
    const { l0, inv } = F;
    const top = t.length - 1;
    const lx = x > 0 ? Math.log(x) : Number.NEGATIVE_INFINITY;
    for (let i = 0, n = this.mN; i < n; i++) {
      const di = d[i];
      const ly = di === 0 ? lx : x > di ? Math.log(x - di) : Number.NEGATIVE_INFINITY;
      const u = (ly - lk[i] - l0) * inv;
      let fy: number;
      if (!(u > 0)) fy = 0;
      else if (u >= top) fy = 1;
      else {
        const c = u | 0;
        fy = t[c] + (u - c) * (t[c + 1] - t[c]);
      }
      const ji = j[i];
      // stratumCdf, inlined.
      if (ji === 0) f += w[i] * fy;
      else {
        const v = (fy - STRATUM_LO[ji]) * STRATUM_INV_WIDTH[ji];
        f += w[i] * (v <= 0 ? 0 : Math.min(v, 1));
      }
    }
    return f / this.minuteCount;
  }

  /**
   * The minute's statistics from its entries (the same mixture as `stats`, on typed arrays without
   * allocation): mean, p50, p95, p99 and the requests within the SLO; p90 and max are not needed per
   * minute (NaN).
   */
  private minuteStats(count: number): LatencyStats {
    const F = this.F;
    const cap = this.mTruncated ? this.timeoutMs : Number.POSITIVE_INFINITY;
    const slo = Math.min(this.sloMs, cap);
    let maxD = 0;
    let minK = this.mZero > 0 ? 1 : Number.POSITIVE_INFINITY;
    let maxK = 1;
    let within = this.mZero * F.at(slo);
    let served = this.mZero * this.entryServed(0, 1, 0, cap);
    let meanL = this.mZero * this.entryPartial;
    for (let i = 0; i < this.mN; i++) {
      const d = this.mD[i];
      const k = this.mK[i];
      const w = this.mW[i];
      if (d > maxD) maxD = d;
      if (k > maxK) maxK = k;
      if (k < minK) minK = k;
      within += w * stratumCdf(F.at((slo - d) / k), this.mJ[i]);
      const f = this.entryServed(d, k, this.mJ[i], cap);
      served += w * f;
      meanL += w * (d * f + k * this.entryPartial);
    }
    // Untruncated, the served weight is the recorded one (`count`, summed as before).
    if (cap !== Number.POSITIVE_INFINITY) count = served;
    if (count <= 0) return { ...EMPTY_STATS };
    if (!this.minuteQuantiles)
      return { mean: meanL / count, ...NO_QUANTILES, max: Number.NaN, withinSlo: within, count };
    this.solveMinuteQuantiles(count, minK, maxK, maxD, cap);
    const g = this.lastMinuteQ;
    return {
      mean: meanL / count,
      p50: g[0],
      p90: Number.NaN,
      p95: g[1],
      p99: g[2],
      max: Number.NaN,
      withinSlo: within,
      count,
    };
  }

  /**
   * p50, p95, p99 of the minute's entries (normalised by `count`) into `lastMinuteQ`, to the minute
   * tolerance. K·S + D lies in [minK·s_p, maxK·s_p + maxD] request by request (see `stats`), at most `cap`;
   * the previous minute's answers are the starting guesses.
   */
  private solveMinuteQuantiles(count: number, minK: number, maxK: number, maxD: number, cap: number): void {
    this.minuteCount = count;
    const g = this.lastMinuteQ;
    const sq = this.sQ;
    const cdf = this.minuteCdf;
    const tol = MINUTE_QUANTILE_TOLERANCE;
    g[0] = solveQuantile(cdf, 0.5, Math.min(minK * sq.p50, cap), bound(maxK, sq.p50, maxD, cap), tol, g[0]);
    g[1] = solveQuantile(cdf, 0.95, Math.min(minK * sq.p95, cap), bound(maxK, sq.p95, maxD, cap), tol, g[1]);
    g[2] = solveQuantile(cdf, 0.99, Math.min(minK * sq.p99, cap), bound(maxK, sq.p99, maxD, cap), tol, g[2]);
  }

  /** p50, p95, p99 of the last minute with traffic: starting guesses for the next minute's. */
  private readonly lastMinuteQ = new Float64Array([Number.NaN, Number.NaN, Number.NaN]);

  private stats(
    e: { zero: number; d: Float64Array; k: Float64Array; j: ArrayLike<number>; w: Float64Array; n: number },
    count: number,
    tol: number,
    /** Latencies above this are timeouts (+∞: nothing was cut). */
    cap = Number.POSITIVE_INFINITY,
  ): LatencyStats {
    const S = this.service;
    let maxD = 0;
    let minK = e.zero > 0 ? 1 : Number.POSITIVE_INFINITY;
    let maxK = 1;
    const F = this.cdfS;
    const slo = Math.min(this.sloMs, cap);
    let within = e.zero * F(slo);
    let served = e.zero * this.entryServed(0, 1, 0, cap);
    let meanL = e.zero * this.entryPartial;
    for (let i = 0; i < e.n; i++) {
      const d = e.d[i];
      const k = e.k[i];
      if (d > maxD) maxD = d;
      if (k > maxK) maxK = k;
      if (k < minK) minK = k;
      within += e.w[i] * stratumCdf(F((slo - d) / k), e.j[i]);
      const f = this.entryServed(d, k, e.j[i], cap);
      served += e.w[i] * f;
      meanL += e.w[i] * (d * f + k * this.entryPartial);
    }
    if (cap !== Number.POSITIVE_INFINITY) count = served;
    const cdf = (x: number): number => {
      const y = Math.min(x, cap);
      let f = e.zero * F(y);
      for (let i = 0; i < e.n; i++) f += e.w[i] * stratumCdf(F((y - e.d[i]) / e.k[i]), e.j[i]);
      return f / count;
    };
    // The mixture's p-quantile lies in [minK·s_p, maxK·s_p + maxD]: K·S + D is at least minK·S and at
    // most maxK·S + maxD request by request (strata only regroup S's probability); at most the cap.
    const q = (p: number, sp: number): number =>
      count > 0 ? solveQuantile(cdf, p, Math.min(minK * sp, cap), Math.min(maxK * sp + maxD, cap), tol) : 0;
    // The largest of `count` draws is near the 1 − 1/(2·count) quantile of the mixture.
    const maxQ = count > 1 ? 1 - 1 / (2 * count) : 0.5;
    const p50 = q(0.5, this.sQ.p50);
    const p95 = q(0.95, this.sQ.p95);
    const p99 = q(0.99, this.sQ.p99);
    return {
      mean: count > 0 ? meanL / count : 0,
      p50,
      p90: q(0.9, this.sQ.p90),
      p95,
      p99,
      max: count > 0 ? q(maxQ, S.quantile(maxQ)) : 0,
      withinSlo: within,
      count,
    };
  }

  private growMinute(): void {
    const grow = <T extends Float64Array | Uint8Array>(a: T): T => {
      const b = new (a.constructor as new (n: number) => T)(a.length * 2);
      b.set(a);
      return b;
    };
    this.mD = grow(this.mD);
    this.mK = grow(this.mK);
    this.mLK = grow(this.mLK);
    this.mJ = grow(this.mJ);
    this.mW = grow(this.mW);
  }
}

/**
 * P(latency ≤ x) of requests recorded by one `recordWithWait(…, baseDelayMs = 0, pWait, waitMeanMs,
 * stretch, meanScale)` call: the same mixture the recorder keeps, evaluated directly (the SLO demand of
 * the elasticity metrics asks it of candidate capacities). `cdfS` is the service-time CDF.
 */
export function recordedLatencyCdf(
  x: number,
  pWait: number,
  waitMeanMs: number,
  stretch: Float64Array | null,
  meanScale: number,
  cdfS: (x: number) => number,
): number {
  if (pWait <= 1e-9 || waitMeanMs <= 0) pWait = 0;
  let served = 0;
  if (stretch === null) served = cdfS(x);
  else
    for (let j = 0; j < SERVICE_STRATA; j++) {
      let fj = 0;
      for (let m = 0; m < STRETCH_STRATA; m++)
        fj += STRETCH_WEIGHTS[m] * stratumCdf(cdfS(x / stretch[j * STRETCH_STRATA + m]), j + 1);
      served += fj * (SERVICE_STRATA_EDGES[j + 1] - SERVICE_STRATA_EDGES[j]);
    }
  if (pWait === 0) return served;
  let waited = 0;
  for (let k = 0; k < WAIT_STRATA; k++) waited += cdfS((x - waitMeanMs * STRATA_OFFSETS[k]) / meanScale);
  return (1 - pWait) * served + (pWait * waited) / WAIT_STRATA;
}

/**
 * E[S | stratum j] for each service stratum (index 0: E[S]): the partial means E[S; F_S(S) ≤ e] by the
 * midpoint rule on the quantile function, the top stratum as the remainder so the strata average to E[S]
 * exactly.
 */
export function stratumMeans(S: ServiceTimeDistribution): Float64Array {
  const out = new Float64Array(SERVICE_STRATA + 1);
  out[0] = S.mean;
  const steps = 400;
  let rest = S.mean;
  for (let j = 1; j <= SERVICE_STRATA; j++) {
    const lo = SERVICE_STRATA_EDGES[j - 1];
    const hi = SERVICE_STRATA_EDGES[j];
    const width = hi - lo;
    if (j === SERVICE_STRATA) {
      out[j] = rest / width;
      break;
    }
    let partial = 0;
    for (let i = 0; i < steps; i++) partial += S.quantile(lo + ((i + 0.5) * width) / steps);
    partial *= width / steps;
    out[j] = partial / width;
    rest -= partial;
  }
  return out;
}

/** Upper bracket of a mixture quantile whose service quantile is `sp` (see `stats`). */
function bound(maxK: number, sp: number, maxD: number, cap: number): number {
  return Math.min(maxK * sp + maxD, cap);
}

/** A service-time distribution's tables (read-only, shared by every recorder of that distribution). */
interface ServiceTables {
  readonly F: ServiceCdf;
  readonly partial: ServicePartialMean;
  readonly stratumMean: Float64Array;
}

/**
 * Tables of lognormal service times by (mean, cv): a sweep builds a recorder per variant, mostly of one
 * distribution, and the tables cost a few ms each (thousands of CDF and quantile evaluations).
 */
const lognormalTables = new Map<string, ServiceTables>();

function serviceTables(S: ServiceTimeDistribution): ServiceTables {
  const build = (): ServiceTables => ({
    F: new ServiceCdf(S),
    partial: new ServicePartialMean(S),
    stratumMean: stratumMeans(S),
  });
  if (S.kind !== "lognormal") return build();
  const key = `${S.mean}|${S.cv}`;
  let t = lognormalTables.get(key);
  if (t === undefined) {
    if (lognormalTables.size >= 64) lognormalTables.clear();
    t = build();
    lognormalTables.set(key, t);
  }
  return t;
}

/** The minute percentiles when they are not solved. */
const NO_QUANTILES = { p50: Number.NaN, p90: Number.NaN, p95: Number.NaN, p99: Number.NaN } as const;

const EMPTY_STATS: LatencyStats = {
  mean: 0,
  p50: 0,
  p90: 0,
  p95: 0,
  p99: 0,
  max: 0,
  withinSlo: 0,
  count: 0,
};

/**
 * E[S; F_S(S) ≤ u] for u in [0, 1] (the partial mean by probability), tabulated by the midpoint rule on
 * the quantile function over `PARTIAL_STEPS` cells and interpolated linearly; the last cell ends at E[S]
 * exactly. Only the served part of entries the timeout cuts uses it.
 */
export class ServicePartialMean {
  private readonly cum: Float64Array;
  private readonly lo: Float64Array;
  constructor(S: ServiceTimeDistribution) {
    const n = PARTIAL_STEPS;
    this.cum = new Float64Array(n + 1);
    for (let i = 0; i < n; i++) this.cum[i + 1] = this.cum[i] + S.quantile((i + 0.5) / n) / n;
    this.cum[n] = S.mean;
    this.lo = Float64Array.from({ length: SERVICE_STRATA + 1 }, (_, j) =>
      j === 0 ? 0 : this.at(SERVICE_STRATA_EDGES[j - 1]),
    );
  }

  /** E[S; F_S(S) ≤ u]. */
  at(u: number): number {
    if (u <= 0) return 0;
    if (u >= 1) return this.cum[PARTIAL_STEPS];
    const x = u * PARTIAL_STEPS;
    const i = x | 0;
    return this.cum[i] + (x - i) * (this.cum[i + 1] - this.cum[i]);
  }

  /** E[S·1(F_S(S) ≤ u) | stratum j] (j = 0: the whole distribution). */
  stratum(u: number, j: number): number {
    if (j === 0) return this.at(u);
    const lo = SERVICE_STRATA_EDGES[j - 1];
    const hi = SERVICE_STRATA_EDGES[j];
    if (u <= lo) return 0;
    return (this.at(Math.min(u, hi)) - this.lo[j]) / (hi - lo);
  }
}

const PARTIAL_STEPS = 4096;

function sum(a: Float64Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += a[i];
  return s;
}

/**
 * Root of cdf(x) = p in [lo, hi] by the Illinois variant of regula falsi (superlinear, always bracketed),
 * to a relative tolerance `tol`.
 */
export function solveQuantile(
  cdf: (x: number) => number,
  p: number,
  lo: number,
  hi: number,
  tol: number,
  guess = Number.NaN,
): number {
  if (hi <= lo) return lo;
  let flo: number;
  let fhi: number;
  if (guess > lo && guess < hi) {
    // A good guess (the previous minute's answer) narrows the bracket to ±2 % in two evaluations.
    const fg = cdf(guess) - p;
    if (fg === 0) return guess;
    if (fg < 0) {
      const probe = Math.min(hi, guess * 1.02);
      const fp = cdf(probe) - p;
      if (fp >= 0) {
        lo = guess;
        flo = fg;
        hi = probe;
        fhi = fp;
      } else {
        lo = probe;
        flo = fp;
        fhi = cdf(hi) - p;
        if (fhi <= 0) return hi;
      }
    } else {
      const probe = Math.max(lo, guess * 0.98);
      const fp = cdf(probe) - p;
      if (fp < 0) {
        lo = probe;
        flo = fp;
        hi = guess;
        fhi = fg;
      } else {
        hi = probe;
        fhi = fp;
        flo = cdf(lo) - p;
        if (flo >= 0) return lo;
      }
    }
  } else {
    flo = cdf(lo) - p;
    if (flo >= 0) return lo;
    fhi = cdf(hi) - p;
    if (fhi <= 0) return hi;
  }
  let side = 0;
  for (let it = 0; it < 100; it++) {
    if (hi - lo <= tol * hi) break;
    const x = (lo * fhi - hi * flo) / (fhi - flo);
    const fx = cdf(x) - p;
    if (fx < 0) {
      lo = x;
      flo = fx;
      if (side === -1) fhi /= 2;
      side = -1;
    } else {
      hi = x;
      fhi = fx;
      if (side === 1) flo /= 2;
      side = 1;
    }
    if (fx === 0) break;
  }
  return hi;
}

const TABLE_SIZE = 4096;

/**
 * Relative tolerance of the per-minute percentiles in series.csv (0.5 %, inside the 1 % bound the
 * request-mode histograms carry); the run's percentiles in summary.json are solved to 1e-7.
 */
export const MINUTE_QUANTILE_TOLERANCE = 5e-3;

/**
 * The service-time CDF as the recorder evaluates it millions of times: for a lognormal, a table linear in
 * log x between its 1e-10 and 1 − 1e-10 quantiles (one log and one interpolation instead of an erfc;
 * interpolation error below 1e-6 in probability); otherwise the distribution's own CDF.
 */
export class ServiceCdf {
  readonly x0: number;
  readonly x1: number;
  readonly l0: number;
  readonly inv: number;
  readonly table: Float64Array | null;

  constructor(private readonly S: ServiceTimeDistribution) {
    if (S.kind !== "lognormal") {
      this.x0 = this.x1 = this.l0 = this.inv = 0;
      this.table = null;
      return;
    }
    this.x0 = S.quantile(1e-10);
    this.x1 = S.quantile(1 - 1e-10);
    this.l0 = Math.log(this.x0);
    const step = (Math.log(this.x1) - this.l0) / (TABLE_SIZE - 1);
    this.inv = 1 / step;
    this.table = new Float64Array(TABLE_SIZE);
    for (let i = 0; i < TABLE_SIZE; i++) this.table[i] = S.cdf(Math.exp(this.l0 + i * step));
  }

  at(x: number): number {
    const t = this.table;
    if (t === null) return this.S.cdf(x);
    if (x <= this.x0) return 0;
    if (x >= this.x1) return 1;
    const u = (Math.log(x) - this.l0) * this.inv;
    const i = u | 0;
    return t[i] + (u - i) * (t[i + 1] - t[i]);
  }
}

/** The tabulated lognormal CDF as a function (see ServiceCdf). */
export function tabulatedCdf(S: ServiceTimeDistribution): (x: number) => number {
  const c = new ServiceCdf(S);
  return (x) => c.at(x);
}
