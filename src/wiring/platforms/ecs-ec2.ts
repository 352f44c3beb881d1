import { type AssumptionValues, num } from "../../assumptions.js";
import type { Simulation } from "../../engine/sim.js";
import type { CostLedger } from "../../models/billing/ledger.js";
import type { DecisionSink } from "../../models/decisions.js";
import { awsvpcTaskLimit, ebsGp3PricePerGbMonth, instancePrice, instanceType } from "../../data/ec2.js";
import { InputError } from "../../errors.js";
import type { Ec2Platform } from "../../scenario/schema.js";
import { constantFactor, type PriceFactorSeries } from "../../models/billing/ec2.js";
import { ec2SpotDiscountFor } from "../../models/billing/spot.js";
import { AutoScalingGroup, INSTANCES_DISTRIBUTION_DEFAULTS } from "../../models/ec2/auto-scaling-group.js";
import {
  capacityEnvelope,
  type GroupCombine,
  type ScaleInFormula,
} from "../../models/ec2/capacity-provider-reservation.js";
import { ClusterAutoScaling } from "../../models/ec2/cluster-auto-scaling.js";
import { EcsEc2Launcher, type RegisteredResources } from "../../models/ec2/ecs-ec2-launcher.js";
import { InstanceLaunchModel, type LaunchTimeSpec } from "../../models/ec2/instance-launch.js";
import { type ContainerImage, pullRates } from "../../models/image/pull.js";
import { memberOfNoLaunchableMatch, type TieBreak } from "../../models/ec2/placement.js";
import type { InstanceStats, LauncherReport } from "../../models/platform/result.js";

/** Launch phases spread around their means unless a group gives its own distribution. */
const LAUNCH_CV = 0.3;

export interface EcsEc2Capacity {
  launcher: EcsEc2Launcher;
  asgs: AutoScalingGroup[];
  cas: ClusterAutoScaling;
  /** The launcher's report with the instances' statistics and the groups' bounds check added. */
  report(): LauncherReport;
}

/** What the EC2 capacity of one service is built from. */
export interface EcsEc2CapacityInput {
  name: string;
  platform: Ec2Platform;
  region: string;
  assumptions: AssumptionValues;
  image?: ContainerImage;
  /** billing.ebsGp3PerGbMonth, over the pinned regional price. */
  ebsGp3PerGbMonth?: number;
}

interface CapacityContext {
  sim: Simulation;
  ledger: CostLedger;
  log: DecisionSink;
}

/**
 * The EC2 capacity of one service: a launcher, one Auto Scaling group per capacity provider (registered at
 * t = 0 with their desiredCapacity) and cluster auto scaling, started.
 */
export function buildEcsEc2Capacity(input: EcsEc2CapacityInput, ctx: CapacityContext): EcsEc2Capacity {
  const { platform: p, region } = input;
  const azs = p.availabilityZones ?? [`${region}a`, `${region}b`, `${region}c`];
  const registered = registeredResources(input);
  const launcher = ec2Launcher(input, ctx.sim, registered);
  const ebsPerGbMonth = ebsGp3PricePerGbMonth(region, input.ebsGp3PerGbMonth);
  const asgs = p.capacityProviders.map((_c, i) => {
    const asg = autoScalingGroup(input, ctx, i, { azs, ebsPerGbMonth, hooks: launcher.hooksFor(i) });
    launcher.attach(asg);
    return asg;
  });
  // The cluster exists before the trace starts: its desiredCapacity instances are registered at t = 0.
  for (const asg of asgs) asg.warmStart(0);
  const cas = clusterAutoScaling(input, ctx, { launcher, asgs, azs, registered });
  cas.start();
  const report = () => withClusterReport(launcher.report(), p.capacityProviders, asgs, cas);
  return { launcher, asgs, cas, report };
}

/** The CPU, memory and ENIs an instance type registers with the cluster (the agent's reserved memory off). */
function registeredResources(input: EcsEc2CapacityInput): (type: string) => RegisteredResources {
  const p = input.platform;
  const memFraction = num(input.assumptions, "ecsEc2.registeredMemoryFraction");
  return (type) => {
    const t = instanceType(type);
    return {
      cpu: t.vcpu * 1024,
      memoryMiB: Math.floor(t.memoryMiB * memFraction) - p.reservedMemory,
      enis: awsvpcTaskLimit(type, p.awsvpcTrunking),
    };
  };
}

