import type { Continuous } from "../../engine/sim.js";
import { requestCountPerTarget } from "../alb/target-group.js";
import { MINUTE, type TimeMs } from "../../engine/time.js";
import type { MetricSeries } from "../cloudwatch/metric.js";
import type { ServiceTimeDistribution } from "../latency/distributions.js";
import type { ServingUnit } from "../serving-unit.js";
import { type EntryKey, type LatencyRecorder, type LatencyStats, stratumMeans } from "../latency/recorder.js";
import {
  newTaskLatency,
  fluidLatencyCaveat,
  type TaskLatencyModel,
  taskLatency,
  taskThroughput,
} from "./fluid-latency.js";
import type { MinuteSeries } from "./minute-series.js";

/** What the fluid model reads of the service each tick (maintained as counters, O(1)). */
export interface ServingCapacity {
  /** Tasks receiving requests from the load balancer. */
  readonly inServiceCount: number;
  /** Tasks in RUNNING (the denominator of the ECS service metrics). */
  readonly runningCount: number;
  readonly desiredCount: number;
}

export interface FluidWorkload {
  /** vCPU-milliseconds one request costs. */
  cpuPerRequestMs: number;
  service: ServiceTimeDistribution;
  concurrency: number;
  memoryBaselineMiB: number;
  memoryPerInFlightMiB: number;
  timeoutMs: number;
  /** Fraction of the task's vCPUs busy with no traffic. */
  cpuIdle: number;
  /** Per-task server (docs/latency.md); default processor-sharing. */
  model?: "processor-sharing" | "worker-pool";
  /** Requests a task holds waiting beyond `concurrency`; default unbounded. */
  queueLimit?: number;
}

export interface FluidTask {
  vcpu: number;
  memoryMiB: number;
}

export interface FluidMetrics {
  cpu: MetricSeries;
  memory: MetricSeries;
  /** ALB RequestCountPerTarget (requestCountPerTarget in alb/target-group.ts). */
  requestsPerTarget: MetricSeries;
  /** Optional 20-second high-resolution CPU and memory. */
  cpuHighRes?: MetricSeries;
  memoryHighRes?: MetricSeries;
}

/**
 * The fluid traffic model: requests as a continuous flow, integrated in fixed ticks.
 *
 * Each tick, arrivals λ·dt (uniform inside the trace interval) are shared equally by the tasks in service
 * (round robin or least outstanding requests over identical targets; slow start is not modelled here).
 * A task serves at most μ requests per second: concurrency / E[S] for the worker pool, and also at most
 * vCPU / E[W] under processor sharing (W = f·S the CPU part of a request, f = min(1, cpuPerRequest/E[S])).
 * What exceeds the service's capacity waits in a backlog (FIFO): beyond `queueLimit` per task it is
 * rejected, and what would wait longer than the timeout times out. A request's latency is its service
 * time S, stretched under processor sharing by K = 1 + f·(g − 1) (a request's CPU part slows down in
 * proportion to its own length, as in M/G/1-PS), plus
 *   - the backlog wait B / capacity,
 *   - slot contention: M/G/c waiting (Allen–Cunneen mean, Erlang C probability, exponential shape)
 * (`taskLatency` in fluid-latency.ts, shared with the SLO demand of the elasticity metrics).
 * The ECS metrics are time averages over each period, as ECS aggregates the agent's samples.
 */
