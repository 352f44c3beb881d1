import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EventHeap } from "../../../src/models/traffic/event-heap.js";

describe("EventHeap", () => {
  it("pops in (time, insertion) order whatever the interleaving of pushes and pops", () => {
    let cases = 0;
    let pops = 0;
    fc.assert(
      fc.property(
        // Pushes (a time among few values, so ties are common) and pops, interleaved.
        fc.array(
          fc.oneof(
            fc.integer({ min: 0, max: 12 }).map((t) => t / 4),
            fc.constant(-1),
          ),
          {
            maxLength: 300,
          },
        ),
        (ops) => {
          cases++;
          const heap = new EventHeap();
          // Reference: a list kept sorted by (time, insertion number).
          const ref: { t: number; k: number }[] = [];
          let k = 0;
          for (const op of ops) {
            if (op >= 0) {
              heap.push(op, k, 7 * k);
              ref.push({ t: op, k: k++ });
              ref.sort((x, y) => x.t - y.t || x.k - y.k);
            } else if (ref.length > 0) {
              const want = ref.shift()!;
              pops++;
              expect(heap.pop()).toBe(want.t);
              expect([heap.poppedA, heap.poppedB]).toEqual([want.k, 7 * want.k]);
            }
            expect(heap.size).toBe(ref.length);
          }
        },
      ),
      { numRuns: 300 },
    );
    expect(cases).toBe(300);
    expect(pops).toBeGreaterThan(200);
  });
});
