import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EventHeap } from "../../src/engine/event-heap.js";

/** Pops everything, as (payload a) in pop order. */
function drain(h: EventHeap): number[] {
  const out: number[] = [];
  while (h.size > 0) {
    h.pop();
    out.push(h.poppedA);
  }
  return out;
}

describe("EventHeap ordering contract: (time, push number)", () => {
  it.each([
    {
      name: "earlier time first",
      pushes: [
        [20, 1],
        [10, 2],
      ],
      order: [2, 1],
    },
    {
      name: "sub-millisecond times are distinct",
      pushes: [
        [10.5, 1],
        [10.25, 2],
        [10, 3],
      ],
      order: [3, 2, 1],
    },
    {
      name: "equal times pop in push order",
      pushes: [
        [5, 1],
        [5, 2],
        [5, 3],
        [1, 9],
      ],
      order: [9, 1, 2, 3],
    },
    {
      name: "payloads never break ties (negative a: processor-sharing events)",
      pushes: [
        [7, -4],
        [7, 3],
        [7, -1],
        [7, 0],
      ],
      order: [-4, 3, -1, 0],
    },
    {
      name: "push order holds across a growth of the arrays (1,100 events at one time)",
      pushes: Array.from({ length: 1100 }, (_, i) => [42, 1099 - i]),
      order: Array.from({ length: 1100 }, (_, i) => 1099 - i),
    },
  ])("$name", ({ pushes, order }) => {
    const h = new EventHeap();
    for (const [t, a] of pushes) h.push(t, a, 0);
    expect(drain(h)).toEqual(order);
  });

  it("an event pushed at the current time after pops goes behind the pending ones at that time", () => {
    const h = new EventHeap();
    h.push(3, 1, 0);
    h.push(3, 2, 0);
    h.push(3, 3, 0);
    expect(h.pop()).toBe(3);
    expect(h.poppedA).toBe(1);
    h.push(3, 4, 0); // pushed last: pops after 2 and 3
    h.push(2.5, 5, 0); // earlier: pops first
    expect(drain(h)).toEqual([5, 2, 3, 4]);
  });

  it("returns both payloads and the time, and +Infinity as the next time when empty", () => {
    const h = new EventHeap();
    expect(h.peekTime()).toBe(Number.POSITIVE_INFINITY);
    h.push(1.5, -7, 11);
    expect(h.peekTime()).toBe(1.5);
    expect(h.pop()).toBe(1.5);
    expect([h.poppedA, h.poppedB, h.size]).toEqual([-7, 11, 0]);
  });

  it("pop order is the sort of all pushed events by (time, push number), pushes and pops interleaved", () => {
    // Times from a small set so that most cases hold ties, which is what the contract is about.
    const op = fc.oneof(
      { arbitrary: fc.record({ push: fc.constantFrom(0, 0.5, 1, 1, 2, 3, 3.25) }), weight: 3 },
      { arbitrary: fc.record({ pop: fc.constant(true) }), weight: 2 },
    );
    let cases = 0;
    let casesWithTies = 0;
    let tiesPopped = 0;
    fc.assert(
      fc.property(fc.array(op, { minLength: 10, maxLength: 400, size: "medium" }), (ops) => {
        const h = new EventHeap();
        const pending: { t: number; n: number }[] = []; // the reference: a list kept sorted by (t, n)
        let n = 0;
        let ties = 0;
        for (const o of ops) {
          if ("push" in o) {
            h.push(o.push, n, n % 3);
            pending.push({ t: o.push, n: n++ });
            pending.sort((x, y) => x.t - y.t || x.n - y.n);
          } else if (pending.length > 0) {
            const want = pending.shift()!;
            if (pending.length > 0 && pending[0].t === want.t) ties++;
            expect(h.pop()).toBe(want.t);
            expect([h.poppedA, h.poppedB]).toEqual([want.n, want.n % 3]);
          }
        }
        expect(h.size).toBe(pending.length);
        for (const [k, want] of pending.entries()) {
          if (pending[k + 1]?.t === want.t) ties++;
          expect(h.pop()).toBe(want.t);
          expect(h.poppedA).toBe(want.n);
        }
        cases++;
        if (ties > 0) casesWithTies++;
        tiesPopped += ties;
      }),
      { numRuns: 300, seed: 15 },
    );
    expect(cases).toBe(300);
    // The property exercised the tie-break, not only distinct times.
    expect(casesWithTies).toBeGreaterThan(250);
    expect(tiesPopped).toBeGreaterThan(5000);
  });
});