export class FluidTraffic implements Continuous {
  /** Simulated time up to which the model has been integrated. */
  private t: TimeMs = 0;
  private backlog = 0;
  /**
   * Requests of the backlog already counted as timeouts (their latency would exceed the timeout): the
   * server still works them off, so the next completions are theirs, not served requests.
   */
  private lateInBacklog = 0;
  private readonly tickS: number;
  private readonly muTask: number;
  private readonly cpuS: number;
  /** Mean CPU part of a request under processor sharing, s (0 for the worker pool). */
  private readonly workS: number;
  private readonly ps: boolean;
  private readonly queueLimit: number;
  /** The per-task latency model (service time, CPU part, slots, vCPUs). */
  readonly taskModel: TaskLatencyModel;
  // Per-task latency cache: recomputed only when the per-task arrival rate or the targets change.
  private lastLambdaTask = -1;
  private lastTargets = -1;
  /** The latency parameters in force (a remembered `taskLatency` result, never rewritten). */
  private lat: RememberedLatency = noLatency();
  private readonly memo: TaskLatencyMemo;
  /** Index into `caveats` of why the cached per-task state lies outside the validated region (−1: inside). */
  private lastCaveat = -1;
  /** Reasons met (few: recomputed only when the per-task rate changes) and the requests that met each. */
  private readonly caveats: string[] = [];
  private readonly caveatRequests: number[] = [];
  private recordedRequests = 0;
  // Minute accumulators.
  private minuteRunning = 0;
  private minuteInService = 0;
  private minuteRequests = 0;
  private minuteTargets = 0;
  private minuteDropped = 0;
  private minuteTimedOut = 0;
  private minuteIndex = 0;
  // Totals.
  arrived = 0;
  served = 0;
  dropped = 0;
  timedOut = 0;
  /** Seconds of task time in RUNNING, summed over tasks. */
  runningTaskSeconds = 0;
  /** vCPU-seconds used. */
  cpuSecondsUsed = 0;
  /** Latest latency estimate (ms) of a request arriving now, for draining estimates. */
  currentDelayMs = 0;

  constructor(
    /** Requests per second for each trace interval. */
    private readonly rates: Float64Array,
    private readonly stepMs: TimeMs,
    readonly tickMs: TimeMs,
    private readonly w: FluidWorkload,
    private readonly task: FluidTask,
    private readonly cap: ServingCapacity,
    private readonly latency: LatencyRecorder,
    private readonly metrics: FluidMetrics,
    private readonly minutes: MinuteSeries,
  ) {
    if (MINUTE % tickMs !== 0) throw new Error(`the fluid tick must divide a minute, got ${tickMs} ms`);
    this.tickS = tickMs / 1000;
    this.cpuS = w.cpuPerRequestMs / 1000;
    this.ps = (w.model ?? "processor-sharing") === "processor-sharing";
    this.workS = this.ps ? Math.min(w.cpuPerRequestMs, w.service.mean) / 1000 : 0;
    this.queueLimit = w.queueLimit ?? Number.POSITIVE_INFINITY;
    this.taskModel = fluidTaskModel(w, task);
    this.muTask = taskThroughput(this.taskModel);
    this.memo = TaskLatencyMemo.for(this.taskModel);
  }

  latencyTotal(): LatencyStats {
    return this.latency.total();
  }

  private caveatIndex(reason: string | null): number {
    if (reason === null) return -1;
    let i = this.caveats.indexOf(reason);
    if (i < 0) {
      i = this.caveats.push(reason) - 1;
      this.caveatRequests.push(0);
    }
    return i;
  }

  /** What the run should warn about its fluid latency (empty when nothing). */
  warnings(advice = "check with engine.mode: request (docs/latency.md)"): string[] {
    const out: string[] = [];
    for (let i = 0; i < this.caveats.length; i++) {
      const reason = this.caveats[i];
      const share = this.caveatRequests[i] / this.recordedRequests;
      if (share > 0.01)
        out.push(
          `fluid latency: ${(100 * share).toFixed(1)} % of requests arrived while ${reason}; there fluid percentiles can miss request mode's by more than 5/8/10 % (p50/p95/p99): ${advice}`,
        );
    }
    return out;
  }

  /** Expected time for a deregistering task's in-flight requests to finish: a long service time plus today's delay. */
  inFlightDrainMs(_unit: ServingUnit): TimeMs {
    return this.w.service.quantile(0.999) + this.currentDelayMs;
  }

  /** Requests a task completes per second at most. */
  get taskThroughput(): number {
    return this.muTask;
  }

  get backlogRequests(): number {
    return this.backlog - this.lateInBacklog;
  }

  advanceTo(until: TimeMs): void {
    const tick = this.tickMs;
    while (this.t + tick <= until) {
      if (!this.steadyTicks(until)) {
        this.step(this.t);
        this.t += tick;
      }
      if (this.t % MINUTE === 0) this.closeMinute();
      else if (this.metrics.cpuHighRes && this.t % 20_000 === 0) this.closeHighRes();
    }
  }

