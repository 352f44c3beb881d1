import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InputError } from "../../../src/errors.js";
import {
  type StrategyItem,
  allocate,
  nextProvider,
  providerToScaleIn,
  validateStrategy,
} from "../../../src/models/ec2/strategy.js";

// https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CapacityProviderStrategyItem.html

describe("documented examples", () => {
  it("weight 1 for A and 4 for B: for every task on A, four on B", () => {
    const s: StrategyItem[] = [
      { capacityProvider: "A", weight: 1 },
      { capacityProvider: "B", weight: 4 },
    ];
    expect(allocate(s, 5)).toEqual([1, 4]);
    expect(allocate(s, 10)).toEqual([2, 8]);
    expect(allocate(s, 100)).toEqual([20, 80]);
  });

  it("both weight 1: once the base is satisfied, tasks split evenly", () => {
    const s: StrategyItem[] = [
      { capacityProvider: "A", base: 2, weight: 1 },
      { capacityProvider: "B", weight: 1 },
    ];
    expect(allocate(s, 2)).toEqual([2, 0]);
    expect(allocate(s, 4)).toEqual([2, 2]);
    expect(allocate(s, 10)).toEqual([5, 5]);
  });

  // Totals observed in a public ECS workshop lab (FARGATE base 1 weight 1, FARGATE_SPOT weight 3).
  it.each([
    [1, [1, 0]],
    [2, [1, 1]],
    [4, [1, 3]],
    [10, [2, 8]],
    [12, [3, 9]],
  ])("base 1 / weights 1:3, %i tasks → %j", (total, want) => {
    const s: StrategyItem[] = [
      { capacityProvider: "FARGATE", base: 1, weight: 1 },
      { capacityProvider: "FARGATE_SPOT", weight: 3 },
    ];
    expect(allocate(s, total)).toEqual(want);
  });

  it("a base larger than the service keeps every task on its provider", () => {
    const s: StrategyItem[] = [
      { capacityProvider: "OD", base: 5, weight: 0 },
      { capacityProvider: "SPOT", weight: 1 },
    ];
    expect(allocate(s, 3)).toEqual([3, 0]);
    expect(allocate(s, 8)).toEqual([5, 3]);
  });

  it("weight 0 receives no tasks after the base", () => {
    const s: StrategyItem[] = [
      { capacityProvider: "A", weight: 0 },
      { capacityProvider: "B", weight: 2 },
      { capacityProvider: "C", weight: 1 },
    ];
    expect(allocate(s, 9)).toEqual([0, 6, 3]);
  });

  it("a single provider takes every task even with weight 0", () => {
    expect(allocate([{ capacityProvider: "A" }], 4)).toEqual([4]);
  });
});

describe("validation", () => {
  it.each([
    [
      [
        { capacityProvider: "A", weight: 0 },
        { capacityProvider: "B", weight: 0 },
      ],
      /weight greater than 0/,
    ],
    [
      [
        { capacityProvider: "A", base: 1, weight: 1 },
        { capacityProvider: "B", base: 1, weight: 1 },
      ],
      /only one/,
    ],
    [[{ capacityProvider: "A", weight: 1001 }], /0 to 1,000/],
    [[{ capacityProvider: "A", base: 100_001, weight: 1 }], /0 to 100,000/],
    [
      [
        { capacityProvider: "A", weight: 1 },
        { capacityProvider: "A", weight: 1 },
      ],
      /twice/,
    ],
    [[], /at least one/],
  ] as [StrategyItem[], RegExp][])("rejects %j", (items, msg) => {
    expect(() => validateStrategy(items)).toThrow(InputError);
    expect(() => validateStrategy(items)).toThrow(msg);
  });

  it("accepts up to 20 providers, not 21", () => {
    const mk = (n: number) => Array.from({ length: n }, (_, i) => ({ capacityProvider: `p${i}`, weight: 1 }));
    expect(() => validateStrategy(mk(20))).not.toThrow();
    expect(() => validateStrategy(mk(21))).toThrow(/at most 20/);
  });

  it("nextProvider refuses an all-zero multi-provider strategy", () => {
    expect(() => nextProvider([{ capacityProvider: "A" }, { capacityProvider: "B" }], [0, 0])).toThrow(
      InputError,
    );
  });
});

describe("scale-in", () => {
  it("takes from the over-represented provider and never below the base while others have tasks", () => {
    const s: StrategyItem[] = [
      { capacityProvider: "OD", base: 2, weight: 1 },
      { capacityProvider: "SPOT", weight: 1 },
    ];
    expect(providerToScaleIn(s, [2, 5])).toBe(1);
    expect(providerToScaleIn(s, [2, 1])).toBe(1);
    expect(providerToScaleIn(s, [2, 0])).toBe(0);
    expect(providerToScaleIn(s, [0, 0])).toBe(-1);
  });

  it("a provider with weight 0 gives up its tasks first", () => {
    const s: StrategyItem[] = [
      { capacityProvider: "OLD", weight: 0 },
      { capacityProvider: "NEW", weight: 1 },
    ];
    expect(providerToScaleIn(s, [1, 9])).toBe(0);
  });

  it("property: scaling in undoes scaling out (allocate(n) minus one task = allocate(n − 1))", () => {
    const itemArb = fc
      .array(fc.record({ base: fc.integer({ min: 0, max: 5 }), weight: fc.integer({ min: 0, max: 6 }) }), {
        minLength: 1,
        maxLength: 5,
      })
      .map((xs) =>
        xs.map((x, i) => ({ capacityProvider: `p${i}`, base: i === 0 ? x.base : 0, weight: x.weight })),
      )
      .filter((xs) => xs.length === 1 || xs.some((x) => x.weight > 0));
    fc.assert(
      fc.property(itemArb, fc.integer({ min: 1, max: 60 }), (items, n) => {
        const counts = allocate(items, n);
        expect(counts.reduce((a, b) => a + b, 0)).toBe(n);
        const i = providerToScaleIn(items, counts);
        counts[i]--;
        expect(counts).toEqual(allocate(items, n - 1));
      }),
    );
  });

  it("property: every provider gets at least its weighted share rounded down (lower quota)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 10 }), { minLength: 2, maxLength: 5 }),
        fc.integer({ min: 0, max: 200 }),
        (ws, n) => {
          const items = ws.map((w, i) => ({ capacityProvider: `p${i}`, weight: w }));
          const counts = allocate(items, n);
          const total = ws.reduce((a, b) => a + b, 0);
          for (let i = 0; i < counts.length; i++) {
            expect(counts[i]).toBeGreaterThanOrEqual(Math.floor((n * ws[i]) / total));
            // With two providers the split is within one task of the exact ratio.
            if (ws.length === 2) expect(Math.abs(counts[i] - (n * ws[i]) / total)).toBeLessThanOrEqual(1);
          }
        },
      ),
    );
  });
});
