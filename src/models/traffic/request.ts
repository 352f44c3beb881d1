import type { Continuous } from "../../engine/sim.js";
import { requestCountPerTarget } from "../alb/target-group.js";
import { MINUTE, type TimeMs } from "../../engine/time.js";
import { Router, type RoutingAlgorithm } from "../alb/router.js";
import type { ServingTarget, ServingUnit } from "../serving-unit.js";
import type { RandomSource, ServiceTimeDistribution } from "../latency/distributions.js";
import type { LatencyStats } from "../latency/recorder.js";
import type { RequestLatencyRecorder } from "../latency/request-recorder.js";
import { EventHeap } from "../../engine/event-heap.js";
import type { FluidMetrics, FluidTask, FluidWorkload } from "./fluid.js";
import type { MinuteSeries } from "./minute-series.js";

/** Per-task server models (docs/latency.md). */
export type ServerModel = "processor-sharing" | "worker-pool";

export interface RequestWorkload extends FluidWorkload {
  model: ServerModel;
  /** Requests a task holds waiting beyond `concurrency`; +Infinity: unbounded. */
  queueLimit: number;
}

/** The service as request mode sees it: counters plus unit transitions, for per-target routing (src/models/serving-unit.ts). */
export type TargetService = ServingTarget;

export interface RequestTrafficOptions {
  /** Requests per second for each trace interval (arrivals: Poisson inside each interval). */
  rates: Float64Array;
  stepMs: TimeMs;
  durationMs: TimeMs;
  workload: RequestWorkload;
  task: FluidTask;
  service: TargetService;
  routing: { algorithm: RoutingAlgorithm; slowStartMs: TimeMs };
  latency: RequestLatencyRecorder;
  metrics: FluidMetrics;
  minutes: MinuteSeries;
  arrivalRng: RandomSource;
  serviceRng: RandomSource;
  /** A per-request trace: arrival times (ms from the start, sorted) and optionally each one's service time. */
  trace?: { timesMs: Float64Array; serviceMs?: Float64Array };
  /** A deregistering target's last in-flight request finished at `atMs` (whole ms): ELB completes deregistration. */
  onDrained?: (task: ServingUnit, atMs: TimeMs) => void;
}

const HIGH_RES = 20_000;
const FREE = 0;
const ROUTABLE = 1;
const DRAINING = 2;

/**
 * Request mode: every request is simulated as events. It arrives (a Poisson process at the trace
 * interval's rate, or at its true timestamp in a per-request trace), is routed by the ALB algorithm to
 * one healthy task, waits FIFO for one of the task's `concurrency` slots (bounded by `queueLimit`;
 * rejected beyond it), is served, and completes; a request whose response would exceed `timeout` is a
 * timeout (the client has gone; a queued one is discarded when a slot picks it up, as a server finds a
 * closed connection). Service per task:
 *  - worker-pool: a slot is held for the service time S (M/G/c per task); CPU is accounted
 *    (cpuPerRequest spread over S), not contended;
 *  - processor-sharing: a request spends (1 − f)·S off the CPU, then needs f·S of CPU, f = min(1,
 *    cpuPerRequest / E[S]); requests on the CPU share the task's v vCPUs, each at rate min(1, v/n)
 *    (a request uses at most one vCPU). With f = 1 and v = 1 this is M/G/1-PS.
 * Metrics, minute series and counters match the fluid model's, so the harness can use either.
 * Hot loop: typed arrays and an allocation-free event heap; no closures or Map lookups per request.
 */
export class RequestTraffic implements Continuous {
  // Counters (integers).
  arrived = 0;
  served = 0;
  dropped = 0;
  timedOut = 0;
  runningTaskSeconds = 0;
  /** vCPU-ms accrued by tasks whose slots have been freed (their requests' CPU up to their stop). */
  private retiredCpuMs = 0;
  /** Time up to which the model has been advanced. */
  private advancedTo = 0;
  /** Requests that began service; of them, those that waited for a slot, and their total wait (ms). */
  started = 0;
  waited = 0;
  waitSumMs = 0;

