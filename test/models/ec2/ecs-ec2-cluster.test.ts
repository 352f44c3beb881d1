import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { resolveAssumptions } from "../../../src/assumptions.js";
import { Simulation } from "../../../src/engine/sim.js";
import { CostLedger } from "../../../src/models/billing/ledger.js";
import { EcsService } from "../../../src/models/ecs/service.js";
import type { Task } from "../../../src/models/ecs/task.js";
import { buildEcsEc2Capacity } from "../../../src/wiring/platforms/ecs-ec2.js";
import { Ec2Platform } from "../../../src/scenario/platforms/ecs-ec2.js";
import { cluster, fixedLaunch, MIN } from "../../helpers/ecs-ec2-cluster.js";

describe("scale-out from zero instances (end to end)", () => {
  const platform = {
    kind: "ecs-ec2",
    task: { cpu: 1024, memory: 2048 },
    service: { desiredCount: 0, minCapacity: 0, maxCapacity: 20 },
    capacityProviders: [
      {
        name: "cp",
        autoScalingGroup: {
          instanceTypes: ["m6i.large"],
          minSize: 0,
          maxSize: 10,
          desiredCapacity: 0,
          ...fixedLaunch,
        },
        managedTerminationProtection: "ENABLED",
      },
    ],
  };

  it("five tasks: CPR 200 → two instances, then the warm-up holds the next step until 300 s after launch", () => {
    const { sim, decisions, cap, service } = cluster(platform);
    sim.at(1, () => service.setDesiredCount(5));
    sim.run(30 * MIN);
    const cas = decisions.filter((d) => d.controller === "clusterAutoScaling" && d.action !== "hold");
    // The first datapoint (t = 60 s) is 200 %: from zero ECS asks for two instances.
    expect(cas[0]).toMatchObject({ t: 60, action: "scale-out", from: 0, to: 2 });
    expect(cap.cas.metric(0).datapoints[0]).toBe(200);
    // Registered at 60 + 20 + 60 = 140 s: four tasks run on two m6i.large (2 × 1024 CPU units each).
    const running = (t: number) =>
      service.tasks.filter((x) => x.startedAt !== undefined && x.startedAt <= t).length;
    expect(running(139_999)).toBe(0);
    expect(running(140_000)).toBe(4);
    // One task still waits; N = 2, M = 3 → CPR 150, but both instances are within instanceWarmupPeriod
    // (launched at 60 s) until 360 s: the next step happens at the 360 s datapoint.
    const holds = decisions.filter((d) => d.action === "hold");
    expect(holds[0].reason).toMatch(/blocked: 2 instance\(s\) within instanceWarmupPeriod 300s/);
    expect(cas[1]).toMatchObject({ t: 360, action: "scale-out", from: 2, to: 3 });
    expect(cap.cas.metric(0).datapoints[5]).toBe(150);
    // The fifth task starts when the third instance registers: 360 + 80 s.
    expect(Math.max(...service.tasks.map((x) => x.startedAt ?? Number.NaN))).toBe(440_000);
    expect(cap.report().checks?.every((c) => c.ok)).toBe(true);
  });

  it("scales back in after 15 datapoints below target, terminating only empty instances", () => {
    // binpack on memory: scale-in stops tasks on the emptiest instance, so one instance empties.
    const { sim, decisions, cap, service } = cluster({
      ...platform,
      placementStrategy: [{ type: "binpack", field: "memory" }],
    });
    sim.at(1, () => service.setDesiredCount(4));
    sim.at(20 * MIN, () => service.setDesiredCount(2));
    sim.run(60 * MIN);
    const ins = decisions.filter((d) => d.controller === "clusterAutoScaling" && d.action === "scale-in");
    expect(ins.length).toBeGreaterThan(0);
    // Two tasks stop at 20 min (before that minute's datapoint, which already counts one empty instance):
    // the 15 datapoints from 20 min to 34 min are 99 < 100 → AlarmLow at 34 min, one empty instance removed.
    expect(ins[0]).toMatchObject({ t: 34 * 60, from: 2, to: 1 });
    expect(ins[0].reason).toMatch(/CPR 99 < 100 for 15 datapoints/);
    expect(cap.asgs[0].inService).toBe(1);
    for (const t of service.tasks.filter((x) => x.desiredStatus === "RUNNING"))
      expect(cap.launcher.placementOf(t.id)?.state).toBe("registered");
  });
});

