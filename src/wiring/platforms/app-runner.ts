import { num } from "../../assumptions.js";
import { appRunnerRates } from "../../data/app-runner.js";
import { type Continuous, Phase } from "../../engine/sim.js";
import type { TimeMs } from "../../engine/time.js";
import { InputError } from "../../errors.js";
import { AppRunnerFleet } from "../../models/apprunner/fleet.js";
import { appRunnerInstancesNeeded, appRunnerNextCount } from "../../models/apprunner/scaling.js";
import { fullPullMs, pullRates } from "../../models/image/pull.js";
import { LatencyRecorder } from "../../models/latency/recorder.js";
import type { PlatformResult } from "../../models/platform/result.js";
import { FluidTraffic } from "../../models/traffic/fluid.js";
import { serviceTimeOf, trafficWorkload } from "../../models/traffic/index.js";
import type { AppRunnerPlatform } from "../../scenario/platforms/app-runner.js";
import { assembleResult, cpuPercentOfPaid, servedCapacity } from "./collectors.js";
import { servedRequests, serviceMetrics, webElasticity, withinBoundsCheck } from "./harness.js";
import type { ClosedBooks, PlatformKind, PlatformRun } from "./skeleton.js";

type Run = PlatformRun<AppRunnerPlatform>;

/** The instances, the shared fluid traffic model in front of them, and the scaler's tally. */
function buildAppRunner(run: Run) {
  const { name, platform: p, scenario, assumptions: a } = run.input;
  const rates = p.pricing ?? appRunnerRates(scenario.region);
  if (typeof rates === "string") throw new InputError(rates, { path: `platforms.${name}.pricing` });
  const cfg = p.AutoScalingConfiguration;
  const vcpu = p.InstanceConfiguration.Cpu / 1024;
  const w = scenario.workload;
  const service = serviceTimeOf(w);
  const latency = new LatencyRecorder(
    service,
    scenario.slo.latency,
    w.timeout,
    run.input.minuteQuantiles ?? true,
  );
  const image = w.image;
  const startMs =
    num(a, "appRunner.instanceStartTime") +
    (image ? fullPullMs(image, pullRates(a)) + num(a, "container.startTime") : 0);
  const fleet = new AppRunnerFleet(
    run.sim,
    {
      vcpu,
      memoryGb: p.InstanceConfiguration.Memory / 1024,
      rates,
      startMs,
      idleTimeoutMs: num(a, "appRunner.activeIdleTimeout"),
      ledger: run.ledger,
      rng: run.sim.rng(`${name}.appRunner.activity`),
    },
    cfg.MinSize,
  );
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
    run.input.rates,
    run.input.stepMs,
    scenario.engine.tick,
    workload,
    { vcpu, memoryMiB: p.InstanceConfiguration.Memory },
    fleet,
    latency,
    serviceMetrics("Requests"),
    run.series,
  );
  const concurrency = { sum: 0, ticks: 0 };
  const scaling = { scaleOut: 0, scaleIn: 0 };
  return { fleet, traffic, workload, concurrency, scaling, startMs, vcpu };
}
type Parts = ReturnType<typeof buildAppRunner>;

/**
 * Step the traffic one tick at a time and, after each, measure concurrency and which instances worked.
 * Little's law on the requests offered to the instances (those answered 429 included, as demand the
 * instances would hold): arrival rate × time on an instance. Time waiting in front of the instances is not
 * concurrency on them, so the backlog's wait is left out.
 */
function concurrencyMeter(q: Parts, run: Run): Continuous {
  const { traffic, fleet, concurrency } = q;
  const tick = run.input.scenario.engine.tick;
  const serviceMeanMs = run.input.scenario.workload.serviceTime.mean;
  const backlogWaitMs = () => {
    const capacity = fleet.inServiceCount * traffic.taskThroughput;
    return capacity > 0 ? (1000 * traffic.backlogRequests) / capacity : 0;
  };
  let lastArrived = 0;
  let trafficT = 0;
  return {
    advanceTo(until: TimeMs) {
      let t = trafficT;
      while (t + tick <= until) {
        traffic.advanceTo(t + tick);
        const arrivals = traffic.arrived - lastArrived;
        lastArrived = traffic.arrived;
        const latencyMs = serviceMeanMs + traffic.currentDelayMs;
        concurrency.sum += (arrivals / (tick / 1000)) * ((latencyMs - backlogWaitMs()) / 1000);
        concurrency.ticks++;
        fleet.markActivity(t, t + tick, arrivals, latencyMs);
        t += tick;
      }
      trafficT = t;
    },
  };
}

