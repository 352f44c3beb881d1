import { describe, expect, it } from "vitest";
import { run } from "../../../src/api.js";
import type { EcsService } from "../../../src/models/ecs/service.js";
import { parseScenario } from "../../../src/scenario/load.js";
import { Phase } from "../../../src/engine/sim.js";
import { cluster, fixedLaunch, MIN } from "../../helpers/ecs-ec2-cluster.js";

/** Lowest count of tasks in service from now on, read at every task transition. */
function watchInService(service: EcsService) {
  const w = { min: service.inServiceCount };
  service.observers.push({
    taskChanged: () => {
      w.min = Math.min(w.min, service.inServiceCount);
    },
  });
  return w;
}

// Health checks every 30 s on the target group's grid: a new target is healthy at the first check after it
// registers (one passing check; the threshold of 2 applies only to recovery from unhealthy).
const targetGroup = { healthCheckInterval: 30_000, healthyThreshold: 2 };

/** Three m6i.large (room for two 1-vCPU tasks each), one task on each: managed draining on, protection off. */
function threeBusyInstances(extra: Record<string, unknown> = {}, group: Record<string, unknown> = {}) {
  return {
    kind: "ecs-ec2",
    task: { cpu: 1024, memory: 2048 },
    service: { desiredCount: 3, minCapacity: 3, maxCapacity: 3 },
    capacityProviders: [
      {
        name: "cp",
        autoScalingGroup: {
          instanceTypes: ["m6i.large"],
          minSize: 0,
          maxSize: 10,
          desiredCapacity: 3,
          ...fixedLaunch,
          ...group,
        },
      },
    ],
    ...extra,
  };
}

// "If the minimum is 100%, the service scheduler can't remove existing tasks until the replacement tasks are
// considered healthy." https://docs.aws.amazon.com/AmazonECS/latest/developerguide/container-instance-draining.html
describe("container instance draining replaces tasks under the deployment configuration", () => {
  it("scale-in of a busy instance: the old task serves until its replacement is healthy (minimum 100 %)", () => {
    const { sim, cap, service } = cluster(threeBusyInstances(), { targetGroup });
    const w = watchInService(service);
    let terminatedAt = -1;
    sim.at(5 * MIN + 10_000, () => {
      const asg = cap.asgs[0];
      const before = new Set(asg.instances.map((i) => i.id));
      asg.setDesired(2);
      const watch = () => {
        if (asg.instances.length < before.size) terminatedAt = sim.now;
        else sim.after(1000, watch);
      };
      watch();
    });
    sim.run(20 * MIN);
    // Never fewer than the desired three tasks in service.
    expect(w.min).toBe(3);
    // The replacement starts at 5:10 on another instance's free half and passes the next check of the
    // 30-s grid, at 5:30: the drained task may stop then, and the instance terminates when it has (stop time
    // and deregistration delay 0 here).
    expect(terminatedAt).toBeGreaterThanOrEqual(5 * MIN + 30_000);
    expect(terminatedAt).toBeLessThan(5 * MIN + 32_000);
    expect(service.inServiceCount).toBe(3);
    expect(cap.asgs[0].instances).toHaveLength(2);
  });

  it("minimum 50 % of 4: two tasks of the drained instance stop at once, two wait for replacements", () => {
    const { sim, cap, service } = cluster(
      threeBusyInstances(
        {
          service: {
            desiredCount: 4,
            minCapacity: 4,
            maxCapacity: 4,
            deploymentConfiguration: { minimumHealthyPercent: 50, maximumPercent: 200 },
          },
          placementStrategy: [{ type: "binpack", field: "cpu" }],
        },
        { instanceTypes: ["m6i.xlarge"], desiredCapacity: 1 },
      ),
      { targetGroup },
    );
    const w = watchInService(service);
    const stoppedAt: number[] = [];
    service.observers.push({ taskChanged: (t, now) => t.status === "STOPPED" && stoppedAt.push(now) });
    sim.at(5 * MIN, () => cap.asgs[0].setDesired(0));
    sim.run(5 * MIN + 1);
    // Four tasks on one m6i.xlarge; its draining stops two (4 healthy, 2 needed) at once.
    expect(w.min).toBe(2);
    expect(stoppedAt).toEqual([5 * MIN, 5 * MIN]);
    expect(service.replacingCount).toBe(2);
  });

  it("Spot notice with instance draining: the task serves until its replacement is healthy, inside the 2 minutes", () => {
    const { sim, cap, service } = cluster(
      threeBusyInstances(
        {},
        {
          instancesDistribution: { onDemandPercentageAboveBaseCapacity: 0 },
          spot: { instanceDraining: true, interruptionFrequency: 0.9 },
        },
      ),
      { targetGroup },
    );
    const w = watchInService(service);
    const notices = new Set<number>();
    const stopsAfterNotice: number[] = [];
    service.observers.push({
      taskChanged: (t, now) => {
        if (t.status === "STOPPING" && t.stopCode === "TerminationNotice") stopsAfterNotice.push(now);
      },
    });
    sim.every(
      10_000,
      () => {
        for (const i of cap.asgs[0].instances) if (i.noticeAt !== undefined) notices.add(i.noticeAt);
      },
      Phase.control,
    );
    sim.run(7 * 24 * 60 * MIN);
    expect(notices.size).toBeGreaterThan(0);
    // Each interrupted task stops when its replacement (started at the notice) passes the next health check
    // of the 30-s grid, not at the notice.
    expect(stopsAfterNotice.sort((a, b) => a - b)).toEqual(
      [...notices].sort((a, b) => a - b).map((n) => Math.ceil(n / 30_000) * 30_000),
    );
    expect(stopsAfterNotice.some((t, i) => t > [...notices].sort((a, b) => a - b)[i])).toBe(true);
    expect(w.min).toBe(3);
  });
});

