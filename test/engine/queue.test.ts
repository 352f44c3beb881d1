import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EventQueue } from "../../src/engine/queue.js";

describe("EventQueue", () => {
  it.each([
    {
      name: "time first",
      pushes: [
        [20, 0, "b"],
        [10, 5, "a"],
      ],
      order: "ab",
    },
    {
      name: "phase breaks time ties",
      pushes: [
        [10, 20, "c"],
        [10, 0, "a"],
        [10, 10, "b"],
      ],
      order: "abc",
    },
    {
      name: "insertion order breaks (time, phase) ties",
      pushes: [
        [5, 1, "a"],
        [5, 1, "b"],
        [5, 1, "c"],
        [1, 9, "z"],
      ],
      order: "zabc",
    },
  ] as const)("orders by $name", ({ pushes, order }) => {
    const q = new EventQueue<string>();
    for (const [t, ph, v] of pushes) q.push(t, ph, v);
    let got = "";
    for (let e = q.pop(); e; e = q.pop()) got += e.item;
    expect(got).toBe(order);
  });

  it("pops in lexicographic (time, phase, insertion) order for any input", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 3 })), {
          maxLength: 300,
        }),
        (evs) => {
          const q = new EventQueue<number>();
          evs.forEach(([t, ph], i) => {
            q.push(t, ph, i);
          });
          const expected = evs
            .map(([t, ph], i) => ({ t, ph, i }))
            .sort((a, b) => a.t - b.t || a.ph - b.ph || a.i - b.i)
            .map((e) => e.i);
          const got: number[] = [];
          for (let e = q.pop(); e; e = q.pop()) got.push(e.item);
          expect(got).toEqual(expected);
        },
      ),
    );
  });

  it("keeps order when pushes interleave with pops", () => {
    fc.assert(
      fc.property(
        fc.array(fc.option(fc.integer({ min: 0, max: 20 }), { nil: undefined }), { maxLength: 200 }),
        (ops) => {
          const q = new EventQueue<number>();
          let lastPopped = -1;
          let floor = 0;
          for (const op of ops) {
            if (op === undefined) {
              const e = q.pop();
              if (e) {
                expect(e.time).toBeGreaterThanOrEqual(lastPopped);
                lastPopped = e.time;
                floor = e.time;
              }
            } else {
              q.push(floor + op, 0, op);
            }
          }
        },
      ),
    );
  });
});
