import { describe, expect, it } from "vitest";
import { Simulation } from "../../../src/engine/sim.js";
import { EcsService, type TaskLauncher } from "../../../src/models/ecs/service.js";
import type { Task } from "../../../src/models/ecs/task.js";

/** A launcher with fixed phase times that records what it saw. */
class FixedLauncher implements TaskLauncher {
  stoppedTasks: Task[] = [];
  constructor(
    private readonly sim: Simulation,
    private readonly provisioning: number,
    private readonly pending: number,
  ) {}
  launch(task: Task, service: EcsService): void {
    this.sim.after(this.provisioning, (t) => {
      service.taskPending(task, t);
      this.sim.after(this.pending, (t2) => service.taskRunning(task, t2));
    });
  }
  stopped(task: Task): void {
    this.stoppedTasks.push(task);
  }
}

function setup(opts: Partial<ConstructorParameters<typeof EcsService>[2]> = {}) {
  const sim = new Simulation(1);
  const launcher = new FixedLauncher(sim, 5_000, 30_000);
  const svc = new EcsService(sim, launcher, {
    name: "svc",
    desiredCount: 0,
    targetGroup: { healthCheckInterval: 30_000, healthyThreshold: 5, deregistrationDelay: 300_000 },
    stopDuration: 2_000,
    scaleInSelection: "newest",
    launchesPerMinute: 500,
    inFlightDrain: () => 1_500,
    ...opts,
  });
  const log: string[] = [];
  svc.observers.push({
    taskChanged: (t, now) => log.push(`${now} #${t.id} ${t.status}${t.inService ? "+" : ""}`),
  });
  return { sim, svc, launcher, log };
}

describe("ECS service scheduler and task lifecycle", () => {
  it("PROVISIONING → PENDING → RUNNING, then in service after 5 × 30 s of health checks", () => {
    const { sim, svc, log } = setup();
    svc.setDesiredCount(1);
    sim.run(300_000);
    expect(log).toEqual(["0 #1 PROVISIONING", "5000 #1 PENDING", "35000 #1 RUNNING", "185000 #1 RUNNING+"]);
    expect([svc.activeCount, svc.runningCount, svc.inServiceCount]).toEqual([1, 1, 1]);
  });

  it("scale-in drains from the target group (in-flight requests finish first), then SIGTERM", () => {
    const { sim, svc, launcher, log } = setup();
    svc.warmStart(0);
    svc.setDesiredCount(2);
    sim.run(400_000);
    log.length = 0;
    svc.setDesiredCount(1);
    sim.run(500_000);
    // The newest in-service task goes: deregistration completes when its in-flight requests are done (1.5 s).
    expect(log).toEqual(["400000 #2 DEACTIVATING", "401500 #2 STOPPING", "403500 #2 STOPPED"]);
    expect(launcher.stoppedTasks.map((t) => t.id)).toEqual([2]);
    expect([svc.activeCount, svc.runningCount, svc.inServiceCount]).toEqual([1, 1, 1]);
  });

  it("deregistration never takes longer than the deregistration delay", () => {
    const { sim, svc, log } = setup({ inFlightDrain: () => 10 * 60_000 });
    svc.setDesiredCount(1);
    sim.run(200_000);
    log.length = 0;
    svc.setDesiredCount(0);
    sim.run(1_000_000);
    expect(log).toEqual(["200000 #1 DEACTIVATING", "500000 #1 STOPPING", "502000 #1 STOPPED"]);
  });

  it("stops tasks that are not yet serving before tasks that are", () => {
    const { sim, svc } = setup();
    svc.setDesiredCount(2);
    sim.run(200_000); // both in service
    svc.setDesiredCount(4);
    sim.run(210_000); // two more, RUNNING but not yet healthy
    svc.setDesiredCount(2);
    const stopping = svc.tasks.filter((t) => t.desiredStatus === "STOPPED").map((t) => t.id);
    expect(stopping.sort()).toEqual([3, 4]);
    expect(svc.inServiceCount).toBe(2);
  });

  it("launches at most 500 tasks per minute (https://docs.aws.amazon.com/AmazonECS/latest/bestpracticesguide/task.html)", () => {
    const { sim, svc } = setup();
    svc.setDesiredCount(1200);
    const created = () => svc.tasks.length;
    sim.run(59_999);
    expect(created()).toBe(500);
    sim.run(60_000);
    expect(created()).toBe(1000);
    sim.run(120_000);
    expect(created()).toBe(1200);
  });
});
