import { describe, expect, it } from "vitest";
import { summaryTable } from "../../src/render/table.js";
import type { Summary } from "../../src/analysis/summary.js";

// A summary shaped as summarise() writes it, with hand-set figures so every cell can be checked; the table
// for each platform follows its kind.
function platform(kind: string, details: Record<string, unknown>): Summary["platforms"][string] {
  return {
    kind,
    cost: { totalUsd: 9.5612, perMillionRequestsUsd: 20256.9, monthlyUsd: 145.2 },
    requests: { dropped: 2, timedOut: 3 },
    latencyMs: { p50: 694118.8, p99: 1673499.8 },
    slo: { attainment: 0.9876, violationMinutes: 12 },
    capacity: { min: 0, mean: 1.94, max: 10 },
    scaling: { scaleOutEvents: 4, scaleInEvents: 3 },
    checks: [],
    details,
  } as unknown as Summary["platforms"][string];
}
const summary = (platforms: Summary["platforms"]) =>
  ({
    scenario: "s",
    durationSeconds: 7200,
    start: "2026-01-01T00:00:00.000Z",
    seed: 1,
    traffic: { totalRequests: 405, peakRequestsPerSecond: 0.1 },
    platforms,
  }) as unknown as Summary;

const JOBS = {
  jobs: {
    submitted: 472,
    completed: 470,
    lost: 2,
    maxConcurrentTasks: 10,
    completionSeconds: { mean: 743.1, p50: 694.119, p95: 1290.344, max: 1995.874 },
    costPerJobUsd: 0.020257,
  },
};
const QUEUE = {
  queue: { messagesSent: 1874239, redelivered: 1999, deadLettered: 3, costPerMillionMessagesUsd: 3.078254 },
};

describe("run's terminal table fits each kind of work", () => {
  it("batch jobs: jobs, completion-time percentiles in seconds, cost per job", () => {
    const t = summaryTable(summary({ batch: platform("eventbridge-tasks", JOBS) }));
    expect(t.split("\n")[0]).toBe("s: 2.0 h from 2026-01-01T00:00:00.000Z, 405 events (peak 0.1/s), seed 1");
    expect(t).toContain("$/job");
    expect(t).not.toContain("$/M req");
    expect(t.split("\n")[3].split(/\s+/)).toEqual([
      "batch",
      "9.56",
      "0.0203",
      "145",
      "472",
      "470",
      "2",
      "694.1",
      "1290.3",
      "1995.9",
      "98.8%",
      "10",
    ]);
  });
  it("queue workers: messages, message age percentiles in seconds, cost per million messages", () => {
    const t = summaryTable(summary({ workers: platform("sqs-worker", QUEUE) }));
    expect(t.split("\n")[0]).toContain("405 messages");
    expect(t.split("\n")[3].split(/\s+/)).toEqual([
      "workers",
      "9.56",
      "3.078",
      "145",
      "1,874,239",
      "694.1",
      "1673.5",
      "98.8%",
      "1999",
      "3",
      "0/1.9/10",
      "4/3",
    ]);
  });
  it("web services keep the request columns; mixed kinds get one titled table each", () => {
    const t = summaryTable(
      summary({ web: platform("ecs-fargate", {}), batch: platform("eventbridge-tasks", JOBS) }),
    );
    expect(t).toMatch(/\nweb services:\nplatform +cost \$ +\$\/M req/);
    expect(t).toContain("\nscheduled and event-driven tasks:\nplatform");
    expect(t).toMatch(/web +9\.56 +20256\.900 +145 +694118\.8 +1673499\.8 +98\.8% +12 +0\/1\.9\/10 +4\/3 +5/);
  });
});
