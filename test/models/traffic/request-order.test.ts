import { describe, expect, it } from "vitest";
import { MINUTE } from "../../../src/engine/time.js";
import { makeDistribution } from "../../../src/models/latency/distributions.js";
import { fixedService } from "./request-harness.js";

/**
 * The request-mode loop's order at one instant (src/models/traffic/request.ts, `advanceTo`): minute
 * boundary, then the Simulation's events, then the heap's events (completions), then the arrival.
 * One warm task, one slot, no queue, 100 ms per request: whether a request is served or refused shows
 * which of two things at the same instant ran first.
 */
function oneSlot(arrivalsMs: number[]) {
  return fixedService({
    seed: 1,
    lambda: 0,
    service: makeDistribution({ distribution: "deterministic", mean: 100 }),
    concurrency: 1,
    model: "worker-pool",
    tasks: 1,
    durationMs: 2 * MINUTE,
    queueLimit: 0,
    trace: { timesMs: Float64Array.from(arrivalsMs) },
  });
}

describe("request mode: order of what falls on one instant", () => {
  it.each([
    // A completion at t before the arrival at t: the arrival finds the slot free.
    { name: "completion at t before the arrival at t", arrivals: [1000, 1100], served: 2, dropped: 0 },
    // Control: an arrival 1 ms early finds the slot busy and no queue room.
    { name: "an arrival before the completion is refused", arrivals: [1000, 1099], served: 1, dropped: 1 },
    // Two arrivals at one instant: the first (in trace order) takes the slot.
    { name: "two arrivals at t: the first takes the slot", arrivals: [1000, 1000], served: 1, dropped: 1 },
  ])("$name", ({ arrivals, served, dropped }) => {
    const { sim, traffic } = oneSlot(arrivals);
    sim.run(2 * MINUTE);
    expect([traffic.served, traffic.dropped]).toEqual([served, dropped]);
  });

  it("the Simulation's events at t run before the request events at t", () => {
    const { sim, traffic } = oneSlot([1000]);
    const seen: number[] = [];
    // The request completes at 1100 ms; an engine event at 1100 ms does not see it yet, one at 1101 does.
    sim.at(1100, () => seen.push(traffic.served));
    sim.at(1101, () => seen.push(traffic.served));
    sim.run(2 * MINUTE);
    expect(seen).toEqual([0, 1]);
  });

  it("a minute boundary at t closes before the requests at t: they count in the next minute", () => {
    // Completes at 60,000 ms exactly (59,900 + 100): served in minute 1, not minute 0.
    const { sim, minuteSeries } = oneSlot([59_900]);
    sim.run(2 * MINUTE);
    expect([minuteSeries.columns.arrived[0], minuteSeries.columns.served[0]]).toEqual([1, 0]);
    expect(minuteSeries.columns.served[1]).toBe(1);
  });
});
