import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type InstanceCapacity,
  type TaskRequirements,
  capacityEnvelope,
  capacityOf,
  capacityProviderReservation,
  CAS_SCALE_IN_FORMULA_DEFAULT,
  desiredInstances,
  effectiveScaleInFormula,
  groupByRequirements,
  scaleInDesired,
  scalingStep,
  tasksPerInstance,
} from "../../../src/models/ec2/capacity-provider-reservation.js";

// Source of the cases: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/cluster-auto-scaling.html
// and the worked examples W6 / W7 of aws-semantics.md.

const m5large = capacityOf("m5.large"); // 2048 CPU units, 8192 MiB, 2 awsvpc tasks
const half: TaskRequirements = { cpu: 1024, memoryMiB: 4096, awsvpc: false }; // two per m5.large

describe("W6: targetCapacity 100, N = 2, the service doubles (M = 4)", () => {
  it("scale-out: CPR 200, the ASG goes to 4", () => {
    // Two full instances; four more tasks PROVISIONING need two more m5.large.
    const r = capacityProviderReservation({
      runningInstances: 2,
      emptyInstances: 0,
      provisioning: [{ requirements: half, count: 4 }],
      smallest: m5large,
      largest: m5large,
    });
    expect(r).toMatchObject({ cpr: 200, instancesNeeded: 4, step: 2, reason: "scale-out" });
    expect(desiredInstances({ cpr: r.cpr, runningInstances: 2, targetCapacity: 100 })).toBe(4);
    // At N = 4 with every instance busy the metric is 100: steady.
    const steady = capacityProviderReservation({
      runningInstances: 4,
      emptyInstances: 0,
      provisioning: [],
      smallest: m5large,
      largest: m5large,
    });
    expect(steady.cpr).toBe(100);
    expect(desiredInstances({ cpr: steady.cpr, runningInstances: 4 })).toBe(4);
  });

  it("then tasks halve (M = 2): with the workshop's ratio CPR 50, the ASG goes back to 2", () => {
    const r = capacityProviderReservation({
      runningInstances: 4,
      emptyInstances: 2,
      provisioning: [],
      smallest: m5large,
      largest: m5large,
      scaleInFormula: "ratio",
    });
    expect(r).toMatchObject({ cpr: 50, instancesNeeded: 2, reason: "steady-or-scale-in" });
    expect(desiredInstances({ cpr: r.cpr, runningInstances: 4, targetCapacity: 100 })).toBe(2);
    expect(
      scaleInDesired({ runningInstances: 4, emptyInstances: 2, cpr: r.cpr, scaleInFormula: "ratio" }),
    ).toBe(2);
  });

  it("then tasks halve: with the guide's 100 − empty (default) CPR 98, and one scale-in minute still reaches 2", () => {
    const r = capacityProviderReservation({
      runningInstances: 4,
      emptyInstances: 2,
      provisioning: [],
      smallest: m5large,
      largest: m5large,
    });
    expect(r.cpr).toBe(98);
    // Plain target tracking would keep ceil(4 × 0.98) = 4; the scale-in process sheds the empty instances,
    // at most half the group per minute.
    expect(desiredInstances({ cpr: r.cpr, runningInstances: 4 })).toBe(4);
    expect(scaleInDesired({ runningInstances: 4, emptyInstances: 2, cpr: r.cpr })).toBe(2);
  });
});

describe("W7: two container instances with only daemon tasks", () => {
  it("the default (the guide's scale-in formula) publishes 100 − 2 = 98", () => {
    const r = capacityProviderReservation({
      runningInstances: 10,
      emptyInstances: 2,
      provisioning: [],
      smallest: m5large,
      largest: m5large,
    });
    expect(CAS_SCALE_IN_FORMULA_DEFAULT).toBe("hundredMinusEmpty");
    expect(r.cpr).toBe(98);
    // Scale-in removes the two empty instances (≤ half of 10 per minute).
    expect(scaleInDesired({ runningInstances: 10, emptyInstances: 2, cpr: r.cpr })).toBe(8);
  });
  it("the scale-in minute removes at least one and at most half the group", () => {
    expect(scaleInDesired({ runningInstances: 10, emptyInstances: 9, cpr: 91 })).toBe(5);
    expect(scaleInDesired({ runningInstances: 1, emptyInstances: 1, cpr: 99 })).toBe(0);
    expect(scaleInDesired({ runningInstances: 3, emptyInstances: 3, cpr: 97, minSize: 2 })).toBe(2);
    expect(scaleInDesired({ runningInstances: 4, emptyInstances: 0, cpr: 100 })).toBe(4);
  });
  it("below targetCapacity 100 the ratio applies, keeping the free share the target asks for", () => {
    expect(effectiveScaleInFormula("hundredMinusEmpty", 90)).toBe("ratio");
    const r = capacityProviderReservation({
      runningInstances: 10,
      emptyInstances: 2,
      provisioning: [],
      smallest: m5large,
      largest: m5large,
      targetCapacity: 90,
    });
    expect(r.cpr).toBe(80);
    // ceil(10 × 80 / 90) = 9: one instance of nine stays free (≥ 10 %).
    expect(scaleInDesired({ runningInstances: 10, emptyInstances: 2, cpr: r.cpr, targetCapacity: 90 })).toBe(
      9,
    );
  });
  it("the ratio formula gives (10 − 2) / 10 = 80", () => {
    const r = capacityProviderReservation({
      runningInstances: 10,
      emptyInstances: 2,
      provisioning: [],
      smallest: m5large,
      largest: m5large,
      scaleInFormula: "ratio",
    });
    expect(r.cpr).toBe(80);
    expect(desiredInstances({ cpr: r.cpr, runningInstances: 10 })).toBe(8);
  });
});

