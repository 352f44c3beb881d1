import { policyType } from "../../policies/index.js";
import {
  type AwsObject,
  type ImportedCapacityProvider,
  type ImportedService,
  type ImportResult,
  type Origin,
  platformName,
  type Sourced,
} from "./imported.js";

/**
 * Assemble ECS services from infrastructure resources, whatever language described them. Terraform and
 * CloudFormation readers each turn their resources into the neutral records below (fields already in
 * scenario units, links as names/ARNs and as references to other resources); this module follows the links
 * the way ECS and Application Auto Scaling do and says what it could not resolve.
 */

export type Kind =
  | "service"
  | "taskDefinition"
  | "targetGroup"
  | "scalableTarget"
  | "policy"
  | "alarm"
  | "scheduledAction"
  | "capacityProvider"
  | "clusterCapacityProviders"
  | "autoScalingGroup"
  | "launchTemplate";

/** A reference to other resources: by value (ARN, name, id) and by the source's own references. */
export interface Link {
  values: string[];
  refs: string[];
  from: Origin;
}

export interface Neutral {
  /** Terraform address or CloudFormation logical id. */
  id: string;
  rawType: string;
  kind: Kind;
  origin: Origin;
  /** What others may use to name this resource by value (ARN, name, family, id). */
  keys: string[];
  fields: Record<string, Sourced<unknown>>;
  links: Record<string, Link[]>;
  /** Values the source knows only later (Terraform plans: after apply), by field name. */
  unknown: Set<string>;
}

export interface Graph {
  resources: Neutral[];
  /** Other resources read but not modelled: `id (type)`. */
  unsupported: string[];
  file: string;
}

const matches = (link: Link, r: Neutral) =>
  link.refs.includes(r.id) || link.values.some((v) => r.keys.includes(v) || r.keys.includes(lastOf(v)));
const lastOf = (v: string) => v.split("/").pop() ?? v;

