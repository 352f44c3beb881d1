import { describe, expect, it } from "vitest";
import { Simulation } from "../../../src/engine/sim.js";
import { EcsService, type TaskLauncher } from "../../../src/models/ecs/service.js";
import { TaskEventLog } from "../../../src/models/ecs/task-events.js";
import type { Task } from "../../../src/models/ecs/task.js";

class FixedLauncher implements TaskLauncher {
  constructor(private readonly sim: Simulation) {}
  launch(task: Task, service: EcsService): void {
    this.sim.after(5_000, (t) => {
      service.taskPending(task, t);
      this.sim.after(20_000, (t2) => {
        task.pullStoppedAt = t2 - 8_000;
        service.taskRunning(task, t2);
      });
    });
  }
  stopped(): void {}
}

function setup() {
  const sim = new Simulation(1);
  const svc = new EcsService(sim, new FixedLauncher(sim), {
    name: "svc",
    desiredCount: 0,
    targetGroup: { healthCheckInterval: 30_000, healthyThreshold: 5, deregistrationDelay: 300_000 },
    stopDuration: 2_000,
    scaleInSelection: "newest",
    launchesPerMinute: 500,
  });
  const log = new TaskEventLog({ group: "service:svc", launchType: "FARGATE", cpu: 256, memory: 512 });
  svc.observers.push(log);
  return { sim, svc, log };
}

const brief = (log: TaskEventLog) =>
  log.records.map(
    (r) => `${r.t} v${r.version} ${r.lastStatus}/${r.desiredStatus}${r.stopCode ? ` ${r.stopCode}` : ""}`,
  );

describe("task state-change events", () => {
  it("one event per lifecycle transition; becoming healthy is not a task state change", () => {
    const { sim, svc, log } = setup();
    svc.setDesiredCount(1);
    sim.run(400_000);
    expect(brief(log)).toEqual([
      "0 v1 PROVISIONING/RUNNING",
      "5000 v2 PENDING/RUNNING",
      "25000 v3 RUNNING/RUNNING",
    ]);
    const running = log.records[2];
    expect(running).toMatchObject({
      createdAt: 0,
      pullStartedAt: 5_000,
      pullStoppedAt: 17_000,
      startedAt: 25_000,
    });
  });

  it("a scheduler stop first reports desiredStatus STOPPED with the old lastStatus, then the stop phases", () => {
    const { sim, svc, log } = setup();
    svc.desiredCount = 1;
    svc.warmStart(0);
    sim.run(10_000);
    svc.setDesiredCount(0);
    sim.run(400_000);
    expect(brief(log)).toEqual([
      "0 v1 RUNNING/RUNNING",
      "10000 v2 RUNNING/STOPPED ServiceSchedulerInitiated",
      "10000 v3 DEACTIVATING/STOPPED ServiceSchedulerInitiated",
      // DEACTIVATING for the whole 300-s deregistration delay, then SIGTERM → stopped 2 s later.
      "310000 v4 STOPPING/STOPPED ServiceSchedulerInitiated",
      "312000 v5 STOPPED/STOPPED ServiceSchedulerInitiated",
    ]);
    expect(log.records.at(-1)).toMatchObject({ stoppingAt: 310_000, stoppedAt: 312_000 });
  });

  it("a Fargate Spot termination notice is the documented RUNNING/STOPPED event with stopCode TerminationNotice", () => {
    // https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-capacity-providers.html
    const { sim, svc, log } = setup();
    svc.desiredCount = 1;
    svc.warmStart(0);
    sim.run(60_000);
    svc.stopTask(svc.tasks[0], 60_000, "TerminationNotice", "Your Spot Task was interrupted.");
    sim.run(600_000);
    expect(log.records[1]).toMatchObject({
      lastStatus: "RUNNING",
      desiredStatus: "STOPPED",
      stopCode: "TerminationNotice",
      stoppedReason: "Your Spot Task was interrupted.",
    });
    expect(log.records.at(-1)?.lastStatus).toBe("STOPPED");
    // Versions count up by one per event of the task.
    expect(log.records.map((r) => r.version)).toEqual([1, 2, 3, 4, 5]);
  });
});
