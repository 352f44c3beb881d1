import { describe, expect, it } from "vitest";
import {
  matchSteps,
  type RealStep,
  type SimStep,
  startLagSeconds,
  stepTimeline,
} from "../../src/backtest/compare.js";

const M = 60_000;
const real = (t: number, from: number | null, to: number): RealStep => ({
  t,
  from,
  to,
  causeKind: "policy",
  source: "p",
  cause: "",
});
const sim = (t: number, from: number, to: number): SimStep => ({
  t,
  from,
  to,
  controller: "applicationAutoScaling",
  policy: "p",
});

describe("matchSteps", () => {
  it.each([
    {
      name: "nearest decision in the same direction, offsets signed (simulated − real)",
      real: [real(10 * M, 2, 4), real(30 * M, 4, 3)],
      sim: [sim(11 * M, 2, 4), sim(28 * M, 4, 3)],
      pairs: [
        [0, 0, 60],
        [1, 1, -120],
      ],
    },
    {
      name: "a decision in the other direction does not match",
      real: [real(10 * M, 2, 4)],
      sim: [sim(10 * M, 4, 3)],
      pairs: [],
    },
    {
      name: "outside the window: unmatched on both sides",
      real: [real(10 * M, 2, 4)],
      sim: [sim(21 * M, 2, 4)],
      pairs: [],
    },
    {
      name: "order kept: a later activity never takes an earlier decision than its predecessor's",
      real: [real(10 * M, 2, 3), real(12 * M, 3, 4)],
      sim: [sim(11.5 * M, 2, 3), sim(13 * M, 3, 4)],
      pairs: [
        [0, 0, 90],
        [1, 1, 60],
      ],
    },
    {
      name: "equally near: the one reaching the same count wins",
      real: [real(10 * M, 2, 4)],
      sim: [sim(9 * M, 2, 3), sim(11 * M, 2, 4)],
      pairs: [[0, 1, 60]],
    },
  ])("$name", (c) => {
    const m = matchSteps(c.real, c.sim, 10 * M);
    expect(m.pairs.map((p) => [c.real.indexOf(p.real), c.sim.indexOf(p.simulated), p.offsetSeconds])).toEqual(
      c.pairs,
    );
    expect(m.unmatchedReal.length + m.pairs.length).toBe(c.real.length);
    expect(m.unmatchedSimulated.length + m.pairs.length).toBe(c.sim.length);
  });
});

describe("timelines", () => {
  it("stepTimeline holds the count in force at each minute's close", () => {
    // Steps at 0:30 (→3) and 2:00 exactly (→5): minute 2 closes at 3:00, after the second step.
    expect(
      Array.from(
        stepTimeline(
          [
            { t: 30_000, to: 3 },
            { t: 2 * M, to: 5 },
          ],
          2,
          0,
          4,
        ),
      ),
    ).toEqual([3, 3, 5, 5]);
  });

  it("startLagSeconds: the missing task-time after the decision per task added", () => {
    // Decision at 0:30 from 2 to 4 tasks; each new task runs 90 s after it (at 2:00): minute 0 has 2 tasks,
    // minute 1 has 2, minute 2 has 4. Missing: minute 0 (4−2)·60 − 30 s·2 before the decision = 60,
    // minute 1 (4−2)·60 = 120, total 180 task-seconds for 2 tasks = 90 s each.
    expect(startLagSeconds([2, 2, 4, 4], 0, { t: 30_000, from: 2, to: 4 }, 4 * M)).toBe(90);
    // Time-averaged counts: both run at 1:15, minute 1 averages 2 + 2·45/60 = 3.5.
    expect(startLagSeconds([2, 3.5, 4], 0, { t: 30_000, from: 2, to: 4 }, 3 * M)).toBe(45);
    expect(startLagSeconds([2, Number.NaN, 4], 0, { t: 0, from: 2, to: 4 }, 3 * M)).toBeNaN();
  });
});