export function assembleServices(g: Graph, only?: string): Omit<ImportResult, "source"> {
  const of = (k: Kind) => g.resources.filter((r) => r.kind === k);
  const linked = (from: Neutral, field: string, k: Kind) =>
    of(k).filter((r) => (from.links[field] ?? []).some((l) => matches(l, r)));
  const unresolved: string[] = [];
  const notes: string[] = [];
  const taken = new Set<string>();
  const services: ImportedService[] = [];

  let candidates = of("service");
  if (only !== undefined) {
    candidates = candidates.filter((s) => s.id === only || s.fields.name?.value === only);
    if (candidates.length === 0) unresolved.push(`no service named ${only}`);
  }
  for (const svc of candidates) {
    const name = platformName(String(svc.fields.name?.value ?? svc.id.split(".").pop()), taken);
    const note = (what: string) => unresolved.push(`${name}: ${what}`);
    const info = (what: string) => notes.push(`${name}: ${what}`);
    const td = linked(svc, "taskDefinition", "taskDefinition")[0];
    if (!td)
      note(
        `task definition of ${svc.id} not found${svc.unknown.has("taskDefinition") ? " (known after apply)" : ""}`,
      );
    const tgs = linked(svc, "targetGroups", "targetGroup");
    const targets = of("scalableTarget").filter((t) => (t.links.service ?? []).some((l) => matches(l, svc)));
    const target = targets[0];
    const mine = (r: Neutral) =>
      (r.links.target ?? []).some((l) => matches(l, svc) || (target !== undefined && matches(l, target)));

    const strategy = svc.fields.capacityProviderStrategy as
      | Sourced<{ capacityProvider: string; base: number; weight: number }[]>
      | undefined;
    const clusterDefault = of("clusterCapacityProviders").find((c) =>
      (c.links.cluster ?? []).some((l) => (svc.links.cluster ?? []).some((s) => sameLink(l, s))),
    );
    const effective =
      strategy ??
      (svc.fields.launchType
        ? undefined
        : (clusterDefault?.fields.defaultStrategy as typeof strategy | undefined));
    const { kind, kindFrom } = launchKind(svc, td, effective);

    const s: ImportedService = {
      name,
      from: svc.origin,
      kind,
      kindFrom,
      task: {
        cpu: num(td?.fields.cpu),
        memory: num(td?.fields.memory),
        architecture: td?.fields.architecture as Sourced<"x86_64" | "arm64"> | undefined,
        ephemeralStorageGiB: num(td?.fields.ephemeralStorageGiB),
        networkMode: td?.fields.networkMode as Sourced<string> | undefined,
        images:
          (td?.fields.images?.value as string[] | undefined)?.map((value) => ({
            value,
            from: td!.fields.images.from,
          })) ?? [],
      },
      service: {
        desiredCount: num(svc.fields.desiredCount),
        minCapacity: num(target?.fields.minCapacity),
        maxCapacity: num(target?.fields.maxCapacity),
        minimumHealthyPercent: num(svc.fields.minimumHealthyPercent),
        maximumPercent: num(svc.fields.maximumPercent),
      },
      loadBalancer: {},
      capacityProviders: [],
      scalingPolicies: [],
      scheduledActions: [],
    };
    if (tgs.length > 1) note(`${tgs.length} target groups; the first (${tgs[0].id}) is modelled`);
    const tg = tgs[0];
    if (tg) {
      for (const f of [
        "healthCheckInterval",
        "healthyThreshold",
        "deregistrationDelay",
        "slowStart",
      ] as const)
        s.loadBalancer[f] = num(tg.fields[f]);
      s.loadBalancer.algorithm = tg.fields.algorithm as Sourced<string> | undefined;
    } else if ((svc.links.targetGroups ?? []).length === 0) {
      note("no load balancer: the scenario models every service behind an ALB with default settings");
    } else note("its target group was not found: ALB defaults written");
    if (!target) note("no Application Auto Scaling scalable target: min and max are the desired count");

    for (const p of of("policy").filter(mine)) {
      const api = { ...(p.fields.api.value as AwsObject) };
      if (policyType(api.PolicyType)?.aws.invokedByAlarm) {
        const alarm = of("alarm").find((a) => (a.links.actions ?? []).some((l) => matches(l, p)));
        if (!alarm) {
          note(`step policy ${p.id} has no CloudWatch alarm that invokes it: left out`);
          continue;
        }
        api.Alarm = alarm.fields.api.value;
      }
      s.scalingPolicies.push({ value: api, from: p.origin });
    }
    for (const a of [...of("scheduledAction").filter(mine), ...(target ? inlineActions(target) : [])])
      s.scheduledActions.push({ value: a.fields.api.value as AwsObject, from: a.origin });

    if (kind === "ecs-fargate") {
      if (effective?.value.some((i) => /^FARGATE(_SPOT)?$/.test(i.capacityProvider)))
        s.capacityProviderStrategy = effective;
    } else {
      const providers = providersFor(effective, clusterDefault, of, linked, note);
      s.capacityProviders = providers;
      if (effective) s.capacityProviderStrategy = effective;
      s.placementStrategy = svc.fields.placementStrategy as Sourced<AwsObject[]> | undefined;
      s.placementConstraints = svc.fields.placementConstraints as Sourced<AwsObject[]> | undefined;
      if (providers.length === 0)
        note(
          "EC2 launch type without an Auto Scaling group capacity provider: a placeholder group is written",
        );
    }
    if (s.task.images.length > 0)
      info(
        `container image ${s.task.images.map((i) => i.value).join(", ")}: give workload.image { size, layers } to model pull times`,
      );
    if (s.task.ephemeralStorageGiB)
      info(
        `ephemeral storage ${s.task.ephemeralStorageGiB.value} GiB (${s.task.ephemeralStorageGiB.from.label})`,
      );
    if (s.service.minimumHealthyPercent || s.service.maximumPercent)
      info(
        `deployment configuration (minimumHealthyPercent ${s.service.minimumHealthyPercent?.value ?? "default"}, maximumPercent ${s.service.maximumPercent?.value ?? "default"}) read`,
      );
    services.push(s);
  }
  const region = regionOf(g.resources);
  return { file: g.file, services, unresolved, notes, unsupported: g.unsupported, region };
}

const sameLink = (a: Link, b: Link) =>
  a.refs.some((r) => b.refs.includes(r)) || a.values.some((v) => b.values.map(lastOf).includes(lastOf(v)));

function num(s: Sourced<unknown> | undefined): Sourced<number> | undefined {
  return s && typeof s.value === "number" ? (s as Sourced<number>) : undefined;
}

