import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { TaskEventLog } from "../../../src/models/ecs/task-events.js";
import { Simulation } from "../../../src/engine/sim.js";
import { constantFactor, type PriceFactorSeries } from "../../../src/models/billing/ec2.js";
import { fargateCharge } from "../../../src/models/billing/fargate-capacity.js";
import { CostLedger } from "../../../src/models/billing/ledger.js";
import { SPOT_NOTICE_MS } from "../../../src/models/ec2/instance-launch.js";
import { EcsService } from "../../../src/models/ecs/service.js";
import type { Task } from "../../../src/models/ecs/task.js";
import {
  FargateCapacityLauncher,
  SPOT_STOPPED_REASON,
} from "../../../src/models/fargate/capacity-provider-launcher.js";
import { FargateStartup } from "../../../src/models/fargate/launcher.js";

// us-east-1 Linux/x86 rates (data/fargate-prices.json); the ECS pricing page gives 0.04048 / 3600 per vCPU-second.
const RATES = { vcpuHour: 0.04048, gbHour: 0.004445 };
const SIZE = { vcpu: 1, memoryGb: 2 };
const HOUR = 3_600_000;
const PER_HOUR = 0.04048 + 2 * 0.004445;

type Item = { capacityProvider: string; base?: number; weight?: number };

function setup(
  strategy: Item[],
  o: {
    frequency?: number;
    factor?: PriceFactorSeries;
    seed?: number;
    desired?: number;
    minutes?: number;
  } = {},
) {
  const sim = new Simulation(o.seed ?? 1);
  const ledger = new CostLedger(o.minutes ?? 24 * 60);
  const launcher = new FargateCapacityLauncher(sim, {
    size: SIZE,
    rates: RATES,
    ledger,
    startup: new FargateStartup(sim, {
      provisioningMs: 10_000,
      pendingMs: 20_000,
      rng: sim.rng("p.fargate.startup"),
    }),
    strategy,
    spot: {
      factor: o.factor ?? constantFactor(0.3),
      interruptionFrequency: o.frequency ?? 0,
      rng: sim.rng("p.fargateSpot.interruptions"),
    },
    scaleInSelection: "newest",
  });
  const svc = new EcsService(sim, launcher, {
    name: "p",
    desiredCount: o.desired ?? 0,
    targetGroup: { healthCheckInterval: 30_000, healthyThreshold: 5, deregistrationDelay: 300_000 },
    stopDuration: 30_000,
    scaleInSelection: "newest",
    launchesPerMinute: 500,
  });
  const changes: { t: number; task: Task; status: string; desired: string }[] = [];
  svc.observers.push({
    taskChanged: (task, t) => changes.push({ t, task, status: task.status, desired: task.desiredStatus }),
  });
  return { sim, ledger, launcher, svc, changes };
}

function byProvider(svc: EcsService): Record<string, number> {
  const out: Record<string, number> = {};
  for (const t of svc.tasks) {
    if (t.desiredStatus !== "RUNNING") continue;
    const p = t.capacityProviderName ?? "?";
    out[p] = (out[p] ?? 0) + 1;
  }
  return out;
}

const WORKSHOP: Item[] = [
  { capacityProvider: "FARGATE", base: 1, weight: 1 },
  { capacityProvider: "FARGATE_SPOT", weight: 3 },
];

describe("Fargate capacity provider strategy: which provider each task goes to", () => {
  // The documented base/weight semantics (API_CapacityProviderStrategyItem), on the FARGATE base 1 weight 1 /
  // FARGATE_SPOT weight 3 totals observed in a public ECS workshop lab (test/models/ec2/strategy.test.ts).
  it.each([
    [1, { FARGATE: 1 }],
    [2, { FARGATE: 1, FARGATE_SPOT: 1 }],
    [4, { FARGATE: 1, FARGATE_SPOT: 3 }],
    [10, { FARGATE: 2, FARGATE_SPOT: 8 }],
    [12, { FARGATE: 3, FARGATE_SPOT: 9 }],
  ])("scale out to %i tasks → %j", (n, want) => {
    const { sim, svc } = setup(WORKSHOP);
    svc.setDesiredCount(n);
    sim.run(60_000);
    expect(byProvider(svc)).toEqual(want);
  });

  it("initial (warm-started) tasks follow the strategy too", () => {
    const { svc } = setup(WORKSHOP, { desired: 4 });
    svc.warmStart(0);
    expect(byProvider(svc)).toEqual({ FARGATE: 1, FARGATE_SPOT: 3 });
  });

  it("every task event names its capacity provider: the initial tasks' and every PROVISIONING event too", () => {
    // The task state change event carries capacityProviderName (ecs_task_events.html example);
    // docs/fargate-capacity-providers.md promises it on every event.
    const { sim, svc } = setup(WORKSHOP, { desired: 4 });
    const log = new TaskEventLog({ group: "service:p", launchType: "FARGATE", cpu: 1024, memory: 2048 });
    svc.observers.push(log);
    svc.warmStart(0);
    svc.setDesiredCount(8);
    sim.run(10 * 60_000);
    const provisioning = log.records.filter((r) => r.lastStatus === "PROVISIONING");
    expect(provisioning.length).toBe(4);
    expect(log.records.filter((r) => r.t === 0 && r.lastStatus === "RUNNING").length).toBe(4);
    const unnamed = log.records.filter((r) => r.capacityProviderName === undefined);
    expect(unnamed).toEqual([]);
  });

  it("scale-in gives up tasks from the over-represented provider and keeps the base: 12 → 4 → 1", () => {
    const { sim, svc } = setup(WORKSHOP);
    svc.setDesiredCount(12);
    sim.run(5 * 60_000);
    svc.setDesiredCount(4);
    expect(byProvider(svc)).toEqual({ FARGATE: 1, FARGATE_SPOT: 3 });
    svc.setDesiredCount(1);
    expect(byProvider(svc)).toEqual({ FARGATE: 1 });
  });

  it("property: after any sequence of desired counts, the split is what placing that many tasks from zero gives", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 1, maxLength: 8 }), (counts) => {
        const { sim, svc } = setup(WORKSHOP);
        for (const n of counts) {
          svc.setDesiredCount(n);
          sim.run(sim.now + 10 * 60_000);
        }
        const want = setup(WORKSHOP);
        want.svc.setDesiredCount(counts[counts.length - 1]);
        expect(byProvider(svc)).toEqual(byProvider(want.svc));
      }),
      { numRuns: 40 },
    );
  });
});