/** The launcher: places tasks on container instances by the capacity provider strategy and placement rules. */
function ec2Launcher(
  input: EcsEc2CapacityInput,
  sim: Simulation,
  registered: (type: string) => RegisteredResources,
): EcsEc2Launcher {
  const { name, platform: p, assumptions: a } = input;
  const strategy = p.capacityProviderStrategy?.map((s) => ({
    capacityProvider: s.capacityProvider,
    base: s.base,
    weight: s.weight,
  })) ?? [{ capacityProvider: p.capacityProviders[0].name, base: 0, weight: 1 }];
  // Strategy items in provider order, so index i of the strategy is provider i (absent providers weigh 0).
  const items = p.capacityProviders.map(
    (c) =>
      strategy.find((s) => s.capacityProvider === c.name) ?? { capacityProvider: c.name, base: 0, weight: 0 },
  );
  return new EcsEc2Launcher(sim, {
    task: {
      cpu: p.task.cpu,
      memoryMiB: p.task.memory,
      awsvpc: p.task.networkMode === "awsvpc",
      hostPort: p.task.hostPort,
    },
    providers: p.capacityProviders.map((c) => ({
      name: c.name,
      managedTerminationProtection: c.managedTerminationProtection === "ENABLED",
      managedDraining: c.managedDraining === "ENABLED",
      spotInstanceDraining: c.autoScalingGroup.spot?.instanceDraining ?? false,
      registered,
    })),
    strategy: items,
    placementStrategies: p.placementStrategy,
    placementConstraints: p.placementConstraints,
    daemons: p.daemons.map((d) => ({ cpu: d.cpu, memoryMiB: d.memory })),
    tieBreak: a["placement.tieBreak"] === "first" ? "first" : ("random" as TieBreak),
    taskStartMs: num(a, "ecsEc2.taskStartTime"),
    rng: { placement: sim.rng(`${name}.ecs.placement`), start: sim.rng(`${name}.ecs.taskStart`) },
    imagePull: input.image
      ? {
          image: input.image,
          rates: pullRates(a),
          behavior: p.imagePullBehavior,
          containerStartMs: num(a, "container.startTime"),
        }
      : undefined,
  });
}

type CapacityProvider = Ec2Platform["capacityProviders"][number];
type GroupSpec = CapacityProvider["autoScalingGroup"];

/** On-Demand price per hour of each instance type of a group: its own override, else the pinned price. */
function onDemandPrices(g: GroupSpec, region: string, path: string): Record<string, number> {
  const perHour: Record<string, number> = {};
  for (const t of g.instanceTypes) {
    const override = g.pricing?.perHour?.[t];
    try {
      perHour[t] = override ?? instancePrice(t, region);
    } catch (e) {
      if (e instanceof InputError)
        throw new InputError(`${e.message}; or set pricing.perHour`, { path: `${path}.pricing` });
      throw e;
    }
  }
  return perHour;
}

/** Spot prices of a group: its price series or discount, else each type's from the dated snapshot. */
function spotFactors(g: GroupSpec, region: string, a: AssumptionValues) {
  const spot = g.spot;
  const spotFactor: PriceFactorSeries = spot?.priceSeries
    ? {
        at: [0, ...spot.priceSeries.slice(1).map((x) => x.at)],
        factor: spot.priceSeries.map((x) => 1 - x.discount),
      }
    : constantFactor(1 - (spot?.discount ?? num(a, "ec2Spot.discount")));
  // Without a discount of its own, each type's Spot price comes from the dated snapshot where it has one.
  const spotFactorByType =
    spot?.priceSeries || spot?.discount !== undefined
      ? undefined
      : Object.fromEntries(
          g.instanceTypes.map((t) => [t, constantFactor(1 - ec2SpotDiscountFor(t, region, a))]),
        );
  return { spotFactor, spotFactorByType };
}

/** The Auto Scaling group of capacity provider `i`, billed on the ledger. */
function autoScalingGroup(
  input: EcsEc2CapacityInput,
  ctx: CapacityContext,
  i: number,
  o: { azs: string[]; ebsPerGbMonth: number; hooks: ReturnType<EcsEc2Launcher["hooksFor"]> },
): AutoScalingGroup {
  const { name, platform: p, region, assumptions: a } = input;
  const { sim } = ctx;
  const c = p.capacityProviders[i];
  const g = c.autoScalingGroup;
  const path = `platforms.${name}.capacityProviders[${i}].autoScalingGroup`;
  const lt = (
    d: { distribution: LaunchTimeSpec["distribution"]; mean: number; cv: number } | undefined,
    id: string,
  ): LaunchTimeSpec => d ?? { distribution: "lognormal", mean: num(a, id), cv: LAUNCH_CV };
  return new AutoScalingGroup(
    sim,
    {
      name: c.name,
      instanceTypes: g.instanceTypes,
      minSize: g.minSize,
      maxSize: g.maxSize,
      desiredCapacity: g.desiredCapacity ?? g.minSize,
      availabilityZones: o.azs,
      distribution: { ...INSTANCES_DISTRIBUTION_DEFAULTS, ...g.instancesDistribution },
      launch: new InstanceLaunchModel(
        lt(g.pendingTime, "ec2.pendingTime"),
        lt(g.registrationTime, "ec2.registrationTime"),
        sim.rng(`${name}.${c.name}.launch`),
      ),
      onDemandPerHour: onDemandPrices(g, region, path),
      onDemandFactor: constantFactor(1 - (g.pricing?.discount ?? 0)),
      ...spotFactors(g, region, a),
      spotInterruptionFrequency: g.spot?.interruptionFrequency ?? num(a, "ec2Spot.interruptionFrequency"),
      rootVolumeGb: g.rootVolumeGb,
      ebsPerGbMonth: o.ebsPerGbMonth,
      ledger: ctx.ledger,
      rng: {
        interruptions: sim.rng(`${name}.${c.name}.spot`),
        termination: sim.rng(`${name}.${c.name}.terminate`),
      },
    },
    o.hooks,
    (t) => instanceType(t).vcpu,
  );
}

