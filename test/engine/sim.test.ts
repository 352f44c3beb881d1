import { describe, expect, it } from "vitest";
import { Phase, Simulation } from "../../src/engine/sim.js";

describe("Simulation", () => {
  it("runs events in (time, phase, insertion) order and stops at `until`", () => {
    const sim = new Simulation(1);
    const log: string[] = [];
    sim.at(100, () => log.push("control@100"), Phase.control);
    sim.at(100, () => log.push("lifecycle@100"), Phase.lifecycle);
    sim.at(50, () => {
      log.push("a@50");
      sim.after(50, () => log.push("b@100-lifecycle-later"), Phase.lifecycle);
    });
    sim.at(300, () => log.push("late"));
    sim.run(200);
    expect(log).toEqual(["a@50", "lifecycle@100", "b@100-lifecycle-later", "control@100"]);
    expect(sim.now).toBe(200);
    sim.run(300);
    expect(log.at(-1)).toBe("late");
  });

  it("advances continuous processes to each event time before the event", () => {
    const sim = new Simulation(1);
    const seen: number[] = [];
    let advancedTo = 0;
    sim.addContinuous({ advanceTo: (t) => (advancedTo = t) });
    sim.every(1000, (now) => seen.push(advancedTo - now), Phase.metrics);
    sim.run(5000);
    expect(seen).toEqual([0, 0, 0, 0, 0]);
    expect(advancedTo).toBe(5000);
  });

  it("rejects events in the past and non-integer times", () => {
    const sim = new Simulation(1);
    sim.run(10);
    expect(() => sim.at(5, () => {})).toThrow(/past/);
    expect(() => sim.at(10.5, () => {})).toThrow(/integer/);
  });

  it("hands out one stream per name", () => {
    const sim = new Simulation(9);
    const a = sim.rng("x").next();
    const b = sim.rng("x").next();
    expect(a).not.toBe(b);
  });
});