describe("Fargate Spot interruptions", () => {
  it("two-minute notice (TerminationNotice, documented reason), replacement launched on Spot at once, stopped by the deadline", () => {
    const { sim, svc, changes, launcher } = setup(
      [
        { capacityProvider: "FARGATE", weight: 1 },
        { capacityProvider: "FARGATE_SPOT", weight: 1 },
      ],
      // The 300-s deregistration delay would outlast the 2-minute notice.
      { frequency: 0.99, desired: 4 },
    );
    svc.warmStart(0);
    sim.run(24 * HOUR);
    const notices = changes.filter((c) => c.desired === "STOPPED" && c.task.stopCode === "TerminationNotice");
    const interrupted = [...new Set(notices.map((c) => c.task))];
    expect(interrupted.length).toBeGreaterThan(0);
    expect(notices.some((c) => c.status === "DEACTIVATING")).toBe(true);
    for (const task of interrupted) {
      expect(task.capacityProviderName).toBe("FARGATE_SPOT");
      expect(task.stoppedReason).toBe(SPOT_STOPPED_REASON);
      const notice = notices.find((c) => c.task === task);
      const noticeAt = notice?.t ?? -1;
      if (notice?.status === "DEACTIVATING") {
        // In service: draining (the 300-s deregistration delay) and SIGTERM (30 s) are cut short so the task is
        // STOPPED when the notice runs out.
        expect(task.stoppedAt).toBe(noticeAt + SPOT_NOTICE_MS);
      } else {
        // Not yet in service: SIGTERM at the notice, stopped after the stop timeout (30 s), within the notice.
        expect(task.stoppedAt).toBe(noticeAt + 30_000);
      }
      // The replacement is created at the notice, on FARGATE_SPOT, never on FARGATE.
      const created = changes.filter((c) => c.t === noticeAt && c.status === "PROVISIONING");
      expect(created.length).toBe(1);
      expect(created[0].task.capacityProviderName).toBe("FARGATE_SPOT");
    }
    // The service never drops below its desired count of active tasks, and the split is restored.
    expect(byProvider(svc)).toEqual({ FARGATE: 2, FARGATE_SPOT: 2 });
    const d = launcher.details().capacityProviders as Record<string, { interruptions?: number }>;
    expect(d.FARGATE_SPOT.interruptions).toBe(interrupted.length);
  });

  it("the rate matches the constant hazard: share interrupted per month ≈ the configured frequency", () => {
    // 200 Spot tasks for 30 days (720 h) at 20 %/month: −ln(0.8) × 200 ≈ 44.6 expected interruptions.
    const { sim, svc, launcher } = setup([{ capacityProvider: "FARGATE_SPOT", weight: 1 }], {
      frequency: 0.2,
      desired: 200,
      minutes: 30 * 24 * 60,
    });
    svc.warmStart(0);
    sim.run(730 * HOUR);
    const n = (launcher.details().capacityProviders as Record<string, { interruptions: number }>).FARGATE_SPOT
      .interruptions;
    const mean = -Math.log(0.8) * 200;
    expect(Math.abs(n - mean)).toBeLessThan(4 * Math.sqrt(mean));
  });

  it("FARGATE tasks are never interrupted; frequency 0 interrupts nothing", () => {
    const { sim, svc, changes } = setup(
      [
        { capacityProvider: "FARGATE", weight: 1 },
        { capacityProvider: "FARGATE_SPOT", weight: 1 },
      ],
      { frequency: 0, desired: 10 },
    );
    svc.warmStart(0);
    sim.run(48 * HOUR);
    expect(changes.some((c) => c.task.stopCode === "TerminationNotice")).toBe(false);
    const onDemand = setup([{ capacityProvider: "FARGATE", weight: 1 }], { frequency: 0.99, desired: 10 });
    onDemand.svc.warmStart(0);
    onDemand.sim.run(48 * HOUR);
    expect(onDemand.changes.some((c) => c.task.stopCode === "TerminationNotice")).toBe(false);
  });

  it("same seed, same interruptions; another seed, other times", () => {
    const times = (seed: number) => {
      const { sim, svc, changes } = setup([{ capacityProvider: "FARGATE_SPOT", weight: 1 }], {
        frequency: 0.9,
        desired: 20,
        seed,
      });
      svc.warmStart(0);
      sim.run(72 * HOUR);
      return changes
        .filter((c) => c.task.stopCode === "TerminationNotice" && c.status === "STOPPED")
        .map((c) => c.t);
    };
    expect(times(3)).toEqual(times(3));
    expect(times(3)).not.toEqual(times(4));
  });
});

