import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cheapest, dominates, paretoFront } from "../../src/sweep/rank.js";

const pointsArb = (dims: number) =>
  fc.array(fc.array(fc.integer({ min: 0, max: 6 }), { minLength: dims, maxLength: dims }), { maxLength: 40 });

function bruteForce(points: number[][]): number[] {
  return points.map((_, i) => i).filter((i) => !points.some((q, j) => j !== i && dominates(q, points[i])));
}

describe("Pareto frontier", () => {
  it("keeps the non-dominated points of a small example", () => {
    // (cost, p99): (1, 9) and (3, 2) and (2, 5) are the frontier; (3, 6) is dominated by (2, 5); the twin (2, 5) stays.
    expect(
      paretoFront([
        [1, 9],
        [3, 6],
        [2, 5],
        [3, 2],
        [2, 5],
      ]),
    ).toEqual([0, 2, 3, 4]);
  });

  it.each([2, 3])(
    "in %i dimensions: no member is dominated, every other point is, whatever the order (property)",
    (dims) => {
      fc.assert(
        fc.property(pointsArb(dims), (points) => {
          const front = paretoFront(points);
          expect(front).toEqual(bruteForce(points));
          const reversed = paretoFront([...points].reverse())
            .map((i) => points.length - 1 - i)
            .sort((a, b) => a - b);
          expect(reversed).toEqual(front);
        }),
        { numRuns: 300 },
      );
    },
  );

  it("cheapest picks the lowest cost among eligible points, then the lower p99", () => {
    expect(cheapest([5, 3, 3, 1], [9, 8, 7, 1], [true, true, true, false])).toBe(2);
    expect(cheapest([1], [1], [false])).toBe(-1);
  });
});
