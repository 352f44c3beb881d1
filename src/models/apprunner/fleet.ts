import type { AppRunnerRates } from "../../data/app-runner.js";
import type { Simulation } from "../../engine/sim.js";
import type { TimeMs } from "../../engine/time.js";
import type { CostLedger } from "../billing/ledger.js";
import { CapacitySteps, CountRange } from "../platform/capacity-steps.js";
import type { ServingObserver, ServingStatus, ServingTarget, ServingUnit } from "../serving-unit.js";
import { activeBilledSeconds, activeUntil } from "./billing.js";

/**
 * One App Runner instance, a serving unit: provisioned from `readyAt` (then RUNNING and in service), active
 * (paying vCPU) during activation periods, STOPPED when scale-in removes it.
 */
interface Instance extends ServingUnit {
  readonly id: number;
  status: ServingStatus;
  inService: boolean;
  startedAt?: TimeMs;
  healthyAt?: TimeMs;
  readyAt: TimeMs;
  ready: boolean;
  active: boolean;
  activeSince: TimeMs;
  busyUntil: TimeMs;
}

export interface AppRunnerFleetOptions {
  vcpu: number;
  memoryGb: number;
  rates: AppRunnerRates;
  /** Time from the scaler's decision to a new instance serving, ms. */
  startMs: TimeMs;
  /** An active instance stays active this long after its last request (assumption appRunner.activeIdleTimeout). */
  idleTimeoutMs: TimeMs;
  ledger: CostLedger;
  /** Which instances receive requests in a tick. */
  rng: { next(): number };
}

/**
 * The instances of an App Runner service and their bill: provisioned instances pay memory per second; an
 * instance processing requests is active and pays vCPU (and the memory above the provisioned rate) per
 * second, one-minute minimum per activation. https://aws.amazon.com/apprunner/pricing/
 * Instances in creation order; scale-in removes the newest (none is preferred by AWS documentation).
 */
export class AppRunnerFleet implements ServingTarget {
  inServiceCount = 0;
  runningCount = 0;
  desiredCount: number;
  activations = 0;
  activeVcpuSeconds = 0;
  provisionedSeconds = 0;
  /** Supply of the elasticity metrics: instances serving requests, at each change. */
  readonly supply = new CapacitySteps();
  readonly range = new CountRange();
  /** Told of each instance that starts serving or is removed. */
  readonly servingObservers: ServingObserver[] = [];
  private readonly instances: Instance[] = [];
  private nextId = 1;

  constructor(
    private readonly sim: Simulation,
    private readonly o: AppRunnerFleetOptions,
    minSize: number,
  ) {
    this.desiredCount = minSize;
  }

  /** The service exists before the trace starts with MinSize provisioned instances. */
  warmStart(count: number): void {
    for (let i = 0; i < count; i++) this.add(0, true);
    this.supply.record(0, this.inServiceCount);
    this.range.reset(this.runningCount);
  }

  add(now: TimeMs, warm = false): void {
    const readyAt = now + (warm ? 0 : this.o.startMs);
    const inst: Instance = {
      id: this.nextId++,
      status: warm ? "RUNNING" : "PROVISIONING",
      inService: warm,
      startedAt: warm ? readyAt : undefined,
      healthyAt: warm ? readyAt : undefined,
      readyAt,
      ready: warm,
      active: false,
      activeSince: 0,
      busyUntil: 0,
    };
    this.instances.push(inst);
    if (warm) {
      this.inServiceCount++;
      this.runningCount++;
      return;
    }
    this.sim.at(inst.readyAt, () => {
      if (!this.instances.includes(inst)) return;
      inst.ready = true;
      inst.status = "RUNNING";
      inst.inService = true;
      inst.startedAt = inst.healthyAt = inst.readyAt;
      this.inServiceCount++;
      this.runningCount++;
      this.supply.record(inst.readyAt, this.inServiceCount);
      this.range.see(this.runningCount);
      this.notify(inst, inst.readyAt);
    });
  }

  remove(now: TimeMs): void {
    const inst = this.instances.pop();
    if (!inst) return;
    inst.status = "STOPPED";
    inst.inService = false;
    if (!inst.ready) return;
    this.close(inst, now);
    this.inServiceCount--;
    this.runningCount--;
    this.supply.record(now, this.inServiceCount);
    this.range.see(this.runningCount);
    this.notify(inst, now);
  }

