import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stream } from "../../../src/engine/rng.js";
import { InputError } from "../../../src/errors.js";
import {
  type ContainerInstance,
  type PlacementTask,
  compileExpression,
  placeTask,
  selectTaskToStop,
  withTaskPlaced,
} from "../../../src/models/ec2/placement.js";

// Cases follow the examples of task-placement-strategies.html, task-placement-constraints.html and
// cluster-query-language.html (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/).

function inst(id: string, az: string, over: Partial<ContainerInstance> = {}): ContainerInstance {
  return {
    id,
    az,
    instanceType: "m5.large",
    cpuRegistered: 2048,
    memoryRegistered: 8192,
    cpuRemaining: 2048,
    memoryRemaining: 8192,
    enisFree: 2,
    serviceTasks: 0,
    ...over,
  };
}
const task: PlacementTask = { cpu: 256, memory: 512, awsvpc: true };
const first = { tieBreak: "first" as const };

describe("strategies", () => {
  it("binpack on memory picks the instance with the least available memory", () => {
    const xs = [
      inst("a", "1a", { memoryRemaining: 4096 }),
      inst("b", "1a", { memoryRemaining: 1024 }),
      inst("c", "1b", { memoryRemaining: 2048 }),
    ];
    expect(
      placeTask({ instances: xs, task, strategies: [{ type: "binpack", field: "memory" }], ...first }),
    ).toBe(1);
  });

  it("binpack on cpu ignores memory", () => {
    const xs = [
      inst("a", "1a", { cpuRemaining: 512, memoryRemaining: 8192 }),
      inst("b", "1a", { cpuRemaining: 2048, memoryRemaining: 1024 }),
    ];
    expect(
      placeTask({ instances: xs, task, strategies: [{ type: "binpack", field: "cpu" }], ...first }),
    ).toBe(0);
  });

  it("the default spreads a service over availability zones", () => {
    const xs = [
      inst("a", "1a", { serviceTasks: 2 }),
      inst("b", "1b", { serviceTasks: 1 }),
      inst("c", "1c", { serviceTasks: 0 }),
      inst("d", "1a"),
    ];
    expect(placeTask({ instances: xs, task, ...first })).toBe(2);
  });

  it("AZ counts include instances that cannot take the task", () => {
    // 1a holds 3 tasks on a full instance; the free 1a instance is still in the busiest zone.
    const xs = [
      inst("full", "1a", { serviceTasks: 3, cpuRemaining: 0 }),
      inst("free-a", "1a"),
      inst("b", "1b", { serviceTasks: 1 }),
    ];
    expect(placeTask({ instances: xs, task, ...first })).toBe(2);
  });

  it("spread on instanceId evens tasks per instance", () => {
    const xs = [
      inst("a", "1a", { serviceTasks: 2 }),
      inst("b", "1a", { serviceTasks: 1 }),
      inst("c", "1a", { serviceTasks: 2 }),
    ];
    expect(
      placeTask({ instances: xs, task, strategies: [{ type: "spread", field: "instanceId" }], ...first }),
    ).toBe(1);
  });

  it("AZ spread, then binpack on memory (the guide's combined example)", () => {
    const xs = [
      inst("a1", "1a", { serviceTasks: 1, memoryRemaining: 1024 }),
      inst("b1", "1b", { memoryRemaining: 6144 }),
      inst("b2", "1b", { memoryRemaining: 2048 }),
    ];
    const strategies = [
      { type: "spread", field: "attribute:ecs.availability-zone" },
      { type: "binpack", field: "memory" },
    ] as const;
    expect(placeTask({ instances: xs, task, strategies, ...first })).toBe(2);
  });

  it("random draws from the Uniform, so the same stream gives the same choice", () => {
    const xs = [inst("a", "1a"), inst("b", "1a"), inst("c", "1a"), inst("d", "1a")];
    const pick = (seed: number) => {
      const r = stream(seed, "placement");
      return placeTask({ instances: xs, task, strategies: [{ type: "random" }], uniform: () => r.next() });
    };
    expect(pick(7)).toBe(pick(7));
    const seen = new Set(Array.from({ length: 40 }, (_, s) => pick(s)));
    expect(seen.size).toBe(4);
  });
});