describe("property: no task ever runs on an instance without the CPU, memory and ENIs for it", () => {
  it("holds for random service scaling, instance mixes, network modes and placement strategies", () => {
    const RUNS = 60;
    const MIN_EXERCISED = 30;
    let exercised = 0;
    let rejected = 0;
    fc.assert(
      fc.property(
        fc.record({
          seed: fc.integer({ min: 1, max: 10_000 }),
          cpu: fc.constantFrom(256, 512, 1024, 2048),
          memory: fc.constantFrom(512, 1024, 2048, 3072),
          networkMode: fc.constantFrom("bridge", "awsvpc"),
          types: fc.subarray(["c5.large", "m6i.large", "m5.xlarge", "t3.medium", "r5.large"], {
            minLength: 1,
          }),
          strategy: fc.constantFrom(
            [{ type: "binpack", field: "memory" }],
            [{ type: "binpack", field: "cpu" }],
            [
              { type: "spread", field: "attribute:ecs.availability-zone" },
              { type: "binpack", field: "memory" },
            ],
            [{ type: "spread", field: "instanceId" }],
            [{ type: "random" }],
          ),
          distinct: fc.boolean(),
          daemon: fc.boolean(),
          spot: fc.boolean(),
          steps: fc.array(fc.integer({ min: 0, max: 25 }), { minLength: 1, maxLength: 6 }),
        }),
        (c) => {
          const platform = {
            kind: "ecs-ec2",
            task: { cpu: c.cpu, memory: c.memory, networkMode: c.networkMode },
            service: { desiredCount: 1, minCapacity: 0, maxCapacity: 30 },
            capacityProviders: [
              {
                name: "cp",
                autoScalingGroup: {
                  instanceTypes: c.types,
                  minSize: 0,
                  maxSize: 15,
                  desiredCapacity: 1,
                  ...(c.spot
                    ? {
                        instancesDistribution: { onDemandPercentageAboveBaseCapacity: 0 },
                        spot: { interruptionFrequency: 0.999 },
                      }
                    : {}),
                },
              },
            ],
            placementStrategy: c.strategy,
            placementConstraints: c.distinct ? [{ type: "distinctInstance" }] : [],
            daemons: c.daemon ? [{ name: "agent", cpu: 128, memory: 256 }] : [],
          };
          const parsed = Ec2Platform.safeParse(platform);
          if (!parsed.success) {
            rejected++;
            return; // the task does not fit one of the chosen types: rejected as input
          }
          exercised++;
          const { sim, cap, service } = cluster(platform, { seed: c.seed, minutes: 200 });
          // Independent check at every transition to RUNNING: what is bound to that instance fits it.
          const awsvpc = c.networkMode === "awsvpc";
          let checked = 0;
          service.observers.push({
            taskChanged: (t: Task) => {
              if (t.status !== "RUNNING") return;
              const where = cap.launcher.placementOf(t.id);
              expect(where).toBeDefined();
              if (!where) return;
              checked++;
              expect(where.state).toBe("registered");
              const daemonCpu = c.daemon ? 128 : 0;
              const daemonMem = c.daemon ? 256 : 0;
              expect(where.tasks * c.cpu + daemonCpu).toBeLessThanOrEqual(where.cap.cpu);
              expect(where.tasks * c.memory + daemonMem).toBeLessThanOrEqual(where.cap.memoryMiB);
              if (awsvpc) expect(where.tasks).toBeLessThanOrEqual(where.cap.enis);
              expect(where.cpuUsed).toBe(where.tasks * c.cpu + daemonCpu);
            },
          });
          sim.at(1, () => service.setDesiredCount(8));
          c.steps.forEach((n, i) => {
            sim.at((i + 1) * 20 * MIN, () => service.setDesiredCount(n));
          });
          sim.run(180 * MIN);
          for (const check of cap.report().checks ?? [])
            expect(check, check.detail).toMatchObject({ ok: true });
          expect(checked).toBeGreaterThan(0);
        },
      ),
      { numRuns: RUNS },
    );
    // Cases the schema rejects pass without checking anything: count the ones really simulated, so a
    // generator (or a schema) that rejects everything cannot make this property pass vacuously.
    expect(exercised + rejected).toBe(RUNS);
    expect(exercised, `${exercised} of ${RUNS} cases simulated, ${rejected} rejected`).toBeGreaterThanOrEqual(
      MIN_EXERCISED,
    );
  });
});

describe("a scaled-in task keeps its instance busy for the whole deregistration delay", () => {
  // The task stays DEACTIVATING (running) until the target group's 300-s delay has elapsed, and ECS stops it
  // only then (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/load-balancer-connection-draining.html):
  // until it has stopped its instance is not empty, for the CapacityProviderReservation metric too.
  it("two tasks on one m6i.large scaled to 0 at 10:00: the instance is not empty before 15:00", () => {
    const p = Ec2Platform.parse({
      kind: "ecs-ec2",
      task: { cpu: 1024, memory: 2048 },
      service: { desiredCount: 2, minCapacity: 0, maxCapacity: 20 },
      capacityProviders: [
        {
          name: "cp",
          autoScalingGroup: {
            instanceTypes: ["m6i.large"],
            minSize: 0,
            maxSize: 10,
            desiredCapacity: 1,
            ...fixedLaunch,
          },
          managedTerminationProtection: "ENABLED",
        },
      ],
    });
    const sim = new Simulation(1);
    const cap = buildEcsEc2Capacity(
      {
        name: "svc",
        platform: p,
        region: "us-east-1",
        assumptions: resolveAssumptions({ "ecsEc2.taskStartTime": 0 }),
      },
      { sim, ledger: new CostLedger(60), log: () => {} },
    );
    const service = new EcsService(sim, cap.launcher, {
      name: "svc",
      desiredCount: 2,
      targetGroup: { healthCheckInterval: 30_000, healthyThreshold: 5, deregistrationDelay: 300_000 },
      stopDuration: 2_000,
      scaleInSelection: "newest",
      launchesPerMinute: 250,
    });
    service.warmStart(0);
    sim.at(10 * MIN, () => service.setDesiredCount(0));
    sim.run(20 * MIN);
    const stopped = service.tasks.length;
    const cpr = cap.cas.metric(0).datapoints;
    // Datapoints of minutes 10..14 (published at 11:00..15:00): both tasks still hold the instance.
    expect(cpr.slice(10, 15)).toEqual([100, 100, 100, 100, 100]);
    // They stop at 10:00 + 300 s + 2 s; from then on the instance is empty.
    expect(stopped).toBe(0);
    expect(cpr[16]).toBeLessThan(100);
  });
});