  private notify(inst: Instance, now: TimeMs): void {
    for (const o of this.servingObservers) o.unitChanged(inst, now);
  }

  /**
   * The instances that received requests in [t0, t1) become (or stay) active until `latencyMs` after it.
   * P(an instance receives at least one request this tick) for Poisson arrivals shared round robin.
   */
  markActivity(t0: TimeMs, t1: TimeMs, arrivals: number, latencyMs: number): void {
    const n = this.inServiceCount;
    const perInstance = n > 0 ? arrivals / n : 0;
    const pAny = perInstance > 30 ? 1 : 1 - Math.exp(-perInstance);
    for (let i = 0; i < this.instances.length; i++) {
      const inst = this.instances[i];
      if (!inst.ready) continue;
      if (inst.active && t0 >= this.activeEnd(inst)) this.closeActive(inst, this.activeEnd(inst));
      if (pAny > 0 && (pAny === 1 || this.o.rng.next() < pAny)) {
        if (!inst.active) {
          inst.active = true;
          inst.activeSince = t0;
          this.activations++;
        }
        inst.busyUntil = t1 + Math.round(latencyMs);
      }
    }
  }

  /** Close every open bill at the end of the run. */
  finish(endMs: TimeMs): void {
    for (const inst of this.instances) if (inst.ready) this.close(inst, endMs);
  }

  private activeEnd(inst: Instance): TimeMs {
    return activeUntil(inst.activeSince, inst.busyUntil, this.o.idleTimeoutMs);
  }

  /** An instance leaves (or the run ends) at `endMs`: its active period and its provisioned life close. */
  private close(inst: Instance, endMs: TimeMs): void {
    if (inst.active) this.closeActive(inst, Math.min(endMs, this.activeEnd(inst)), endMs);
    this.closeProvisioned(inst, endMs);
  }

  /** End `inst`'s active period at `endMs`; `untilMs`: the instance leaves then (its active minimum ends too). */
  private closeActive(inst: Instance, endMs: TimeMs, untilMs?: TimeMs): void {
    const { vcpu, memoryGb, rates, ledger } = this.o;
    const seconds = activeBilledSeconds(inst.activeSince, endMs, untilMs);
    inst.active = false;
    if (seconds <= 0) return;
    const usd =
      ((vcpu * rates.activeVcpuHour + memoryGb * (rates.activeGbHour - rates.provisionedGbHour)) * seconds) /
      3600;
    const span = Math.max(1, endMs - inst.activeSince);
    const exact = (usd * span) / (seconds * 1000);
    ledger.addInterval(inst.activeSince, inst.activeSince + span, exact / span, usd - exact);
    ledger.addToMeter(
      "appRunner.activeVcpu",
      "vCPU-hours",
      (vcpu * seconds) / 3600,
      (vcpu * rates.activeVcpuHour * seconds) / 3600,
    );
    if (rates.activeGbHour !== rates.provisionedGbHour)
      ledger.addToMeter(
        "appRunner.activeMemory",
        "GB-hours",
        (memoryGb * seconds) / 3600,
        (memoryGb * (rates.activeGbHour - rates.provisionedGbHour) * seconds) / 3600,
      );
    this.activeVcpuSeconds += vcpu * seconds;
  }

  private closeProvisioned(inst: Instance, endMs: TimeMs): void {
    const { memoryGb, rates, ledger } = this.o;
    const seconds = Math.ceil(Math.max(0, endMs - inst.readyAt) / 1000);
    if (seconds === 0) return;
    const usd = (memoryGb * rates.provisionedGbHour * seconds) / 3600;
    const span = Math.max(1, endMs - inst.readyAt);
    const exact = (usd * span) / (seconds * 1000);
    ledger.addInterval(inst.readyAt, inst.readyAt + span, exact / span, usd - exact);
    ledger.addToMeter("appRunner.provisionedMemory", "GB-hours", (memoryGb * seconds) / 3600, usd);
    this.provisionedSeconds += seconds;
  }
}
