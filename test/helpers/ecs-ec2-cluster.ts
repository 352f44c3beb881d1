import { resolveAssumptions } from "../../src/assumptions.js";
import { Simulation } from "../../src/engine/sim.js";
import type { TargetGroupConfig } from "../../src/models/alb/target-group.js";
import { CostLedger } from "../../src/models/billing/ledger.js";
import type { DecisionRecord } from "../../src/models/decisions.js";
import { EcsService } from "../../src/models/ecs/service.js";
import { buildEcsEc2Capacity } from "../../src/wiring/platforms/ecs-ec2.js";
import { Ec2Platform } from "../../src/scenario/platforms/ecs-ec2.js";

export const MIN = 60_000;

/** Launch phases without spread: pending 20 s, registration 60 s. */
export const fixedLaunch = { pendingTime: "20s", registrationTime: "60s" };

/**
 * A service on EC2 capacity with no traffic model: the scheduler, the launcher, the ASGs and CAS only. By
 * default a task is healthy as soon as it runs and stops at once; `targetGroup` gives it health checks.
 */
export function cluster(
  platform: unknown,
  opts: {
    seed?: number;
    minutes?: number;
    assumptions?: Record<string, number | string>;
    targetGroup?: Partial<TargetGroupConfig>;
  } = {},
) {
  const p = Ec2Platform.parse(platform);
  const sim = new Simulation(opts.seed ?? 1);
  const ledger = new CostLedger(opts.minutes ?? 120);
  const decisions: DecisionRecord[] = [];
  const cap = buildEcsEc2Capacity(
    {
      name: "svc",
      platform: p,
      region: "us-east-1",
      assumptions: resolveAssumptions({ "ecsEc2.taskStartTime": 0, ...opts.assumptions }),
    },
    { sim, ledger, log: (d) => decisions.push(d) },
  );
  const service = new EcsService(sim, cap.launcher, {
    name: "svc",
    desiredCount: p.service.desiredCount,
    targetGroup: {
      healthCheckInterval: 0,
      healthyThreshold: 2,
      deregistrationDelay: 0,
      ...opts.targetGroup,
    } as TargetGroupConfig,
    stopDuration: 0,
    scaleInSelection: "newest",
    launchesPerMinute: 250,
    deployment: p.service.deploymentConfiguration,
  });
  service.warmStart(0);
  return { p, sim, ledger, decisions, cap, service };
}