  private readonly heap = new EventHeap();
  private readonly router: Router;
  private readonly ps: boolean;
  private readonly c: number;
  private readonly v: number;
  private readonly f: number;
  private readonly timeout: number;
  private readonly qLimit: number;
  private readonly cpuPerReq: number;
  private readonly service: ServiceTimeDistribution;

  // Request records (struct of arrays, free list through rNext).
  private rArr = new Float64Array(1024);
  private rSvc = new Float64Array(1024);
  private rSlot = new Int32Array(1024);
  private rGen = new Int32Array(1024);
  private rNext = new Int32Array(1024);
  private freeReq = -1;
  private usedReq = 0;

  // Task slots.
  private state = new Int32Array(8);
  private gen = new Int32Array(8);
  /** Requests at the task: in service plus queued (the router's least-outstanding count). */
  private outstanding = new Int32Array(8);
  private busy = new Int32Array(8);
  private qHead = new Int32Array(8);
  private qTail = new Int32Array(8);
  private qLen = new Int32Array(8);
  private drainSignalled = new Int32Array(8);
  // Processor sharing per slot: jobs on the CPU, virtual time, its update time, event version, heaps.
  private psN = new Int32Array(8);
  private psV = new Float64Array(8);
  private psAt = new Float64Array(8);
  private psVer = new Int32Array(8);
  // Exact CPU accrual per slot: vCPU-ms accrued up to cpuAt, and the vCPUs busy since then.
  private cpuMs = new Float64Array(8);
  private cpuRate = new Float64Array(8);
  private cpuAt = new Float64Array(8);
  private psHeapF: Float64Array[] = [];
  private psHeapR: Int32Array[] = [];
  private slotTask: (ServingUnit | undefined)[] = [];
  private slots = 0;
  private freeSlots: number[] = [];
  private readonly slotOf = new Map<number, number>();

  // Arrivals.
  private nextArr = Number.POSITIVE_INFINITY;
  private arrIdx = 0;
  private arrT = 0;
  private traceK = 0;

  // Time integrals.
  private lastT = 0;
  private inflight = 0;
  private inflightArea = 0;
  private lastLifeT = 0;
  private running = 0;
  private inService = 0;
  private runArea = 0;
  private inSvcArea = 0;
  private readonly cpuBuckets: Float64Array;
  private nextBoundary = HIGH_RES;
  // Minute accumulators.
  private mArrived = 0;
  private mDropped = 0;
  private mTimedOut = 0;
  private mRun = 0;
  private mInSvc = 0;
  private mInflight = 0;
  private mCpu = 0;
  private minuteIndex = 0;

  constructor(private readonly o: RequestTrafficOptions) {
    const w = o.workload;
    this.service = w.service;
    this.ps = w.model === "processor-sharing";
    this.c = w.concurrency;
    this.v = o.task.vcpu;
    this.f = w.service.mean > 0 ? Math.min(1, w.cpuPerRequestMs / w.service.mean) : 1;
    this.timeout = w.timeoutMs;
    this.qLimit = w.queueLimit;
    this.cpuPerReq = w.cpuPerRequestMs;
    this.cpuBuckets = new Float64Array(Math.ceil(o.durationMs / HIGH_RES) + 2);
    this.router = new Router(o.routing.algorithm, o.routing.slowStartMs, this.outstanding);
    o.service.servingObservers.push({ unitChanged: (task, now) => this.taskChanged(task, now) });
    this.scheduleArrival();
  }

  /** Requests queued or in service (in flight at the end of the run). */
  get backlogRequests(): number {
    return this.inflight;
  }

  latencyTotal(): LatencyStats {
    return this.o.latency.total();
  }

  /** 0 when the task has nothing in flight; otherwise unknown now: drainage is signalled by `onDrained`. */
  inFlightDrainMs(task: ServingUnit): TimeMs {
    const s = this.slotOf.get(task.id);
    return s === undefined || this.outstanding[s] === 0 ? 0 : Number.POSITIVE_INFINITY;
  }

  // ------------------------------------------------------------------------------------------------
  // Event loop