  /**
   * The ticks from now to the next boundary (minute, 20-second datapoint, trace interval, `until`) when
   * nothing waits and nothing changes inside them: the same arrivals each tick, served as they arrive,
   * at the latency already computed for this rate and these targets. Then each tick is the same
   * arithmetic as `step` on the same values, run here on locals without the per-tick calls; the sums
   * take the same additions in the same order, so the results are identical bit for bit. Returns false
   * (nothing done) when a tick could differ from the one before.
   */
  private steadyTicks(until: TimeMs): boolean {
    const n = this.cap.inServiceCount;
    if (n === 0 || this.backlog !== 0) return false;
    const t = this.t;
    const tick = this.tickMs;
    const idx = Math.floor(t / this.stepMs);
    const lambda = idx < this.rates.length ? this.rates[idx] : 0;
    if (lambda / n !== this.lastLambdaTask || n !== this.lastTargets) return false;
    const dt = this.tickS;
    const a = lambda * dt;
    const mu = n * this.muTask;
    const served = Math.min(0 + a, mu * dt);
    if (served !== a) return false;
    let k = Math.min((MINUTE - (t % MINUTE)) / tick, Math.floor((until - t) / tick));
    if (idx < this.rates.length) k = Math.min(k, Math.ceil(((idx + 1) * this.stepMs - t) / tick));
    if (this.metrics.cpuHighRes) k = Math.min(k, Math.ceil((20_000 - (t % 20_000)) / tick));
    if (k < 1) return false;
    const lat = this.lat;
    const recorded = Math.max(a, 0);
    const servedPer = this.latency.recordRepeated(k, recorded, 0, lat.pWait, lat.waitMeanMs, lat.stretch, 0);
    if (servedPer < 0) return false;
    const w = this.w;
    const nr = this.cap.runningCount;
    const late = recorded - servedPer;
    const lost = Math.max(0, 0 + late);
    const delay = 0 + lat.pWait * lat.waitMeanMs + (lat.scale - 1) * w.service.mean;
    const busyVcpu = (served / dt) * (this.ps ? this.workS : this.cpuS);
    const inFlight = (served / dt) * ((w.service.mean + delay) / 1000);
    const busyDt = busyVcpu * dt;
    const nrDt = nr * dt;
    const nDt = n * dt;
    const caveat = this.lastCaveat;
    let arrived = this.arrived;
    let minuteRequests = this.minuteRequests;
    let minuteRunning = this.minuteRunning;
    let minuteInService = this.minuteInService;
    let minuteTargets = this.minuteTargets;
    let runningTaskSeconds = this.runningTaskSeconds;
    let recordedRequests = this.recordedRequests;
    let caveatRequests = caveat >= 0 ? this.caveatRequests[caveat] : 0;
    let lateInBacklog = this.lateInBacklog;
    let servedTotal = this.served;
    let timedOut = this.timedOut;
    let minuteTimedOut = this.minuteTimedOut;
    let cpuSecondsUsed = this.cpuSecondsUsed;
    for (let i = 0; i < k; i++) {
      arrived += a;
      minuteRequests += a;
      minuteRunning += nrDt;
      minuteInService += nDt;
      minuteTargets += nDt;
      runningTaskSeconds += nrDt;
      recordedRequests += a;
      caveatRequests += a;
      const owed = lateInBacklog + late;
      const worked = Math.min(owed, served);
      lateInBacklog = owed - worked;
      servedTotal += served - worked;
      timedOut += lost;
      minuteTimedOut += lost;
      cpuSecondsUsed += busyDt;
    }
    this.arrived = arrived;
    this.minuteRequests = minuteRequests;
    this.minuteRunning = minuteRunning;
    this.minuteInService = minuteInService;
    this.minuteTargets = minuteTargets;
    this.runningTaskSeconds = runningTaskSeconds;
    this.recordedRequests = recordedRequests;
    if (caveat >= 0) this.caveatRequests[caveat] = caveatRequests;
    this.lateInBacklog = lateInBacklog;
    this.served = servedTotal;
    this.timedOut = timedOut;
    this.minuteTimedOut = minuteTimedOut;
    this.cpuSecondsUsed = cpuSecondsUsed;
    this.currentDelayMs = delay;
    if (nr > 0) this.observe(busyVcpu, inFlight, nr, dt, k);
    this.t = t + k * tick;
    return true;
  }