describe("filters and constraints", () => {
  it("no instance with enough CPU, memory or ENIs → null (-1): the task waits", () => {
    const xs = [
      inst("a", "1a", { cpuRemaining: 128 }),
      inst("b", "1a", { memoryRemaining: 256 }),
      inst("c", "1a", { enisFree: 0 }),
    ];
    expect(placeTask({ instances: xs, task })).toBe(-1);
    // A bridge-mode task needs no ENI.
    expect(placeTask({ instances: xs, task: { ...task, awsvpc: false }, ...first })).toBe(2);
  });

  it("daemon reservations, busy host ports and DRAINING instances exclude an instance", () => {
    const t: PlacementTask = { cpu: 256, memory: 512, awsvpc: false, hostPorts: [80] };
    const xs = [
      inst("daemon", "1a", { cpuRemaining: 512, daemonReservedCpu: 512 }),
      inst("port", "1a", { usedHostPorts: [80] }),
      inst("drain", "1a", { draining: true }),
      inst("ok", "1a", { usedHostPorts: [8080] }),
    ];
    expect(placeTask({ instances: xs, task: t, ...first })).toBe(3);
  });

  it("distinctInstance skips instances that already run a task of the service", () => {
    const xs = [inst("a", "1a", { serviceTasks: 1 }), inst("b", "1b", { serviceTasks: 1 })];
    expect(placeTask({ instances: xs, task, constraints: [{ type: "distinctInstance" }] })).toBe(-1);
    expect(
      placeTask({
        instances: [...xs, inst("c", "1a", { serviceTasks: 0 })],
        task,
        constraints: [{ type: "distinctInstance" }],
      }),
    ).toBe(2);
  });

  const fleet = [
    inst("a", "us-east-1a", { instanceType: "t2.small" }),
    inst("b", "us-east-1b", { instanceType: "m5.large" }),
    inst("c", "us-east-1c", { instanceType: "g2.2xlarge" }),
  ];
  it.each([
    ["attribute:ecs.instance-type == t2.small", ["a"]],
    ["attribute:ecs.instance-type != t2.small", ["b", "c"]],
    ["attribute:ecs.availability-zone in [us-east-1a, us-east-1b]", ["a", "b"]],
    ["attribute:ecs.availability-zone not_in [us-east-1a, us-east-1b]", ["c"]],
    ["attribute:ecs.instance-type =~ g2.*", ["c"]],
    ["attribute:ecs.instance-type == t2.* or attribute:ecs.availability-zone == us-east-1c", ["a", "c"]],
    [
      "attribute:ecs.instance-type in [m5.large, g2.2xlarge] and attribute:ecs.availability-zone != us-east-1c",
      ["b"],
    ],
    [
      "(attribute:ecs.instance-type == t2.small or attribute:ecs.instance-type == m5.large) and attribute:ecs.availability-zone == us-east-1b",
      ["b"],
    ],
  ])("memberOf(%s)", (expr, ids) => {
    const p = compileExpression(expr);
    expect(fleet.filter(p).map((x) => x.id)).toEqual(ids);
  });

  it("memberOf is binding: no match means the task waits", () => {
    const c = [{ type: "memberOf", expression: "attribute:ecs.availability-zone == us-east-1d" }] as const;
    expect(placeTask({ instances: fleet, task, constraints: c })).toBe(-1);
  });

  it.each([
    "attribute:ecs.os-type == linux",
    "attribute:ecs.instance-type t2.small",
    "attribute:ecs.availability-zone in [a, b",
    "(attribute:ecs.instance-type == t2.small",
  ])("unreadable expression %s is an InputError", (expr) => {
    expect(() => compileExpression(expr)).toThrow(InputError);
  });
});

