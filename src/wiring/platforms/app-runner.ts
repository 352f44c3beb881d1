import { num } from "../../assumptions.js";
import { appRunnerRates } from "../../data/app-runner.js";
import { type Continuous, Phase } from "../../engine/sim.js";
import type { TimeMs } from "../../engine/time.js";
import { InputError } from "../../errors.js";
import type { AppRunnerPlatform } from "../../scenario/platforms/app-runner.js";
import { activeBilledSeconds, activeUntil } from "../../models/apprunner/billing.js";
import { appRunnerInstancesNeeded, appRunnerNextCount } from "../../models/apprunner/scaling.js";
import { fullPullMs, pullRates } from "../../models/image/pull.js";
import { serviceTimeOf, trafficWorkload } from "../../models/traffic/index.js";
import { LatencyRecorder } from "../../models/latency/recorder.js";
import { FluidTraffic, type ServingCapacity } from "../../models/traffic/fluid.js";
import type { PlatformRunInput } from "./ecs-service.js";
import { CapacitySteps } from "../../models/platform/capacity-steps.js";
import {
  closeCost,
  costOf,
  costMatchesMetersCheck,
  requestsConservedCheck,
  serviceMetrics,
  startPlatformRun,
  trafficRequests,
  trafficWarnings,
  webElasticity,
  withinBoundsCheck,
} from "./harness.js";
import type { PlatformResult } from "../../models/platform/result.js";

/** One App Runner instance: provisioned from `readyAt`, active (paying vCPU) during activation periods. */
interface Instance {
  readyAt: TimeMs;
  ready: boolean;
  active: boolean;
  activeSince: TimeMs;
  busyUntil: TimeMs;
}

/**
 * An App Runner service on the scenario's traffic: the shared fluid traffic model and latency recorder,
 * instances scaled on concurrent requests (MaxConcurrency, MinSize, MaxSize) and billed as provisioned
 * (memory) or active (vCPU + memory, one-minute minimum per activation).
 * https://docs.aws.amazon.com/apprunner/latest/dg/manage-autoscaling.html
 * https://aws.amazon.com/apprunner/pricing/
 */