describe("documented edge cases", () => {
  it.each([
    ["M = N = 0 → 100", 0, 0, 100, "empty-cluster"],
    ["M > 0, N = 0 → 200", 0, 3, 200, "scale-out-from-zero"],
  ] as const)("%s", (_label, n, tasks, cpr, reason) => {
    const r = capacityProviderReservation({
      runningInstances: n,
      emptyInstances: 0,
      provisioning: tasks > 0 ? [{ requirements: half, count: tasks }] : [],
      smallest: m5large,
      largest: m5large,
    });
    expect(r.cpr).toBe(cpr);
    expect(r.reason).toBe(reason);
  });

  it("from zero instances ECS scales out to two instances (200%)", () => {
    expect(desiredInstances({ cpr: 200, runningInstances: 0 })).toBe(2);
    expect(desiredInstances({ cpr: 100, runningInstances: 0 })).toBe(0);
  });

  it("tasks too big for the smallest type are excluded; if none fit, CPR stays 100", () => {
    const { smallest, largest } = capacityEnvelope([capacityOf("t3.medium"), capacityOf("m5.4xlarge")]);
    const big: TaskRequirements = { cpu: 1024, memoryMiB: 8192, awsvpc: false }; // > t3.medium's 4096 MiB
    const r = capacityProviderReservation({
      runningInstances: 3,
      emptyInstances: 0,
      provisioning: [{ requirements: big, count: 5 }],
      smallest,
      largest,
    });
    expect(r).toMatchObject({ cpr: 100, incompatibleTasks: 5, reason: "no-compatible-tasks" });
    // With one compatible group the incompatible one is just left out.
    const ok = capacityProviderReservation({
      runningInstances: 3,
      emptyInstances: 0,
      provisioning: [
        { requirements: big, count: 5 },
        { requirements: half, count: 4 },
      ],
      smallest,
      largest,
    });
    // m5.4xlarge: 16384 CPU units / 1024 = 16, 65536 MiB / 4096 = 16 → one instance for four tasks.
    expect(ok).toMatchObject({ computedCount: 1, step: 1, incompatibleTasks: 5 });
    expect(ok.cpr).toBeCloseTo((4 / 3) * 100, 10);
  });

  it("the step honours minimumScalingStepSize and maximumScalingStepSize", () => {
    expect(scalingStep(1, 3, 10)).toBe(3);
    expect(scalingStep(5, 1, 2)).toBe(2);
    expect(scalingStep(4, 1, 10_000)).toBe(4);
    expect(scalingStep(0, 3, 10)).toBe(0);
    const r = capacityProviderReservation({
      runningInstances: 4,
      emptyInstances: 0,
      provisioning: [{ requirements: half, count: 20 }],
      smallest: m5large,
      largest: m5large,
      maximumScalingStepSize: 2,
    });
    expect(r).toMatchObject({ computedCount: 10, step: 2, instancesNeeded: 6 });
    expect(r.cpr).toBe(150);
  });
});