describe("scale-in task selection", () => {
  it("binpack: stop the task on the instance with the most resources left after removal", () => {
    const xs = [
      inst("a", "1a", { serviceTasks: 1, memoryRemaining: 1024 }),
      inst("b", "1a", { serviceTasks: 2, memoryRemaining: 3072 }),
      inst("c", "1a"),
    ];
    expect(
      selectTaskToStop({ instances: xs, strategies: [{ type: "binpack", field: "memory" }], ...first }),
    ).toBe(1);
  });

  it("spread on AZ: stop in the AZ with the most tasks, keeping the zones balanced", () => {
    const xs = [
      inst("a1", "1a", { serviceTasks: 1 }),
      inst("a2", "1a", { serviceTasks: 1 }),
      inst("b1", "1b", { serviceTasks: 1 }),
      inst("c1", "1c", { serviceTasks: 1 }),
    ];
    expect(["a1", "a2"]).toContain(xs[selectTaskToStop({ instances: xs, ...first })].id);
  });

  it("within the AZ the task is chosen at random", () => {
    const xs = [
      inst("a1", "1a", { serviceTasks: 1 }),
      inst("a2", "1a", { serviceTasks: 1 }),
      inst("b1", "1b", { serviceTasks: 1 }),
    ];
    const r = stream(3, "scale-in");
    const seen = new Set(
      Array.from({ length: 30 }, () => selectTaskToStop({ instances: xs, uniform: () => r.next() })),
    );
    expect([...seen].sort()).toEqual([0, 1]);
  });

  it("-1 when the service has no task", () => {
    expect(selectTaskToStop({ instances: [inst("a", "1a")] })).toBe(-1);
  });
});

describe("property: placement never overcommits an instance", () => {
  const strategyArb = fc.constantFrom(
    [{ type: "binpack", field: "memory" }] as const,
    [{ type: "binpack", field: "cpu" }] as const,
    [{ type: "spread", field: "attribute:ecs.availability-zone" }] as const,
    [{ type: "spread", field: "instanceId" }] as const,
    [{ type: "random" }] as const,
  );
  it("placing tasks until none fits keeps CPU, memory and ENIs within capacity", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            cpu: fc.integer({ min: 512, max: 8192 }),
            mem: fc.integer({ min: 512, max: 32768 }),
            enis: fc.integer({ min: 0, max: 10 }),
            az: fc.constantFrom("1a", "1b", "1c"),
          }),
          { minLength: 1, maxLength: 8 },
        ),
        fc.record({
          cpu: fc.integer({ min: 128, max: 4096 }),
          memory: fc.integer({ min: 128, max: 16384 }),
          awsvpc: fc.boolean(),
        }),
        strategyArb,
        fc.integer(),
        (specs, t, strategies, seed) => {
          let xs: ContainerInstance[] = specs.map((s, i) =>
            inst(`i${i}`, s.az, {
              cpuRegistered: s.cpu,
              cpuRemaining: s.cpu,
              memoryRegistered: s.mem,
              memoryRemaining: s.mem,
              enisFree: s.enis,
            }),
          );
          const r = stream(seed, "prop");
          for (let k = 0; k < 1000; k++) {
            const i = placeTask({ instances: xs, task: t, strategies, uniform: () => r.next() });
            if (i < 0) break;
            xs = xs.map((x, j) => (j === i ? withTaskPlaced(x, t) : x));
          }
          specs.forEach((s, i) => {
            const x = xs[i];
            expect(x.cpuRemaining).toBeGreaterThanOrEqual(0);
            expect(x.memoryRemaining).toBeGreaterThanOrEqual(0);
            expect(x.enisFree).toBeGreaterThanOrEqual(0);
            expect(s.cpu - x.cpuRemaining).toBe(x.serviceTasks * t.cpu);
          });
          // Placement stopped only because nothing fits any more.
          expect(
            xs.some(
              (x) =>
                x.cpuRemaining >= t.cpu && x.memoryRemaining >= t.memory && (!t.awsvpc || x.enisFree > 0),
            ),
          ).toBe(false);
        },
      ),
    );
  });
});
