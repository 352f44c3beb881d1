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
    ...opts,
  });
  const log: string[] = [];
  svc.observers.push({
    taskChanged: (t, now) => log.push(`${now} #${t.id} ${t.status}${t.inService ? "+" : ""}`),
  });
  return { sim, svc, launcher, log };
}

describe("ECS service scheduler and task lifecycle", () => {
  it("a new target is in service after ONE passing health check at the next 30-s check, not 5 × 30 s", () => {
    // "After your target is registered, it must pass one health check to be considered healthy"
    // (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html).
    // RUNNING (registered) at 35 s; the target group's checks fall every 30 s (0, 30, 60 s...): the first
    // check after registration is at 60 s and it passes. HealthyThresholdCount 5 would have meant 35 + 150 s.
    const { sim, svc, log } = setup();
    svc.setDesiredCount(1);
    sim.run(300_000);
    expect(log).toEqual(["0 #1 PROVISIONING", "5000 #1 PENDING", "35000 #1 RUNNING", "60000 #1 RUNNING+"]);
    expect([svc.activeCount, svc.runningCount, svc.inServiceCount]).toEqual([1, 1, 1]);
  });

  it("HealthyThresholdCount does not delay a new target (ECS guide: it applies to recovery only)", () => {
    // https://docs.aws.amazon.com/AmazonECS/latest/developerguide/load-balancer-healthcheck.html
    const healthyAt = (healthyThreshold: number) => {
      const { sim, svc } = setup({
        targetGroup: { healthCheckInterval: 30_000, healthyThreshold, deregistrationDelay: 300_000 },
      });
      svc.setDesiredCount(1);
      sim.run(300_000);
      return svc.tasks[0].healthyAt;
    };
    expect([healthyAt(2), healthyAt(5), healthyAt(10)]).toEqual([60_000, 60_000, 60_000]);
  });

  it("scale-in: the task stays DEACTIVATING (running, no new requests) for the whole 300-s delay, then SIGTERM", () => {
    // "the target state will display as draining until the timeout period has elapsed" (ALB guide,
    // Deregistration delay) and ECS stops the task once the target is UNUSED
    // (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/load-balancer-connection-draining.html).
    const { sim, svc, launcher, log } = setup();
    svc.warmStart(0);
    svc.setDesiredCount(2);
    sim.run(400_000);
    log.length = 0;
    svc.setDesiredCount(1);
    sim.run(800_000);
    // 400 s + 300 s of deregistration delay, then the 2-s stop.
    expect(log).toEqual(["400000 #2 DEACTIVATING", "700000 #2 STOPPING", "702000 #2 STOPPED"]);
    expect(launcher.stoppedTasks.map((t) => t.id)).toEqual([2]);
    expect([svc.activeCount, svc.runningCount, svc.inServiceCount]).toEqual([1, 1, 1]);
  });

  it("ten tasks, eight scaled in after an hour: each runs the 300-s delay (8 × 300 s more task time)", () => {
    const { sim, svc, launcher } = setup({ desiredCount: 10 });
    svc.warmStart(0);
    sim.run(3_600_000);
    svc.setDesiredCount(2);
    sim.run(2 * 3_600_000);
    const lived = launcher.stoppedTasks.map((t) => (t.stoppedAt ?? 0) - (t.startedAt ?? 0));
    // Hand computation: 3,600 s running + 300 s deregistration delay + 2 s stop, for each of the eight.
    expect(lived).toEqual(Array(8).fill(3_902_000));
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