describe("binpack of a task group onto one instance type", () => {
  it("counts CPU, memory, ENIs (awsvpc), GPUs and host ports", () => {
    expect(tasksPerInstance({ cpu: 256, memoryMiB: 512, awsvpc: false }, m5large)).toBe(8);
    // c5.large: 3 ENIs → 2 awsvpc tasks even though CPU would allow 8.
    expect(tasksPerInstance({ cpu: 256, memoryMiB: 256, awsvpc: true }, capacityOf("c5.large"))).toBe(2);
    expect(
      tasksPerInstance(
        { cpu: 256, memoryMiB: 256, awsvpc: true },
        capacityOf("c5.large", { trunking: true }),
      ),
    ).toBe(8);
    expect(tasksPerInstance({ cpu: 256, memoryMiB: 256, awsvpc: false, hostPorts: [80] }, m5large)).toBe(1);
    expect(tasksPerInstance({ cpu: 256, memoryMiB: 256, awsvpc: false, gpu: 1 }, m5large)).toBe(0);
  });

  it("five awsvpc tasks on c5.large need three instances", () => {
    const c5 = capacityOf("c5.large");
    const r = capacityProviderReservation({
      runningInstances: 1,
      emptyInstances: 0,
      provisioning: groupByRequirements(
        Array.from({ length: 5 }, () => ({ cpu: 256, memoryMiB: 256, awsvpc: true })),
      ),
      smallest: c5,
      largest: c5,
    });
    expect(r).toMatchObject({ computedCount: 3, instancesNeeded: 4, cpr: 400 });
  });

  it("groups tasks by identical requirements, host-port order ignored", () => {
    const g = groupByRequirements([
      { cpu: 256, memoryMiB: 512, awsvpc: true, hostPorts: [80, 443] },
      { cpu: 256, memoryMiB: 512, awsvpc: true, hostPorts: [443, 80] },
      { cpu: 256, memoryMiB: 512, awsvpc: false },
    ]);
    expect(g.map((x) => x.count)).toEqual([2, 1]);
  });

  it("groups add up by default and take the largest with groupCombine 'max'", () => {
    const a: TaskRequirements = { cpu: 2048, memoryMiB: 1024, awsvpc: false };
    const b: TaskRequirements = { cpu: 256, memoryMiB: 8192, awsvpc: false };
    const base = { runningInstances: 2, emptyInstances: 0, smallest: m5large, largest: m5large };
    const provisioning = [
      { requirements: a, count: 3 },
      { requirements: b, count: 2 },
    ];
    expect(capacityProviderReservation({ ...base, provisioning }).computedCount).toBe(5);
    expect(capacityProviderReservation({ ...base, provisioning, groupCombine: "max" }).computedCount).toBe(3);
  });
});

describe("properties", () => {
  const capArb: fc.Arbitrary<InstanceCapacity> = fc.record({
    cpu: fc.integer({ min: 1024, max: 65536 }),
    memoryMiB: fc.integer({ min: 1024, max: 262144 }),
    enis: fc.integer({ min: 1, max: 120 }),
    gpu: fc.integer({ min: 0, max: 8 }),
  });

  it("CPR ≥ targetCapacity (and > 100) whenever tasks wait that fit the smallest type", () => {
    fc.assert(
      fc.property(
        capArb,
        fc.integer({ min: 0, max: 50 }),
        fc.integer({ min: 1, max: 200 }),
        fc.integer({ min: 1, max: 100 }),
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: 10, max: 10000 }),
        (cap, n, count, target, minStep, maxStep) => {
          const req: TaskRequirements = {
            cpu: Math.max(1, cap.cpu >> 2),
            memoryMiB: Math.max(1, cap.memoryMiB >> 3),
            awsvpc: true,
          };
          const r = capacityProviderReservation({
            runningInstances: n,
            emptyInstances: 0,
            provisioning: [{ requirements: req, count }],
            smallest: cap,
            largest: cap,
            minimumScalingStepSize: minStep,
            maximumScalingStepSize: maxStep,
          });
          expect(r.cpr).toBeGreaterThan(100);
          expect(r.cpr).toBeGreaterThanOrEqual(target);
          expect(
            desiredInstances({ cpr: r.cpr, runningInstances: n, targetCapacity: target }),
          ).toBeGreaterThan(n);
        },
      ),
    );
  });

  it("with nothing waiting CPR ≤ 100 and the ASG never grows", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 500 }),
        fc.nat(),
        fc.constantFrom("ratio", "hundredMinusEmpty"),
        (n, e, formula) => {
          const empty = e % (n + 1);
          const r = capacityProviderReservation({
            runningInstances: n,
            emptyInstances: empty,
            provisioning: [],
            smallest: m5large,
            largest: m5large,
            scaleInFormula: formula as "ratio" | "hundredMinusEmpty",
          });
          expect(r.cpr).toBeLessThanOrEqual(100);
          expect(desiredInstances({ cpr: r.cpr, runningInstances: n })).toBeLessThanOrEqual(n);
          // The ratio formula never asks to remove an instance that runs a task.
          if (formula === "ratio")
            expect(desiredInstances({ cpr: r.cpr, runningInstances: n })).toBe(n - empty);
        },
      ),
    );
  });
});