  private step(t0: TimeMs): void {
    const dt = this.tickS;
    const w = this.w;
    const idx = Math.floor(t0 / this.stepMs);
    const lambda = idx < this.rates.length ? this.rates[idx] : 0;
    const a = lambda * dt;
    const n = this.cap.inServiceCount;
    const nr = this.cap.runningCount;
    this.arrived += a;
    this.minuteRequests += a;
    this.minuteRunning += nr * dt;
    this.minuteInService += n * dt;
    this.minuteTargets += n * dt;
    this.runningTaskSeconds += nr * dt;

    let busyVcpu = 0;
    let inFlight = 0;
    if (n === 0) {
      // No healthy target: the ALB answers 503 and whatever was queued on departed tasks is lost.
      const lost = a + this.backlog - this.lateInBacklog;
      this.dropped += lost;
      this.minuteDropped += lost;
      this.backlog = 0;
      this.lateInBacklog = 0;
      this.currentDelayMs = 0;
    } else {
      const mu = n * this.muTask;
      const inflow = this.backlog + a;
      const served = Math.min(inflow, mu * dt);
      let backlog = inflow - served;
      // A full queue rejects arrivals (503) before anything waits long enough to time out.
      const maxQueue = n * this.queueLimit;
      let rejected = 0;
      if (backlog > maxQueue) {
        rejected = Math.min(backlog - maxQueue, a);
        backlog -= rejected;
        this.dropped += rejected;
        this.minuteDropped += rejected;
      }
      const maxBacklog = mu * (w.timeoutMs / 1000);
      let expired = 0;
      if (backlog > maxBacklog) {
        expired = backlog - maxBacklog;
        backlog = maxBacklog;
      }
      this.backlog = backlog;

      const lambdaTask = lambda / n;
      if (lambdaTask !== this.lastLambdaTask || n !== this.lastTargets) {
        this.lastLambdaTask = lambdaTask;
        this.lastTargets = n;
        this.lat = this.memo.get(lambdaTask, n);
        this.lastCaveat = this.caveatIndex(this.lat.caveat);
      }
      const lat = this.lat;
      this.recordedRequests += a;
      if (this.lastCaveat >= 0) this.caveatRequests[this.lastCaveat] += a;
      const base = (backlog / mu) * 1000;
      const recorded = Math.max(a - expired - rejected, 0);
      // Requests whose latency would exceed the timeout are timeouts (their server time is still spent).
      const late =
        recorded -
        this.latency.recordWithWait(
          recorded,
          base,
          lat.pWait,
          lat.waitMeanMs,
          lat.stretch,
          lat.scale,
          0,
          lat,
        );
      const owed = this.lateInBacklog + late;
      const worked = Math.min(owed, served);
      this.lateInBacklog = owed - worked;
      this.served += served - worked;
      // (clamped: a difference of equal amounts must not leave a negative zero in the counts)
      const lost = Math.max(0, expired + late);
      this.timedOut += lost;
      this.minuteTimedOut += lost;
      this.currentDelayMs = base + lat.pWait * lat.waitMeanMs + (lat.scale - 1) * w.service.mean;
      busyVcpu = (served / dt) * (this.ps ? this.workS : this.cpuS);
      inFlight = (served / dt) * ((w.service.mean + this.currentDelayMs) / 1000);
    }
    this.cpuSecondsUsed += busyVcpu * dt;

    if (nr > 0) this.observe(busyVcpu, inFlight, nr, dt, 1);
  }