/** The scaler: once per interval, the mean concurrency decides the instances needed. */
function scaleOnConcurrency(q: Parts, run: Run): void {
  const { fleet, concurrency, scaling } = q;
  const a = run.input.assumptions;
  const cfg = run.input.platform.AutoScalingConfiguration;
  const intervalMs = num(a, "appRunner.scalingInterval");
  const windowLength = Math.max(1, Math.round(num(a, "appRunner.scaleInStabilization") / intervalMs));
  const needs: number[] = [];
  run.sim.every(
    intervalMs,
    (now) => {
      const mean = concurrency.ticks > 0 ? concurrency.sum / concurrency.ticks : 0;
      concurrency.sum = 0;
      concurrency.ticks = 0;
      needs.push(appRunnerInstancesNeeded(mean, cfg));
      if (needs.length > windowLength) needs.shift();
      const current = fleet.desiredCount;
      const next = appRunnerNextCount(current, needs);
      if (next === current) return;
      run.decisions.push({
        t: now / 1000,
        platform: run.input.name,
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
      if (next > current) scaling.scaleOut++;
      else scaling.scaleIn++;
      for (let i = current; i < next; i++) fleet.add(now);
      for (let i = current; i > next; i--) fleet.remove(now);
    },
    Phase.control,
  );
}

const APP_RUNNER_FLUID_ADVICE =
  "App Runner runs the fluid traffic model in either engine mode (docs/app-runner.md), so compare with an ECS platform run with engine.mode: request";

/**
 * The requests App Runner served, with its caveats: it always runs the fluid traffic model
 * (docs/app-runner.md), so engine.mode: request is said not to apply rather than offered as the remedy.
 */
function servedAppRunnerRequests(traffic: FluidTraffic, mode: "fluid" | "request") {
  const served = servedRequests(traffic, APP_RUNNER_FLUID_ADVICE);
  if (mode !== "request") return served;
  const modeWarning = "engine.mode: request does not apply to App Runner, which runs the fluid traffic model";
  return { ...served, warnings: [modeWarning, ...(served.warnings ?? [])] };
}

function collectAppRunner(q: Parts, run: Run, books: ClosedBooks): PlatformResult {
  const { fleet, traffic } = q;
  const cfg = run.input.platform.AutoScalingConfiguration;
  const outside = run.decisions.find((d) => d.to < cfg.MinSize || d.to > cfg.MaxSize);
  const provisionedHours = fleet.provisionedSeconds / 3600;
  const activeHours = fleet.activeVcpuSeconds / q.vcpu / 3600;
  return assembleResult(run, books, {
    kind: "app-runner",
    ...servedAppRunnerRequests(traffic, run.input.scenario.engine.mode),
    capacity: servedCapacity(fleet.range, traffic.runningTaskSeconds, run.input.durationMs, provisionedHours),
    scaling: { scaleOutEvents: q.scaling.scaleOut, scaleInEvents: q.scaling.scaleIn },
    utilisation: cpuPercentOfPaid(traffic.cpuSecondsUsed, fleet.activeVcpuSeconds),
    details: {
      appRunner: {
        provisionedInstanceHours: provisionedHours,
        activeInstanceHours: activeHours,
        activeShare: fleet.provisionedSeconds > 0 ? activeHours / provisionedHours : 0,
        activations: fleet.activations,
        instanceStartSeconds: q.startMs / 1000,
      },
    },
    elasticity: webElasticity(run.input, "instances", fleet.supply, q.workload, q.vcpu),
    checks: [
      withinBoundsCheck("instances within MinSize/MaxSize", outside, cfg.MinSize, cfg.MaxSize),
      {
        name: "active time within provisioned time",
        // Active time is part of provisioned time (each period rounds up to a whole second on its own).
        ok: activeHours <= (fleet.provisionedSeconds + fleet.activations) / 3600 + 1e-9,
        detail: `active ${activeHours.toFixed(4)} h, provisioned ${provisionedHours.toFixed(4)} h`,
      },
    ],
  });
}

/**
 * An App Runner service on the scenario's traffic: the shared fluid traffic model and latency recorder,
 * instances scaled on concurrent requests (MaxConcurrency, MinSize, MaxSize) and billed as provisioned
 * (memory) or active (vCPU + memory, one-minute minimum per activation).
 * https://docs.aws.amazon.com/apprunner/latest/dg/manage-autoscaling.html
 * https://aws.amazon.com/apprunner/pricing/
 */
export const appRunnerKind: PlatformKind<AppRunnerPlatform, Parts> = {
  build: buildAppRunner,
  warmStart: (q, run) => q.fleet.warmStart(run.input.platform.AutoScalingConfiguration.MinSize),
  start(q, run) {
    run.sim.addContinuous(concurrencyMeter(q, run));
    scaleOnConcurrency(q, run);
  },
  finish: (q, run) => q.fleet.finish(run.input.durationMs),
  collect: collectAppRunner,
};