describe("Fargate Spot billing", () => {
  it("per second with the one-minute minimum, Spot at (1 − discount) of the same task on FARGATE", () => {
    const od = fargateCharge(SIZE, RATES, constantFactor(1), 0, 90_000);
    expect(od.seconds).toBe(90);
    expect(od.vcpuUsd).toBeCloseTo((90 * 0.04048) / 3600, 12);
    expect(od.memoryUsd).toBeCloseTo((90 * 2 * 0.004445) / 3600, 12);
    const spot = fargateCharge(SIZE, RATES, constantFactor(0.3), 0, 90_000);
    expect(spot.vcpuUsd + spot.memoryUsd).toBeCloseTo(0.3 * (od.vcpuUsd + od.memoryUsd), 12);
    // 30.2 s run: 60 s billed, the 29.8 s of minimum priced at the Spot rate.
    const short = fargateCharge(SIZE, RATES, constantFactor(0.3), 0, 30_200);
    expect(short.seconds).toBe(60);
    expect(short.vcpuUsd + short.memoryUsd).toBeCloseTo((0.3 * 60 * PER_HOUR) / 3600, 12);
    expect(short.usedUsd + short.minimumUsd).toBeCloseTo(short.vcpuUsd + short.memoryUsd, 12);
  });

  it("a price series is integrated over the task's life", () => {
    const series = { at: [0, HOUR, 2 * HOUR], factor: [0.3, 0.5, 0.3] };
    const c = fargateCharge(SIZE, RATES, series, 0.5 * HOUR, 2.5 * HOUR);
    // ½ h at 0.3, 1 h at 0.5, ½ h at 0.3.
    expect(c.vcpuUsd + c.memoryUsd).toBeCloseTo(PER_HOUR * (0.15 + 0.5 + 0.15), 12);
  });

  it("end to end: with no interruptions, all-Spot costs exactly (1 − discount) × all-FARGATE; meters per provider", () => {
    const run = (strategy: Item[]) => {
      const s = setup(strategy, { desired: 3 });
      s.svc.warmStart(0);
      for (const [t, n] of [
        [HOUR, 8],
        [3 * HOUR, 5],
        [5 * HOUR, 2],
      ] as const)
        s.sim.at(t, () => s.svc.setDesiredCount(n));
      s.sim.run(8 * HOUR);
      s.launcher.finish(s.svc.tasks, 8 * HOUR);
      return s;
    };
    const od = run([{ capacityProvider: "FARGATE", weight: 1 }]);
    const spot = run([{ capacityProvider: "FARGATE_SPOT", weight: 1 }]);
    expect(od.launcher.billedTaskSeconds).toBe(spot.launcher.billedTaskSeconds);
    expect(spot.ledger.totalUsd()).toBeCloseTo(0.3 * od.ledger.totalUsd(), 10);
    expect(od.ledger.meterList().map((m) => m.name)).toEqual(["fargate.memory", "fargate.vcpu"]);
    expect(spot.ledger.meterList().map((m) => m.name)).toEqual(["fargateSpot.memory", "fargateSpot.vcpu"]);
    // The per-minute series adds up to the meters.
    const perMinute = spot.ledger.perMinute().reduce((a, b) => a + b, 0);
    expect(perMinute).toBeCloseTo(spot.ledger.totalUsd(), 10);

    const mixed = run(WORKSHOP);
    const m = Object.fromEntries(mixed.ledger.meterList().map((x) => [x.name, x]));
    const d = mixed.launcher.details().capacityProviders as Record<
      string,
      { usd: number; billedTaskHours: number }
    >;
    expect(m["fargate.vcpu"].usd + m["fargate.memory"].usd).toBeCloseTo(d.FARGATE.usd, 10);
    expect(m["fargateSpot.vcpu"].usd + m["fargateSpot.memory"].usd).toBeCloseTo(d.FARGATE_SPOT.usd, 10);
    // Spot task-hours cost 30 % of FARGATE task-hours (no minimum is hit: every task lives > 1 min).
    expect(d.FARGATE_SPOT.usd / d.FARGATE_SPOT.billedTaskHours).toBeCloseTo(
      0.3 * (d.FARGATE.usd / d.FARGATE.billedTaskHours),
      10,
    );
  });
});
