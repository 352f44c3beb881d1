import { describe, expect, it } from "vitest";
import { Simulation } from "../../../src/engine/sim.js";
import { AppRunnerFleet } from "../../../src/models/apprunner/fleet.js";
import { CostLedger } from "../../../src/models/billing/ledger.js";
import type { ServingStatus } from "../../../src/models/serving-unit.js";

/**
 * App Runner instances are serving units: an instance added by scale-out serves once it has started
 * (`startMs` after the decision), and one removed by scale-in stops. Provisioned memory is billed per second
 * from the instance's start: https://aws.amazon.com/apprunner/pricing/ (1 GB × $0.007 per GB-hour).
 */
describe("App Runner instances as serving units", () => {
  it("scale-out: the new instance is told as RUNNING and in service at its start; scale-in: as STOPPED", () => {
    const sim = new Simulation(1);
    const ledger = new CostLedger(10);
    const rates = { activeVcpuHour: 0.064, activeGbHour: 0.007, provisionedGbHour: 0.007 };
    const fleet = new AppRunnerFleet(
      sim,
      { vcpu: 1, memoryGb: 1, rates, startMs: 30_000, idleTimeoutMs: 60_000, ledger, rng: { next: () => 0 } },
      1,
    );
    const seen: [number, number, ServingStatus, boolean][] = [];
    fleet.servingObservers.push({ unitChanged: (u, now) => seen.push([now, u.id, u.status, u.inService]) });
    fleet.warmStart(1);
    sim.at(60_000, (now) => fleet.add(now));
    sim.at(240_000, (now) => fleet.remove(now));
    sim.run(300_000);
    expect(seen).toEqual([
      [90_000, 2, "RUNNING", true],
      [240_000, 2, "STOPPED", false],
    ]);
    expect(fleet.inServiceCount).toBe(1);
    fleet.finish(300_000);
    // Instance 1: 300 s provisioned; instance 2: 150 s (from 90 s to 240 s).
    expect(fleet.provisionedSeconds).toBe(450);
    expect(ledger.totalUsd()).toBeCloseTo((450 / 3600) * 0.007, 12);
  });
});