  /**
   * vCPU-seconds used up to the time the model has reached: the CPU each task has actually accrued by then
   * (requests in service count for the part of their CPU time already elapsed). Readers at any instant (the
   * HPA's metrics scraper, every 15 s; the end-of-run summary) see exactly what was used, whatever the
   * position inside a 20-s metric period.
   */
  get cpuSecondsUsed(): number {
    let ms = this.retiredCpuMs;
    for (let s = 0; s < this.slots; s++)
      if (this.state[s] !== FREE) ms += this.slotCpuMsAt(s, this.advancedTo);
    return ms / 1000;
  }

  /**
   * vCPU-seconds one task (an ECS task or an EKS pod, by id) has used since it was registered, up to the time
   * the model has reached: the task's own cumulative CPU counter (what the kubelet reports per container);
   * undefined for a task that never took a request slot.
   */
  unitCpuSeconds(id: number): number | undefined {
    const s = this.slotOf.get(id);
    return s === undefined ? undefined : this.slotCpuMsAt(s, this.advancedTo) / 1000;
  }

  private slotCpuMsAt(s: number, t: number): number {
    return this.cpuMs[s] + this.cpuRate[s] * Math.max(0, t - this.cpuAt[s]);
  }

  /** Slot s's CPU accrued up to t, then `rate` vCPUs busy from t on. */
  private setCpuRate(s: number, t: number, rate: number): void {
    this.cpuMs[s] = this.slotCpuMsAt(s, t);
    this.cpuAt[s] = t;
    this.cpuRate[s] = rate;
  }

  /**
   * The request-mode loop, under the engine's Continuous contract (src/engine/sim.ts) and the EventHeap's
   * order (src/engine/event-heap.ts). What falls on one instant t runs in this order
   * (test/models/traffic/request-order.test.ts):
   *  1. a minute boundary at t closes first, so whatever happens at t counts in the next minute;
   *  2. the Simulation's events at t (task lifecycle, metrics, control), before any request event at t;
   *  3. the heap's events at t (completions, processor-sharing steps), in push order;
   *  4. the arrival at t, which so finds the slots freed at t.
   */
  advanceTo(until: TimeMs): void {
    if (until > this.advancedTo) this.advancedTo = until;
    const heap = this.heap;
    for (;;) {
      const tE = heap.peekTime();
      const tA = this.nextArr;
      const t = Math.min(tA, tE);
      const b = this.nextBoundary;
      if (b <= t && b <= until) {
        this.closePeriod(b);
        continue;
      }
      if (t >= until) break;
      this.inflightArea += this.inflight * (t - this.lastT);
      this.lastT = t;
      if (tA < tE) {
        this.arrive(tA);
        this.scheduleArrival();
      } else {
        heap.pop();
        const a = heap.poppedA;
        if (a >= 0) this.requestEvent(a, t);
        else this.psEvent(-1 - a, heap.poppedB, t);
      }
    }
  }

  private scheduleArrival(): void {
    const tr = this.o.trace;
    if (tr !== undefined) {
      this.nextArr = this.traceK < tr.timesMs.length ? tr.timesMs[this.traceK] : Number.POSITIVE_INFINITY;
      return;
    }
    // Non-homogeneous Poisson process with piecewise-constant rate: walk the integrated rate by Exp(1).
    const rates = this.o.rates;
    const step = this.o.stepMs;
    let e = -Math.log(this.o.arrivalRng.nextOpen());
    let t = this.arrT;
    let i = this.arrIdx;
    while (i < rates.length) {
      const end = (i + 1) * step;
      const r = rates[i] / 1000;
      if (r > 0) {
        const mass = r * (end - t);
        if (e < mass) {
          t += e / r;
          this.arrT = t;
          this.arrIdx = i;
          this.nextArr = t;
          return;
        }
        e -= mass;
      }
      t = end;
      i++;
    }
    this.arrIdx = i;
    this.arrT = t;
    this.nextArr = Number.POSITIVE_INFINITY;
  }