/**
 * A light constant load on three tasks, with three more instances than they need: after 15 datapoints cluster
 * auto scaling removes three instances, and without managed termination protection the group's termination
 * policy may pick busy ones. Managed draining lets tasks "stop safely and be rescheduled … without worrying
 * about disruption" (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/managed-instance-draining.html).
 */
const lightLoad = (seed: number) => `
name: drain
seed: ${seed}
duration: 1h
traffic:
  synthetic: { shape: constant, rate: 2 }
workload:
  cpuPerRequest: 10ms
  serviceTime: 50ms
  concurrency: 64
slo: { latency: 300ms }
platforms:
  ec2:
    kind: ecs-ec2
    task: { cpu: 1024, memory: 2048 }
    service: { desiredCount: 3, minCapacity: 3, maxCapacity: 3 }
    capacityProviders:
      - name: cp
        autoScalingGroup: { instanceTypes: [m6i.large], minSize: 0, maxSize: 10, desiredCapacity: 6 }
`;

describe("cluster scale-in with managed draining, termination protection off (end to end)", () => {
  it("never runs fewer than the three desired tasks and drops no request, whichever instances go (8 seeds)", async () => {
    let runs = 0;
    for (let seed = 1; seed <= 8; seed++) {
      const out = await run(parseScenario(lightLoad(seed)));
      const p = out.summary.platforms.ec2;
      expect(p.requests.dropped, `seed ${seed}`).toBe(0);
      expect(p.capacity.min, `seed ${seed}`).toBe(3);
      // Three instances went: 6 for the first 15 minutes, then 3, each drained one held a few minutes more
      // (a replacement's health check, at most 30 s, then the old task's 300-s deregistration delay and stop).
      expect(p.instances?.instanceHours ?? 0).toBeLessThan(3.75 + 3 * (6 / 60));
      runs++;
    }
    expect(runs).toBe(8);
  });
});