/** ECS cluster auto scaling: one managed-scaling loop per capacity provider, over its group. */
function clusterAutoScaling(
  input: EcsEc2CapacityInput,
  ctx: CapacityContext,
  o: {
    launcher: EcsEc2Launcher;
    asgs: AutoScalingGroup[];
    azs: string[];
    registered: (type: string) => RegisteredResources;
  },
): ClusterAutoScaling {
  const { platform: p, assumptions: a } = input;
  const task = {
    cpu: p.task.cpu,
    memoryMiB: p.task.memory,
    awsvpc: p.task.networkMode === "awsvpc",
    hostPorts: p.task.hostPort !== undefined ? [p.task.hostPort] : undefined,
    distinctInstance: p.placementConstraints.some((c) => c.type === "distinctInstance"),
  };
  // Daemon reservations are not free for service tasks on any instance.
  const dCpu = p.daemons.reduce((s, d) => s + d.cpu, 0);
  const dMem = p.daemons.reduce((s, d) => s + d.memory, 0);
  const groups = p.capacityProviders.map((c, i) => {
    const types = c.autoScalingGroup.instanceTypes;
    const caps = types.map((t) => {
      const r = o.registered(t);
      return { cpu: r.cpu - dCpu, memoryMiB: r.memoryMiB - dMem, enis: r.enis, gpu: 0 };
    });
    const { smallest, largest } = capacityEnvelope(caps);
    const unmatched = memberOfNoLaunchableMatch(p.placementConstraints, types, o.azs);
    return {
      name: c.name,
      asg: o.asgs[i],
      enabled: c.managedScaling.status === "ENABLED",
      targetCapacity: c.managedScaling.targetCapacity,
      minimumScalingStepSize: c.managedScaling.minimumScalingStepSize,
      maximumScalingStepSize: c.managedScaling.maximumScalingStepSize,
      instanceWarmupMs: c.managedScaling.instanceWarmupPeriod * 1000,
      smallest,
      largest,
      task: { ...task, placeable: unmatched === undefined },
      unplaceable:
        unmatched === undefined
          ? undefined
          : `memberOf "${unmatched}" matches none of ${types.join(", ")} in ${o.azs.join(", ")}`,
      waiting: () => o.launcher.waitingCount(i),
      empty: () => o.launcher.emptyInstances(i),
    };
  });
  return new ClusterAutoScaling(
    ctx.sim,
    groups,
    {
      scaleInFormula: a["cas.scaleInFormula"] as ScaleInFormula,
      scaleInMaxFraction: num(a, "cas.scaleInMaxFraction"),
      groupCombine: a["cas.groupCombine"] as GroupCombine,
    },
    ctx.log,
  );
}

/**
 * The launcher's report with what cluster auto scaling knows added: instance counts per capacity provider,
 * instance-hours, launches, Spot interruptions, and the check that each group stayed within its bounds.
 */
function withClusterReport(
  r: LauncherReport,
  providers: readonly { name: string }[],
  asgs: readonly AutoScalingGroup[],
  cas: ClusterAutoScaling,
): LauncherReport {
  const perProvider: InstanceStats["providers"] = {};
  let min = 0;
  let max = 0;
  let mean = 0;
  let instanceSeconds = 0;
  let launches = 0;
  let interruptions = 0;
  providers.forEach((c, i) => {
    const s = cas.stats(i);
    perProvider[c.name] = {
      min: s.min,
      max: s.max,
      scaleOutEvents: s.scaleOutEvents,
      scaleInEvents: s.scaleInEvents,
    };
    min += s.min;
    max += s.max;
    mean += s.meanInstances;
    instanceSeconds += asgs[i].billedInstanceSeconds;
    launches += asgs[i].launches;
    interruptions += asgs[i].interruptions;
  });
  const instances = r.instances && {
    ...r.instances,
    min,
    max,
    mean,
    instanceHours: instanceSeconds / 3600,
    launches,
    spotInterruptions: interruptions,
    providers: perProvider,
  };
  const bounded = asgs.every(
    (g, i) =>
      cas.stats(i).max <= g.cfg.maxSize && cas.stats(i).min >= Math.min(g.cfg.minSize, g.cfg.desiredCapacity),
  );
  const check = {
    name: "instances within each group's min/max",
    ok: bounded,
    detail: bounded ? "every group stayed within [minSize, maxSize]" : "a group left its bounds",
  };
  return { ...r, ...(instances ? { instances } : {}), checks: [...(r.checks ?? []), check] };
}