  private arrive(t: number): void {
    this.arrived++;
    this.mArrived++;
    let svc: number;
    const tr = this.o.trace;
    if (tr?.serviceMs !== undefined) svc = tr.serviceMs[this.traceK];
    else svc = this.service.sample(this.o.serviceRng);
    if (tr !== undefined) this.traceK++;
    const s = this.router.pick(t);
    if (s < 0 || (this.busy[s] >= this.c && this.qLen[s] >= this.qLimit)) {
      // No healthy target (ALB 503) or the task's queue is full (rejected).
      this.dropped++;
      this.mDropped++;
      return;
    }
    const r = this.allocReq();
    this.rArr[r] = t;
    this.rSvc[r] = svc;
    this.rSlot[r] = s;
    this.rGen[r] = this.gen[s];
    this.outstanding[s]++;
    this.inflight++;
    if (this.busy[s] < this.c) this.start(r, s, t);
    else {
      this.rNext[r] = -1;
      if (this.qLen[s] === 0) this.qHead[s] = r;
      else this.rNext[this.qTail[s]] = r;
      this.qTail[s] = r;
      this.qLen[s]++;
    }
  }

  private start(r: number, s: number, t: number): void {
    this.busy[s]++;
    this.started++;
    const wait = t - this.rArr[r];
    if (wait > 0) {
      this.waited++;
      this.waitSumMs += wait;
    }
    const svc = this.rSvc[r];
    if (!this.ps) {
      this.heap.push(t + svc, r, 0);
      this.addCpu(t, t + svc, svc > 0 ? this.cpuPerReq / svc : 0, svc > 0 ? 0 : this.cpuPerReq);
      if (svc > 0) this.setCpuRate(s, t, this.cpuRate[s] + this.cpuPerReq / svc);
      else this.cpuMs[s] += this.cpuPerReq;
      return;
    }
    const off = (1 - this.f) * svc;
    if (off > 0) this.heap.push(t + off, r, 0);
    else this.enterCpu(r, s, t);
  }

  /** A request event: worker-pool completion, or (processor sharing) the end of the off-CPU part. */
  private requestEvent(r: number, t: number): void {
    const s = this.rSlot[r];
    if (this.rGen[r] !== this.gen[s]) {
      // The task was stopped while this request was in service; it was counted then.
      this.freeReqRec(r);
      return;
    }
    if (this.ps) {
      this.enterCpu(r, s, t);
      return;
    }
    this.busy[s]--;
    const svc = this.rSvc[r];
    // An idle slot's rate is exactly 0 (no rounding residue from adding and removing request rates).
    if (svc > 0) this.setCpuRate(s, t, this.busy[s] === 0 ? 0 : this.cpuRate[s] - this.cpuPerReq / svc);
    this.complete(r, s, t);
    this.admit(s, t);
    this.checkDrained(s, t);
  }

  private complete(r: number, s: number, t: number): void {
    this.outstanding[s]--;
    this.inflight--;
    const latency = t - this.rArr[r];
    if (latency > this.timeout) {
      this.timedOut++;
      this.mTimedOut++;
    } else {
      this.served++;
      this.o.latency.record(latency);
    }
    this.freeReqRec(r);
  }

  /** Fill free slots from the FIFO queue; requests whose client has given up are discarded. */
  private admit(s: number, t: number): void {
    while (this.busy[s] < this.c && this.qLen[s] > 0) {
      const r = this.qHead[s];
      this.qHead[s] = this.rNext[r];
      this.qLen[s]--;
      if (t - this.rArr[r] >= this.timeout) {
        this.outstanding[s]--;
        this.inflight--;
        this.timedOut++;
        this.mTimedOut++;
        this.freeReqRec(r);
        continue;
      }
      this.start(r, s, t);
    }
  }

  private checkDrained(s: number, t: number): void {
    if (this.state[s] === DRAINING && this.outstanding[s] === 0 && this.drainSignalled[s] === 0) {
      this.drainSignalled[s] = 1;
      const task = this.slotTask[s];
      if (task) this.o.onDrained?.(task, Math.ceil(t));
    }
  }

  // ------------------------------------------------------------------------------------------------
  // Processor sharing