  /**
   * `times` ticks of `dt` s with `nr` tasks RUNNING, `busyVcpu` vCPUs busy and `inFlight` requests held:
   * the tasks' average CPU and memory utilisation into the ECS metrics (ECS averages the agent's samples).
   */
  private observe(busyVcpu: number, inFlight: number, nr: number, dt: number, times: number): void {
    const w = this.w;
    const cpuPct = Math.min(
      100,
      (100 * (busyVcpu + w.cpuIdle * this.task.vcpu * nr)) / (nr * this.task.vcpu),
    );
    const memPct =
      (100 * (w.memoryBaselineMiB * nr + w.memoryPerInFlightMiB * inFlight)) / (nr * this.task.memoryMiB);
    this.metrics.cpu.addRepeated(cpuPct, dt, times);
    this.metrics.memory.addRepeated(memPct, dt, times);
    this.metrics.cpuHighRes?.addRepeated(cpuPct, dt, times);
    this.metrics.memoryHighRes?.addRepeated(memPct, dt, times);
  }

  private closeHighRes(): void {
    this.metrics.cpuHighRes?.closeAverage();
    this.metrics.memoryHighRes?.closeAverage();
  }

  private closeMinute(): void {
    const m = this.minuteIndex++;
    if (this.metrics.cpuHighRes) this.closeHighRes();
    this.metrics.cpu.closeAverage();
    this.metrics.memory.closeAverage();
    this.metrics.requestsPerTarget.closeWith(
      requestCountPerTarget(this.minuteRequests, this.minuteTargets / 60, this.minuteRunning / 60),
    );
    const stats = this.latency.endMinute();
    if (m < this.minutes.minutes) {
      const c = this.minutes.columns;
      c.arrived[m] = this.minuteRequests;
      c.served[m] = stats.count;
      c.dropped[m] = this.minuteDropped;
      c.timedOut[m] = this.minuteTimedOut;
      c.running[m] = this.minuteRunning / 60;
      c.inService[m] = this.minuteInService / 60;
      c.desired[m] = this.cap.desiredCount;
      const cpu = this.metrics.cpu.datapoints.at(-1);
      const mem = this.metrics.memory.datapoints.at(-1);
      c.cpuPercent[m] = cpu ?? Number.NaN;
      c.memoryPercent[m] = mem ?? Number.NaN;
      this.minutes.setLatency(m, stats);
      c.withinSlo[m] = stats.withinSlo;
    }
    this.minuteRequests = 0;
    this.minuteRunning = 0;
    this.minuteInService = 0;
    this.minuteTargets = 0;
    this.minuteDropped = 0;
    this.minuteTimedOut = 0;
  }
}

/** The per-task latency model of a fluid workload on a task of `task.vcpu` vCPUs. */
export function fluidTaskModel(w: FluidWorkload, task: { vcpu: number }): TaskLatencyModel {
  const ps = (w.model ?? "processor-sharing") === "processor-sharing";
  const f = ps ? Math.min(1, w.cpuPerRequestMs / w.service.mean) : 0;
  return {
    serviceMeanMs: w.service.mean,
    serviceCv2: w.service.cv * w.service.cv,
    workMs: ps ? Math.min(w.cpuPerRequestMs, w.service.mean) : 0,
    concurrency: w.concurrency,
    vcpu: task.vcpu,
    stratumWorkMs: stratumMeans(w.service).map((x) => x * f),
  };
}

/** One remembered `taskLatency` result, its caveat, and a recorder's entries for it. */
interface RememberedLatency extends EntryKey {
  readonly targets: number;
  readonly scale: number;
  readonly stretch: Float64Array | null;
  readonly pWait: number;
  readonly waitMeanMs: number;
  /** Why the rate lies outside the validated region (`fluidLatencyCaveat`), or null. */
  readonly caveat: string | null;
}

/** Results remembered at most (then forgotten all at once): about 40 MB at the limit. */
const MEMO_LIMIT = 1 << 17;
/** Task models whose memos are kept for the process (then forgotten all at once). */
const MODELS_KEPT = 16;

/**
 * `taskLatency` results by (per-task arrival rate, targets), for one task model. A minute trace repeats
 * its rates (the 62-day WorldCup98 trace has 27,756 distinct counts in 87,871 minutes), and the variants
 * of a sweep that differ only in their scaling see the same rates and task counts; the result is a pure
 * function of them, so a repeated pair reuses the remembered result instead of solving the queueing model
 * again: the same numbers, bit for bit, as a fresh `taskLatency` call, whichever run first asked. One memo
 * per task model is kept for the process (`TaskLatencyMemo.for`): a sweep worker's variants share it.
 */
