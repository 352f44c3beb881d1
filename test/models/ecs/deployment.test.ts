import { describe, expect, it } from "vitest";
import {
  DEPLOYMENT_DEFAULTS,
  maximumTasks,
  minimumHealthyTasks,
  replacedTasksToStop,
  replacementLaunches,
} from "../../../src/models/ecs/deployment.js";
import { Service } from "../../../src/scenario/platforms/common.js";

// The examples of https://docs.aws.amazon.com/AmazonECS/latest/developerguide/container-instance-draining.html
// and https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeploymentConfiguration.html.
describe("deployment configuration while tasks are replaced", () => {
  it("rounds the minimum up and the maximum down (desired 4, 50 % / 200 % → 2 and 8; desired 3, 50 % / 150 % → 2 and 4)", () => {
    expect(minimumHealthyTasks(4, { minimumHealthyPercent: 50, maximumPercent: 200 })).toBe(2);
    expect(maximumTasks(4, { minimumHealthyPercent: 50, maximumPercent: 200 })).toBe(8);
    // 3 × 0.5 = 1.5 rounds up to 2; 3 × 1.5 = 4.5 rounds down to 4.
    expect(minimumHealthyTasks(3, { minimumHealthyPercent: 50, maximumPercent: 150 })).toBe(2);
    expect(maximumTasks(3, { minimumHealthyPercent: 50, maximumPercent: 150 })).toBe(4);
  });

  it("desired 4, minimum 50 %: the scheduler may stop two existing tasks before starting two new tasks", () => {
    const four = Array.from({ length: 4 }, () => ({ healthy: true }));
    const d = { minimumHealthyPercent: 50, maximumPercent: 100 };
    expect(replacedTasksToStop(four, 4, 4, d)).toEqual([0, 1]);
    // With two stopped, maximum 100 % leaves room for exactly the two new tasks.
    expect(replacementLaunches(0, 2, 4, d)).toBe(2);
  });

  it("desired 4, maximum 200 %: four new tasks start before the four drained ones stop", () => {
    expect(replacementLaunches(0, 4, 4, DEPLOYMENT_DEFAULTS)).toBe(4);
    // Maximum 100 %: no replacement can start until the draining tasks have stopped.
    expect(replacementLaunches(0, 4, 4, { minimumHealthyPercent: 50, maximumPercent: 100 })).toBe(0);
  });

  it("minimum 100 %: no existing task is removed until its replacement is healthy", () => {
    const four = Array.from({ length: 4 }, () => ({ healthy: true }));
    // The four replacements are running but not yet healthy: 4 healthy tasks, 4 needed.
    expect(replacedTasksToStop(four, 4, 4, DEPLOYMENT_DEFAULTS)).toEqual([]);
    // One replacement healthy: one old task may go.
    expect(replacedTasksToStop(four, 5, 4, DEPLOYMENT_DEFAULTS)).toEqual([0]);
    // A replaced task that is not healthy holds no share of the minimum: it stops at once.
    expect(replacedTasksToStop([{ healthy: false }], 0, 1, DEPLOYMENT_DEFAULTS)).toEqual([0]);
  });

  it("parses with AWS's defaults and rejects what ECS cannot honour", () => {
    const base = { desiredCount: 1, minCapacity: 1, maxCapacity: 2 };
    expect(Service.parse(base).deploymentConfiguration).toEqual({
      minimumHealthyPercent: 100,
      maximumPercent: 200,
    });
    const bad = (d: unknown) => Service.safeParse({ ...base, deploymentConfiguration: d }).success;
    expect(bad({ minimumHealthyPercent: 101 })).toBe(false);
    expect(bad({ maximumPercent: 99 })).toBe(false);
    expect(bad({ minimumHealthyPercent: 100, maximumPercent: 100 })).toBe(false);
    expect(bad({ minimumHealthyPercent: 50, maximumPercent: 100 })).toBe(true);
  });
});