/** Scheduled actions written inside a CloudFormation ScalableTarget. */
function inlineActions(target: Neutral): Neutral[] {
  const list = target.fields.scheduledActions?.value as Sourced<AwsObject>[] | undefined;
  return (list ?? []).map((a, i) => ({
    ...target,
    id: `${target.id}.ScheduledActions[${i}]`,
    origin: a.from,
    fields: { api: a },
  }));
}

/**
 * Fargate or EC2. A launch type or a strategy decides; without either the cluster's default strategy
 * applies, and without that ECS uses the EC2 launch type (CreateService, launchType and
 * capacityProviderStrategy: https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateService.html).
 * A task definition compatible with Fargate only can run nowhere else, so it decides in that last case.
 */
function launchKind(
  svc: Neutral,
  td: Neutral | undefined,
  strategy: Sourced<{ capacityProvider: string }[]> | undefined,
): { kind: ImportedService["kind"]; kindFrom: Origin } {
  const lt = svc.fields.launchType;
  if (lt) return { kind: lt.value === "FARGATE" ? "ecs-fargate" : "ecs-ec2", kindFrom: lt.from };
  if (strategy) {
    const fargate = strategy.value.some((i) => /^FARGATE(_SPOT)?$/.test(i.capacityProvider));
    return { kind: fargate ? "ecs-fargate" : "ecs-ec2", kindFrom: strategy.from };
  }
  const compat = td?.fields.requiresCompatibilities as Sourced<string[]> | undefined;
  if (compat?.value.includes("FARGATE") && !compat.value.includes("EC2"))
    return { kind: "ecs-fargate", kindFrom: compat.from };
  return {
    kind: "ecs-ec2",
    kindFrom: { ...svc.origin, label: `${svc.id}: no launch type or strategy, so ECS's default EC2` },
  };
}

function providersFor(
  strategy: Sourced<{ capacityProvider: string }[]> | undefined,
  cluster: Neutral | undefined,
  of: (k: Kind) => Neutral[],
  linked: (from: Neutral, field: string, k: Kind) => Neutral[],
  note: (what: string) => void,
): ImportedCapacityProvider[] {
  const names =
    strategy?.value.map((i) => i.capacityProvider) ??
    (cluster?.fields.providers?.value as string[] | undefined) ??
    [];
  const all = of("capacityProvider");
  const chosen =
    names.length > 0 ? all.filter((cp) => names.some((n) => cp.keys.includes(n))) : all.slice(0, 1);
  for (const n of names)
    if (!all.some((cp) => cp.keys.includes(n)) && !/^FARGATE/.test(n))
      note(`capacity provider ${n} not found`);
  return chosen.map((cp) => {
    const asg = linked(cp, "autoScalingGroup", "autoScalingGroup")[0];
    if (!asg) note(`Auto Scaling group of capacity provider ${cp.id} not found: placeholder sizes`);
    let types = asg?.fields.instanceTypes as Sourced<string[]> | undefined;
    if (!types && asg) {
      const lt = linked(asg, "launchTemplate", "launchTemplate")[0];
      const t = lt?.fields.instanceType as Sourced<string> | undefined;
      if (t) types = { value: [t.value], from: t.from };
      else
        note(
          `instance type of ${asg.id} not found (launch template ${lt ? lt.id : "not found"}): placeholder`,
        );
    }
    return {
      name: String(cp.fields.name?.value ?? cp.id.split(".").pop()),
      from: cp.origin,
      instanceTypes: types,
      minSize: num(asg?.fields.minSize),
      maxSize: num(asg?.fields.maxSize),
      desiredCapacity: num(asg?.fields.desiredCapacity),
      instancesDistribution: asg?.fields.instancesDistribution as Sourced<AwsObject> | undefined,
      managedScaling: cp.fields.managedScaling as Sourced<AwsObject> | undefined,
      managedTerminationProtection: cp.fields.managedTerminationProtection as Sourced<string> | undefined,
      managedDraining: cp.fields.managedDraining as Sourced<string> | undefined,
    };
  });
}

/** The region named in an ARN of the resources (state files hold ARNs). */
function regionOf(rs: Neutral[]): Sourced<string> | undefined {
  for (const r of rs)
    for (const k of r.keys) {
      const m = /^arn:aws[\w-]*:[\w-]+:([a-z]{2}(?:-gov)?-[a-z]+-\d):/.exec(k);
      if (m) return { value: m[1], from: { ...r.origin, label: `${r.id} ARN` } };
    }
  return undefined;
}