export class TaskLatencyMemo {
  private static readonly byModel = new Map<string, TaskLatencyMemo>();

  /** The process's memo for this task model (equal models by value share one). */
  static for(model: TaskLatencyModel): TaskLatencyMemo {
    const key = JSON.stringify([
      model.serviceMeanMs,
      model.serviceCv2,
      model.workMs,
      model.concurrency,
      model.vcpu,
      Array.from(model.stratumWorkMs),
    ]);
    let memo = TaskLatencyMemo.byModel.get(key);
    if (memo === undefined) {
      if (TaskLatencyMemo.byModel.size >= MODELS_KEPT) TaskLatencyMemo.byModel.clear();
      memo = new TaskLatencyMemo(model);
      TaskLatencyMemo.byModel.set(key, memo);
    }
    return memo;
  }

  // An open-addressing table keyed by (rate, targets): a Map keyed by a fractional number boxes and
  // hashes it on every lookup, and the lookup runs at every rate change (once a minute on a minute trace).
  private rates = new Float64Array(1 << 12);
  private targets = new Int32Array(1 << 12).fill(-1);
  // Filled, not holey: a large holey array keeps its elements in a dictionary.
  private results: (RememberedLatency | null)[] = new Array(1 << 12).fill(null);
  private size = 0;
  private readonly scratch = newTaskLatency();

  constructor(private readonly model: TaskLatencyModel) {}

  /**
   * What `taskLatency(model, lambdaTask, targets, …)` gives, remembered (its stretch values are a copy
   * no one rewrites, so the same object always carries the same inputs: the recorder's `EntryKey`), with
   * its caveat (`fluidLatencyCaveat`).
   */
  get(lambdaTask: number, targets: number): RememberedLatency {
    const mask = this.rates.length - 1;
    let i = slotOf(lambdaTask, targets, mask);
    for (;;) {
      const t = this.targets[i];
      if (t === -1) break;
      if (t === targets && this.rates[i] === lambdaTask) return this.results[i] as RememberedLatency;
      i = (i + 1) & mask;
    }
    const out = taskLatency(this.model, lambdaTask, targets, this.scratch);
    const remembered: RememberedLatency = {
      targets,
      scale: out.scale,
      stretch: out.stretched ? out.stretch.slice() : null,
      pWait: out.pWait,
      waitMeanMs: out.waitMeanMs,
      caveat: fluidLatencyCaveat(this.model, lambdaTask),
      entries: null,
    };
    if (this.size >= MEMO_LIMIT) this.clear(this.rates.length);
    else if ((this.size + 1) * 2 > this.rates.length) this.grow();
    this.insert(lambdaTask, targets, remembered);
    return remembered;
  }

  private insert(lambdaTask: number, targets: number, r: RememberedLatency): void {
    const mask = this.rates.length - 1;
    let i = slotOf(lambdaTask, targets, mask);
    while (this.targets[i] !== -1) i = (i + 1) & mask;
    this.rates[i] = lambdaTask;
    this.targets[i] = targets;
    this.results[i] = r;
    this.size++;
  }

  private clear(slots: number): void {
    this.rates = new Float64Array(slots);
    this.targets = new Int32Array(slots).fill(-1);
    this.results = new Array(slots).fill(null);
    this.size = 0;
  }

  private grow(): void {
    const { rates, targets, results } = this;
    this.clear(rates.length * 2);
    for (let i = 0; i < rates.length; i++)
      if (targets[i] !== -1) this.insert(rates[i], targets[i], results[i] as RememberedLatency);
  }
}

// The bits of a rate, for hashing.
const hashView = new Float64Array(1);
const hashBits = new Uint32Array(hashView.buffer);

function slotOf(rate: number, targets: number, mask: number): number {
  hashView[0] = rate;
  const h = Math.imul(hashBits[0] ^ Math.imul(hashBits[1], 0x85ebca6b) ^ targets, 0x9e3779b1);
  return (h ^ (h >>> 15)) & mask;
}

/** Before the first tick with traffic: no stretch, no wait. */
function noLatency(): RememberedLatency {
  return { targets: -1, scale: 1, stretch: null, pWait: 0, waitMeanMs: 0, caveat: null, entries: null };
}