export function runAppRunner(input: PlatformRunInput<AppRunnerPlatform>): PlatformResult {
  const { name, platform: p, scenario, assumptions: a } = input;
  const rates = p.pricing ?? appRunnerRates(scenario.region);
  if (typeof rates === "string") throw new InputError(rates, { path: `platforms.${name}.pricing` });
  const cfg = p.AutoScalingConfiguration;
  const vcpu = p.InstanceConfiguration.Cpu / 1024;
  const memoryGb = p.InstanceConfiguration.Memory / 1024;
  const { sim, ledger, series, decisions } = startPlatformRun(input);
  const w = scenario.workload;
  const service = serviceTimeOf(w);
  const latency = new LatencyRecorder(service, scenario.slo.latency, w.timeout);
  const idleTimeoutMs = num(a, "appRunner.activeIdleTimeout");
  const image = w.image;
  const startMs =
    num(a, "appRunner.instanceStartTime") +
    (image ? fullPullMs(image, pullRates(a)) + num(a, "container.startTime") : 0);

  // Instances in creation order; scale-in removes the newest (none is preferred by AWS documentation).
  const instances: Instance[] = [];
  const fleet: ServingCapacity & { desiredCount: number; inServiceCount: number; runningCount: number } = {
    inServiceCount: 0,
    runningCount: 0,
    desiredCount: cfg.MinSize,
  };
  let activations = 0;
  let activeVcpuSeconds = 0;
  let provisionedSeconds = 0;
  let capMin = cfg.MinSize;
  let capMax = cfg.MinSize;
  // Supply of the elasticity metrics: instances serving requests, at each change.
  const supply = new CapacitySteps();

  /** End `inst`'s active period at `endMs`; `untilMs`: the instance leaves then (its active minimum ends too). */
  const closeActive = (inst: Instance, endMs: TimeMs, untilMs?: TimeMs) => {
    const seconds = activeBilledSeconds(inst.activeSince, endMs, untilMs);
    if (seconds <= 0) {
      inst.active = false;
      return;
    }
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
    activeVcpuSeconds += vcpu * seconds;
    inst.active = false;
  };
  const closeProvisioned = (inst: Instance, endMs: TimeMs) => {
    const seconds = Math.ceil(Math.max(0, endMs - inst.readyAt) / 1000);
    if (seconds === 0) return;
    const usd = (memoryGb * rates.provisionedGbHour * seconds) / 3600;
    const span = Math.max(1, endMs - inst.readyAt);
    const exact = (usd * span) / (seconds * 1000);
    ledger.addInterval(inst.readyAt, inst.readyAt + span, exact / span, usd - exact);
    ledger.addToMeter("appRunner.provisionedMemory", "GB-hours", (memoryGb * seconds) / 3600, usd);
    provisionedSeconds += seconds;
  };
  const addInstance = (now: TimeMs, warm: boolean) => {
    const inst: Instance = {
      readyAt: now + (warm ? 0 : startMs),
      ready: warm,
      active: false,
      activeSince: 0,
      busyUntil: 0,
    };
    instances.push(inst);
    if (warm) {
      fleet.inServiceCount++;
      fleet.runningCount++;
    } else {
      sim.at(inst.readyAt, () => {
        if (!instances.includes(inst)) return;
        inst.ready = true;
        fleet.inServiceCount++;
        fleet.runningCount++;
        supply.record(inst.readyAt, fleet.inServiceCount);
        capMax = Math.max(capMax, fleet.runningCount);
      });
    }
  };
  const removeInstance = (now: TimeMs) => {
    const inst = instances.pop();
    if (!inst) return;
    if (inst.ready) {
      if (inst.active)
        closeActive(inst, Math.min(now, activeUntil(inst.activeSince, inst.busyUntil, idleTimeoutMs)), now);
      closeProvisioned(inst, now);
      fleet.inServiceCount--;
      fleet.runningCount--;
      supply.record(now, fleet.inServiceCount);
      capMin = Math.min(capMin, fleet.runningCount);
    }
  };
  // The service exists before the trace starts with MinSize provisioned instances.
  for (let i = 0; i < cfg.MinSize; i++) addInstance(0, true);
  supply.record(0, fleet.inServiceCount);

  // App Runner sends an instance at most MaxConcurrency requests at once; beyond MaxConcurrency × instances
  // it answers 429 Too Many Requests at once instead of queueing (assumption `appRunner.overflow`). Users see
  // the 429s while App Runner scales out: https://github.com/aws/apprunner-roadmap/issues/224 and
  // https://github.com/aws/apprunner-roadmap/issues/227 ("When App Runner reaches the concurrency limit it
  // will return a number of 429 responses until the new container spins up").
  const rejectOverflow = a["appRunner.overflow"] !== "queue";
  const workload = {
    ...trafficWorkload(w, service, a, Math.min(w.concurrency, cfg.MaxConcurrency)),
    ...(rejectOverflow ? { queueLimit: 0 } : {}),
  };
  const traffic = new FluidTraffic(
    input.rates,
    input.stepMs,
    scenario.engine.tick,
    workload,
    { vcpu, memoryMiB: p.InstanceConfiguration.Memory },
    fleet,
    latency,
    serviceMetrics("Requests"),
    series,
  );

  // Step the traffic one tick at a time and, after each, measure concurrency and which instances worked.
  const tick = scenario.engine.tick;
  const rng = sim.rng(`${name}.appRunner.activity`);
  let concurrencySum = 0;
  let concurrencyTicks = 0;
  let lastArrived = 0;
  let trafficT = 0;
  const meter: Continuous = {
    advanceTo(until: TimeMs) {
      let t = trafficT;
      while (t + tick <= until) {
        traffic.advanceTo(t + tick);
        const arrivals = traffic.arrived - lastArrived;
        lastArrived = traffic.arrived;
        const latencyMs = w.serviceTime.mean + traffic.currentDelayMs;
        // Little's law on the requests offered to the instances (those answered 429 included, as demand the
        // instances would hold): arrival rate × time on an instance. Time waiting in front of the instances
        // is not concurrency on them, so the backlog's wait is left out.
        concurrencySum += (arrivals / (tick / 1000)) * ((latencyMs - backlogWaitMs()) / 1000);
        concurrencyTicks++;
        markActivity(t, t + tick, arrivals, latencyMs);
        t += tick;
      }
      trafficT = t;
    },
  };
  const backlogWaitMs = () => {
    const capacity = fleet.inServiceCount * traffic.taskThroughput;
    return capacity > 0 ? (1000 * traffic.backlogRequests) / capacity : 0;
  };
  const markActivity = (t0: TimeMs, t1: TimeMs, arrivals: number, latencyMs: number) => {
    const n = fleet.inServiceCount;
    const perInstance = n > 0 ? arrivals / n : 0;
    // P(an instance receives at least one request this tick) for Poisson arrivals shared round robin.
    const pAny = perInstance > 30 ? 1 : 1 - Math.exp(-perInstance);
    for (let i = 0; i < instances.length; i++) {
      const inst = instances[i];
      if (!inst.ready) continue;
      if (inst.active && t0 >= activeUntil(inst.activeSince, inst.busyUntil, idleTimeoutMs)) {
        closeActive(inst, activeUntil(inst.activeSince, inst.busyUntil, idleTimeoutMs));
      }
      if (pAny > 0 && (pAny === 1 || rng.next() < pAny)) {
        if (!inst.active) {
          inst.active = true;
          inst.activeSince = t0;
          activations++;
        }
        inst.busyUntil = t1 + Math.round(latencyMs);
      }
    }
  };
  sim.addContinuous(meter);

  // The scaler: once per interval, the mean concurrency decides the instances needed.
  const intervalMs = num(a, "appRunner.scalingInterval");
  const windowLength = Math.max(1, Math.round(num(a, "appRunner.scaleInStabilization") / intervalMs));
  const needs: number[] = [];
  let scaleOut = 0;
  let scaleIn = 0;
  sim.every(
    intervalMs,
    (now) => {
      const mean = concurrencyTicks > 0 ? concurrencySum / concurrencyTicks : 0;
      concurrencySum = 0;
      concurrencyTicks = 0;
      needs.push(appRunnerInstancesNeeded(mean, cfg));
      if (needs.length > windowLength) needs.shift();
      const current = fleet.desiredCount;
      const next = appRunnerNextCount(current, needs);
      if (next === current) return;
      decisions.push({
        t: now / 1000,
        platform: name,
        controller: "appRunner",
        action: next > current ? "scale-out" : "scale-in",
        from: current,
        to: next,
        reason:
          next > current
            ? `mean concurrency ${mean.toFixed(1)} over ${intervalMs / 1000}s needs ${next} instances at MaxConcurrency ${cfg.MaxConcurrency}`
            : `highest need over the last ${(windowLength * intervalMs) / 1000}s is ${next} instances`,
        concurrency: Math.round(mean * 1000) / 1000,
      });
      fleet.desiredCount = next;
      if (next > current) {
        scaleOut++;
        for (let i = current; i < next; i++) addInstance(now, false);
      } else {
        scaleIn++;
        for (let i = current; i > next; i--) removeInstance(now);
      }
    },
    Phase.control,
  );

  sim.run(input.durationMs);
  for (const inst of instances) {
    if (!inst.ready) continue;
    if (inst.active)
      closeActive(
        inst,
        Math.min(input.durationMs, activeUntil(inst.activeSince, inst.busyUntil, idleTimeoutMs)),
        input.durationMs,
      );
    closeProvisioned(inst, input.durationMs);
  }

  const { perMinuteCost, totalUsd } = closeCost(ledger, series);
  const requests = trafficRequests(traffic);
  const outside = decisions.find((d) => d.to < cfg.MinSize || d.to > cfg.MaxSize);
  const activeHours = activeVcpuSeconds / vcpu / 3600;
  return {
    name,
    kind: p.kind,
    minutes: series,
    requests,
    latency: latency.total(),
    ...trafficWarnings(traffic),
    capacity: {
      min: capMin,
      max: capMax,
      mean: input.durationMs > 0 ? traffic.runningTaskSeconds / (input.durationMs / 1000) : 0,
      taskHours: traffic.runningTaskSeconds / 3600,
      billedTaskHours: provisionedSeconds / 3600,
    },
    cost: costOf(ledger, totalUsd),
    scaling: { scaleOutEvents: scaleOut, scaleInEvents: scaleIn },
    utilisation: {
      cpuPercentOfPaid: activeVcpuSeconds > 0 ? (100 * traffic.cpuSecondsUsed) / activeVcpuSeconds : 0,
    },
    decisions,
    details: {
      appRunner: {
        provisionedInstanceHours: provisionedSeconds / 3600,
        activeInstanceHours: activeHours,
        activeShare: provisionedSeconds > 0 ? activeHours / (provisionedSeconds / 3600) : 0,
        activations,
        instanceStartSeconds: startMs / 1000,
      },
    },
    elasticity: webElasticity(input, "instances", supply, workload, vcpu),
    checks: [
      requestsConservedCheck(requests),
      costMatchesMetersCheck(perMinuteCost, totalUsd),
      withinBoundsCheck("instances within MinSize/MaxSize", outside, cfg.MinSize, cfg.MaxSize),
      {
        name: "active time within provisioned time",
        // Active time is part of provisioned time (each period rounds up to a whole second on its own).
        ok: activeHours <= (provisionedSeconds + activations) / 3600 + 1e-9,
        detail: `active ${activeHours.toFixed(4)} h, provisioned ${(provisionedSeconds / 3600).toFixed(4)} h`,
      },
    ],
  };
}