  /** Bring slot s's virtual time (and its CPU use) up to t. */
  private psAdvance(s: number, t: number): void {
    const n = this.psN[s];
    const dt = t - this.psAt[s];
    if (n > 0 && dt > 0) {
      const v = this.v;
      this.psV[s] += n > v ? (dt * v) / n : dt;
      this.addCpu(this.psAt[s], t, Math.min(n, v), 0);
    }
    this.psAt[s] = t;
  }

  private enterCpu(r: number, s: number, t: number): void {
    this.psAdvance(s, t);
    let hf = this.psHeapF[s];
    let hr = this.psHeapR[s];
    let n = this.psN[s];
    if (n === hf.length) {
      const nf = new Float64Array(hf.length * 2);
      nf.set(hf);
      const nr = new Int32Array(hr.length * 2);
      nr.set(hr);
      this.psHeapF[s] = hf = nf;
      this.psHeapR[s] = hr = nr;
    }
    const key = this.psV[s] + this.f * this.rSvc[r];
    // Sift up (ties: the earlier entry stays on top, FIFO among equal finish times is not needed for correctness).
    let i = n++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (hf[p] <= key) break;
      hf[i] = hf[p];
      hr[i] = hr[p];
      i = p;
    }
    hf[i] = key;
    hr[i] = r;
    this.psN[s] = n;
    this.setCpuRate(s, t, Math.min(n, this.v));
    this.psReschedule(s, t);
  }

  private psReschedule(s: number, t: number): void {
    const ver = (this.psVer[s] + 1) | 0;
    this.psVer[s] = ver;
    const n = this.psN[s];
    if (n === 0) return;
    const rate = n <= this.v ? 1 : this.v / n;
    const dv = this.psHeapF[s][0] - this.psV[s];
    this.heap.push(t + (dv > 0 ? dv / rate : 0), -1 - s, ver);
  }

  private psEvent(s: number, ver: number, t: number): void {
    if (ver !== this.psVer[s]) return;
    this.psAdvance(s, t);
    const hf = this.psHeapF[s];
    const hr = this.psHeapR[s];
    const r = hr[0];
    if (hf[0] > this.psV[s]) this.psV[s] = hf[0];
    const n = --this.psN[s];
    this.setCpuRate(s, t, Math.min(n, this.v));
    if (n > 0) {
      const key = hf[n];
      const rr = hr[n];
      let i = 0;
      for (;;) {
        let c = 2 * i + 1;
        if (c >= n) break;
        if (c + 1 < n && hf[c + 1] < hf[c]) c++;
        if (key <= hf[c]) break;
        hf[i] = hf[c];
        hr[i] = hr[c];
        i = c;
      }
      hf[i] = key;
      hr[i] = rr;
    }
    this.busy[s]--;
    this.complete(r, s, t);
    this.admit(s, t);
    this.psReschedule(s, t);
    this.checkDrained(s, t);
  }

  // ------------------------------------------------------------------------------------------------
  // CPU accounting: vCPU-ms per 20-second bucket

  /** Add `rate` vCPUs busy over [t0, t1) plus `lump` vCPU-ms at t0. */
  private addCpu(t0: number, t1: number, rate: number, lump: number): void {
    const b = this.cpuBuckets;
    let k = Math.floor(t0 / HIGH_RES);
    if (k >= b.length) return;
    b[k] += lump;
    if (rate <= 0) return;
    let t = t0;
    for (;;) {
      const end = (k + 1) * HIGH_RES;
      if (t1 <= end) {
        b[k] += rate * (t1 - t);
        return;
      }
      b[k] += rate * (end - t);
      t = end;
      if (++k >= b.length) return;
    }
  }

  // ------------------------------------------------------------------------------------------------
  // Periods and minutes

  private integrateLife(t: number): void {
    const dt = t - this.lastLifeT;
    if (dt > 0) {
      this.runArea += this.running * dt;
      this.inSvcArea += this.inService * dt;
      this.runningTaskSeconds += (this.running * dt) / 1000;
    }
    this.lastLifeT = t;
  }

  private closePeriod(b: number): void {
    this.inflightArea += this.inflight * (b - this.lastT);
    this.lastT = b;
    this.integrateLife(b);
    if (this.ps) for (let s = 0; s < this.slots; s++) if (this.psN[s] > 0) this.psAdvance(s, b);
    const k = b / HIGH_RES - 1;
    const cpuMs = this.cpuBuckets[k];
    const m = this.o.metrics;
    if (m.cpuHighRes) {
      m.cpuHighRes.closeWith(this.cpuPct(cpuMs, this.runArea));
      m.memoryHighRes?.closeWith(this.memPct(this.inflightArea, this.runArea));
    }
    this.mRun += this.runArea;
    this.mInSvc += this.inSvcArea;
    this.mInflight += this.inflightArea;
    this.mCpu += cpuMs;
    this.runArea = 0;
    this.inSvcArea = 0;
    this.inflightArea = 0;
    this.nextBoundary = b + HIGH_RES;
    if (b % MINUTE === 0) this.closeMinute();
  }

  private cpuPct(cpuMs: number, runMs: number): number | null {
    if (runMs <= 0) return null;
    const v = this.v;
    return Math.min(100, (100 * (cpuMs + this.o.workload.cpuIdle * v * runMs)) / (runMs * v));
  }

  private memPct(inflightMs: number, runMs: number): number | null {
    if (runMs <= 0) return null;
    const w = this.o.workload;
    return (
      (100 * (w.memoryBaselineMiB * runMs + w.memoryPerInFlightMiB * inflightMs)) /
      (runMs * this.o.task.memoryMiB)
    );
  }

  private closeMinute(): void {
    const m = this.minuteIndex++;
    const metrics = this.o.metrics;
    const cpu = this.cpuPct(this.mCpu, this.mRun);
    const mem = this.memPct(this.mInflight, this.mRun);
    metrics.cpu.closeWith(cpu);
    metrics.memory.closeWith(mem);
    metrics.requestsPerTarget.closeWith(
      requestCountPerTarget(this.mArrived, this.mInSvc / MINUTE, this.mRun / MINUTE),
    );
    const stats = this.o.latency.endMinute();
    const mins = this.o.minutes;
    if (m < mins.minutes) {
      const c = mins.columns;
      c.arrived[m] = this.mArrived;
      c.served[m] = stats.count;
      c.dropped[m] = this.mDropped;
      c.timedOut[m] = this.mTimedOut;
      c.running[m] = this.mRun / MINUTE;
      c.inService[m] = this.mInSvc / MINUTE;
      c.desired[m] = this.o.service.desiredCount;
      c.cpuPercent[m] = cpu ?? Number.NaN;
      c.memoryPercent[m] = mem ?? Number.NaN;
      this.o.minutes.setLatency(m, stats);
      c.withinSlo[m] = stats.withinSlo;
    }
    this.mArrived = 0;
    this.mDropped = 0;
    this.mTimedOut = 0;
    this.mRun = 0;
    this.mInSvc = 0;
    this.mInflight = 0;
    this.mCpu = 0;
  }

  // ------------------------------------------------------------------------------------------------
  // Task lifecycle (called at engine events, after the model has been advanced to `now`)

  private taskChanged(task: ServingUnit, now: TimeMs): void {
    this.integrateLife(now);
    this.running = this.o.service.runningCount;
    this.inService = this.o.service.inServiceCount;
    const s = this.slotOf.get(task.id);
    if (task.inService && s === undefined) {
      const slot = this.allocSlot(task);
      // The service's initial tasks were registered before the trace: they do not enter slow start.
      this.router.add(slot, now, task.healthyAt !== task.startedAt);
      return;
    }
    if (s === undefined) return;
    if (task.status === "DEACTIVATING" && this.state[s] === ROUTABLE) {
      this.router.remove(s);
      this.state[s] = DRAINING;
      // Nothing in flight: the service learns it from inFlightDrainMs (0) at once.
      if (this.outstanding[s] === 0) this.drainSignalled[s] = 1;
      return;
    }
    if (task.status === "STOPPING" || task.status === "STOPPED") this.killSlot(s, now);
  }

  private allocSlot(task: ServingUnit): number {
    let s: number;
    if (this.freeSlots.length > 0) s = this.freeSlots.pop() as number;
    else {
      s = this.slots++;
      if (s === this.state.length) this.growSlots();
      this.psHeapF[s] = new Float64Array(16);
      this.psHeapR[s] = new Int32Array(16);
    }
    this.state[s] = ROUTABLE;
    this.outstanding[s] = 0;
    this.busy[s] = 0;
    this.qLen[s] = 0;
    this.psN[s] = 0;
    this.drainSignalled[s] = 0;
    this.cpuMs[s] = 0;
    this.cpuRate[s] = 0;
    this.cpuAt[s] = 0;
    this.slotTask[s] = task;
    this.slotOf.set(task.id, s);
    return s;
  }

  /** SIGTERM: whatever is still queued or in service at the task fails (a 5xx: counted as dropped). */
  private killSlot(s: number, now: number): void {
    if (this.state[s] === ROUTABLE) this.router.remove(s);
    if (this.ps) this.psAdvance(s, now);
    const lost = this.outstanding[s];
    this.dropped += lost;
    this.mDropped += lost;
    this.inflight -= lost;
    for (let k = 0, r = this.qHead[s]; k < this.qLen[s]; k++) {
      const next = this.rNext[r];
      this.freeReqRec(r);
      r = next;
    }
    for (let k = 0; k < this.psN[s]; k++) this.freeReqRec(this.psHeapR[s][k]);
    this.psVer[s] = (this.psVer[s] + 1) | 0;
    this.gen[s] = (this.gen[s] + 1) | 0;
    this.psN[s] = 0;
    this.outstanding[s] = 0;
    this.busy[s] = 0;
    this.qLen[s] = 0;
    this.state[s] = FREE;
    // The stopped task's requests stop using CPU: keep what it accrued.
    this.retiredCpuMs += this.slotCpuMsAt(s, now);
    this.cpuMs[s] = 0;
    this.cpuRate[s] = 0;
    const task = this.slotTask[s];
    if (task) this.slotOf.delete(task.id);
    this.slotTask[s] = undefined;
    this.freeSlots.push(s);
  }

  private growSlots(): void {
    const n = this.state.length * 2;
    const gi = (a: Int32Array) => {
      const b = new Int32Array(n);
      b.set(a);
      return b;
    };
    const gf = (a: Float64Array) => {
      const b = new Float64Array(n);
      b.set(a);
      return b;
    };
    this.state = gi(this.state);
    this.gen = gi(this.gen);
    const out = gi(this.outstanding);
    this.outstanding = out;
    this.busy = gi(this.busy);
    this.qHead = gi(this.qHead);
    this.qTail = gi(this.qTail);
    this.qLen = gi(this.qLen);
    this.drainSignalled = gi(this.drainSignalled);
    this.psN = gi(this.psN);
    this.psV = gf(this.psV);
    this.psAt = gf(this.psAt);
    this.psVer = gi(this.psVer);
    this.cpuMs = gf(this.cpuMs);
    this.cpuRate = gf(this.cpuRate);
    this.cpuAt = gf(this.cpuAt);
    this.router.setOutstanding(out);
  }

  private allocReq(): number {
    let r = this.freeReq;
    if (r >= 0) {
      this.freeReq = this.rNext[r];
      return r;
    }
    r = this.usedReq++;
    if (r === this.rArr.length) this.growReq();
    return r;
  }

  private freeReqRec(r: number): void {
    this.rNext[r] = this.freeReq;
    this.freeReq = r;
  }

  private growReq(): void {
    const n = this.rArr.length * 2;
    const a = new Float64Array(n);
    a.set(this.rArr);
    this.rArr = a;
    const sv = new Float64Array(n);
    sv.set(this.rSvc);
    this.rSvc = sv;
    const sl = new Int32Array(n);
    sl.set(this.rSlot);
    this.rSlot = sl;
    const g = new Int32Array(n);
    g.set(this.rGen);
    this.rGen = g;
    const nx = new Int32Array(n);
    nx.set(this.rNext);
    this.rNext = nx;
  }
}
