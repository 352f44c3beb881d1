import { POLICY_TERRAFORM_BLOCKS, TERRAFORM_DEFAULT_POLICY_TYPE } from "../../policies/index.js";
import { InputError } from "../../errors.js";
import { parseAwsJson } from "../aws-json.js";
import {
  alarmShape,
  fromTerraformBlock,
  instancesDistributionShape,
  managedScalingShape,
} from "./aws-shapes.js";
import { assembleServices, type Kind, type Link, type Neutral } from "./assemble.js";
import {
  architecture,
  cpuUnits,
  type ImportResult,
  memoryMiB,
  type Origin,
  serviceOfResourceId,
  type Sourced,
  toNumber,
} from "./imported.js";

/**
 * Read `terraform show -json` output, of a plan or of a state, into the ECS services it describes.
 * Format: https://developer.hashicorp.com/terraform/internals/json-format
 * - a state has `values.root_module`; a plan has `planned_values.root_module` (values known at plan time),
 *   `resource_changes[].change.after_unknown` (values known only after apply) and `configuration`
 *   (each attribute's expression with the resources it `references`);
 * - modules nest as `child_modules` (values) and `module_calls` (configuration), addresses prefixed
 *   `module.<name>.`.
 * Links between resources (service → task definition, policy → scalable target …) are followed by value
 * (ARNs, names, resource ids) where known, else through the configuration's references, which is how a
 * plan of new resources holds together before their ARNs exist.
 * Attribute names: the AWS provider's resource pages,
 * https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/ecs_service (and
 * ecs_task_definition, lb_target_group, appautoscaling_target, appautoscaling_policy,
 * appautoscaling_scheduled_action, cloudwatch_metric_alarm, ecs_capacity_provider,
 * ecs_cluster_capacity_providers, autoscaling_group, launch_template).
 */

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);
const first = (v: unknown): Obj => (Array.isArray(v) && isObj(v[0]) ? v[0] : isObj(v) ? v : {});
const str = (v: unknown): string[] => (typeof v === "string" && v !== "" ? [v] : []);

/** Types read as context only (no value of theirs reaches the scenario), not listed as unsupported. */
const CONTEXT = new Set(["aws_ecs_cluster", "aws_lb", "aws_lb_listener", "aws_lb_listener_rule"]);

export function importTerraform(text: string, file: string, service?: string): ImportResult {
  const src = parseAwsJson(text, file);
  const root = src.json;
  if (!isObj(root) || (root.values === undefined && root.planned_values === undefined)) {
    throw new InputError(
      "expected the output of `terraform show -json` (a plan or a state: an object with planned_values or values)",
      { file, line: 1, col: 1 },
    );
  }
  const isPlan = root.planned_values !== undefined;
  const valuesKey = isPlan ? "planned_values" : "values";
  const unknown = unknownAttributes(root);
  const refs = configurationReferences(root);
  const resources: Neutral[] = [];
  const unsupported: string[] = [];
  walkModule((root[valuesKey] as Obj)?.root_module, [valuesKey, "root_module"], (r, at) => {
    if (r.mode !== "managed" || typeof r.type !== "string") return;
    const address = String(r.address);
    const extract = EXTRACTORS[r.type];
    if (!extract) {
      if (!CONTEXT.has(r.type)) unsupported.push(`${address} (${r.type})`);
      return;
    }
    const origin = (attr?: string): Origin => {
      const pos = src.locate?.(attr === undefined ? at : [...at, "values", attr]);
      return { label: attr ? `${address}.${attr}` : address, file, line: pos?.line, col: pos?.col };
    };
    const attrRefs = refs.get(stripIndex(address)) ?? new Map<string, string[]>();
    const n: Neutral = {
      id: address,
      rawType: r.type,
      kind: extract.kind,
      origin: origin(),
      keys: [],
      fields: {},
      links: {},
      unknown: unknown.get(address) ?? new Set(),
    };
    const values = isObj(r.values) ? r.values : {};
    extract.read(values, {
      field: (name, attr, value) => {
        if (value !== undefined && value !== null) n.fields[name] = { value, from: origin(attr) };
      },
      link: (name, attr, vals) => {
        const l: Link = { values: vals, refs: attrRefs.get(attr) ?? [], from: origin(attr) };
        (n.links[name] ??= []).push(l);
        if (n.unknown.has(attr)) n.unknown.add(name);
      },
      key: (...ks) => n.keys.push(...ks.filter((k): k is string => typeof k === "string" && k !== "")),
    });
    resources.push(n);
  });
  const result = assembleServices({ resources, unsupported, file }, service);
  const region = providerRegion(root);
  const version = typeof root.terraform_version === "string" ? `Terraform ${root.terraform_version}, ` : "";
  return {
    ...result,
    source: `terraform show -json (${version}${isPlan ? "plan" : "state"}) ${file}`,
    region: region ? { value: region.value, from: { label: region.label, file } } : result.region,
  };
}

interface Reader {
  field(name: string, attr: string, value: unknown): void;
  link(name: string, attr: string, values: string[]): void;
  key(...keys: unknown[]): void;
}

const EXTRACTORS: Record<string, { kind: Kind; read: (v: Obj, r: Reader) => void }> = {
  aws_ecs_service: {
    kind: "service",
    read: (v, r) => {
      r.key(v.name, v.id);
      r.field("name", "name", v.name);
      r.field("desiredCount", "desired_count", toNumber(v.desired_count));
      if (v.launch_type) r.field("launchType", "launch_type", v.launch_type);
      r.link("cluster", "cluster", str(v.cluster));
      r.link("taskDefinition", "task_definition", str(v.task_definition));
      const lbs = Array.isArray(v.load_balancer) ? (v.load_balancer as Obj[]) : [];
      if (lbs.length > 0)
        r.link(
          "targetGroups",
          "load_balancer",
          lbs.flatMap((l) => str(l.target_group_arn)),
        );
      const strat = Array.isArray(v.capacity_provider_strategy)
        ? (v.capacity_provider_strategy as Obj[])
        : [];
      if (strat.length > 0)
        r.field(
          "capacityProviderStrategy",
          "capacity_provider_strategy",
          strat.map((s) => ({
            capacityProvider: String(s.capacity_provider),
            base: toNumber(s.base) ?? 0,
            weight: toNumber(s.weight) ?? 0,
          })),
        );
      r.field(
        "minimumHealthyPercent",
        "deployment_minimum_healthy_percent",
        toNumber(v.deployment_minimum_healthy_percent),
      );
      r.field("maximumPercent", "deployment_maximum_percent", toNumber(v.deployment_maximum_percent));
      const ps = Array.isArray(v.ordered_placement_strategy) ? (v.ordered_placement_strategy as Obj[]) : [];
      if (ps.length > 0)
        r.field(
          "placementStrategy",
          "ordered_placement_strategy",
          ps.map((p) => placement(p.type, p.field)),
        );
      const pc = Array.isArray(v.placement_constraints) ? (v.placement_constraints as Obj[]) : [];
      if (pc.length > 0)
        r.field(
          "placementConstraints",
          "placement_constraints",
          pc.map((p) => constraint(p.type, p.expression)),
        );
    },
  },
  aws_ecs_task_definition: {
    kind: "taskDefinition",
    read: (v, r) => {
      r.key(
        v.arn,
        v.family,
        v.revision !== undefined ? `${v.family}:${v.revision}` : undefined,
        v.arn_without_revision,
      );
      const containers = parseContainers(v.container_definitions);
      r.field("cpu", "cpu", cpuUnits(v.cpu) ?? sum(containers, "cpu"));
      r.field("memory", "memory", memoryMiB(v.memory) ?? sum(containers, "memory"));
      r.field("architecture", "runtime_platform", architecture(first(v.runtime_platform).cpu_architecture));
      r.field("ephemeralStorageGiB", "ephemeral_storage", toNumber(first(v.ephemeral_storage).size_in_gib));
      if (typeof v.network_mode === "string") r.field("networkMode", "network_mode", v.network_mode);
      r.field(
        "images",
        "container_definitions",
        containers.map((c) => c.image).filter((i) => typeof i === "string"),
      );
      if (Array.isArray(v.requires_compatibilities))
        r.field("requiresCompatibilities", "requires_compatibilities", v.requires_compatibilities);
    },
  },
  aws_lb_target_group: {
    kind: "targetGroup",
    read: (v, r) => {
      r.key(v.arn, v.name, v.id);
      const hc = first(v.health_check);
      r.field("healthCheckInterval", "health_check", toNumber(hc.interval));
      r.field("healthyThreshold", "health_check", toNumber(hc.healthy_threshold));
      r.field("deregistrationDelay", "deregistration_delay", toNumber(v.deregistration_delay));
      r.field("algorithm", "load_balancing_algorithm_type", v.load_balancing_algorithm_type || undefined);
      r.field("slowStart", "slow_start", toNumber(v.slow_start));
    },
  },
  aws_appautoscaling_target: {
    kind: "scalableTarget",
    read: (v, r) => {
      r.key(v.resource_id, v.id);
      r.field("minCapacity", "min_capacity", toNumber(v.min_capacity));
      r.field("maxCapacity", "max_capacity", toNumber(v.max_capacity));
      r.link("service", "resource_id", str(serviceOfResourceId(v.resource_id)?.service));
    },
  },
  aws_appautoscaling_policy: {
    kind: "policy",
    read: (v, r) => {
      r.key(v.arn, v.name);
      r.link("target", "resource_id", [
        ...str(v.resource_id),
        ...str(serviceOfResourceId(v.resource_id)?.service),
      ]);
      r.field("api", "name", {
        PolicyName: v.name,
        PolicyType: v.policy_type ?? TERRAFORM_DEFAULT_POLICY_TYPE,
        ...fromTerraformBlock(Object.fromEntries(POLICY_TERRAFORM_BLOCKS.map((block) => [block, v[block]]))),
      });
    },
  },
  aws_appautoscaling_scheduled_action: {
    kind: "scheduledAction",
    read: (v, r) => {
      r.link("target", "resource_id", [
        ...str(v.resource_id),
        ...str(serviceOfResourceId(v.resource_id)?.service),
      ]);
      const b = fromTerraformBlock({ scalable_target_action: v.scalable_target_action });
      r.field("api", "name", {
        ScheduledActionName: v.name,
        Schedule: v.schedule,
        ...(v.timezone ? { Timezone: v.timezone } : {}),
        ...(v.start_time ? { StartTime: v.start_time } : {}),
        ...(v.end_time ? { EndTime: v.end_time } : {}),
        ScalableTargetAction: b.ScalableTargetAction ?? {},
      });
    },
  },
  aws_cloudwatch_metric_alarm: {
    kind: "alarm",
    read: (v, r) => {
      r.key(v.arn, v.alarm_name);
      r.link("actions", "alarm_actions", Array.isArray(v.alarm_actions) ? v.alarm_actions.map(String) : []);
      r.field(
        "api",
        "alarm_name",
        alarmShape(
          fromTerraformBlock({
            ...v,
            alarm_actions: undefined,
            metric_query: undefined,
            metrics: v.metric_query,
          }),
        ),
      );
    },
  },
  aws_ecs_capacity_provider: {
    kind: "capacityProvider",
    read: (v, r) => {
      r.key(v.name, v.arn);
      r.field("name", "name", v.name);
      const p = first(v.auto_scaling_group_provider);
      r.link("autoScalingGroup", "auto_scaling_group_provider", str(p.auto_scaling_group_arn));
      const ms = first(p.managed_scaling);
      if (Object.keys(ms).length > 0)
        r.field("managedScaling", "auto_scaling_group_provider", managedScalingShape(ms));
      if (p.managed_termination_protection)
        r.field(
          "managedTerminationProtection",
          "auto_scaling_group_provider",
          p.managed_termination_protection,
        );
      if (p.managed_draining) r.field("managedDraining", "auto_scaling_group_provider", p.managed_draining);
    },
  },
  aws_ecs_cluster_capacity_providers: {
    kind: "clusterCapacityProviders",
    read: (v, r) => {
      r.link("cluster", "cluster_name", str(v.cluster_name));
      r.field(
        "providers",
        "capacity_providers",
        Array.isArray(v.capacity_providers) ? v.capacity_providers : undefined,
      );
      const d = Array.isArray(v.default_capacity_provider_strategy)
        ? (v.default_capacity_provider_strategy as Obj[])
        : [];
      if (d.length > 0)
        r.field(
          "defaultStrategy",
          "default_capacity_provider_strategy",
          d.map((s) => ({
            capacityProvider: String(s.capacity_provider),
            base: toNumber(s.base) ?? 0,
            weight: toNumber(s.weight) ?? 0,
          })),
        );
    },
  },
  aws_autoscaling_group: {
    kind: "autoScalingGroup",
    read: (v, r) => {
      r.key(v.arn, v.name, v.id);
      r.field("minSize", "min_size", toNumber(v.min_size));
      r.field("maxSize", "max_size", toNumber(v.max_size));
      r.field("desiredCapacity", "desired_capacity", toNumber(v.desired_capacity));
      const mip = first(v.mixed_instances_policy);
      const overrides = Array.isArray(first(mip.launch_template).override)
        ? (first(mip.launch_template).override as Obj[])
        : [];
      const types = overrides.map((o) => o.instance_type).filter((t): t is string => typeof t === "string");
      if (types.length > 0) r.field("instanceTypes", "mixed_instances_policy", types);
      const dist = first(mip.instances_distribution);
      if (Object.keys(dist).length > 0)
        r.field("instancesDistribution", "mixed_instances_policy", instancesDistributionShape(dist));
      const lt = first(v.launch_template);
      const spec = first(first(mip.launch_template).launch_template_specification);
      r.link("launchTemplate", v.launch_template ? "launch_template" : "mixed_instances_policy", [
        ...str(lt.id),
        ...str(lt.name),
        ...str(spec.launch_template_id),
        ...str(spec.launch_template_name),
      ]);
    },
  },
  aws_launch_template: {
    kind: "launchTemplate",
    read: (v, r) => {
      r.key(v.id, v.name, v.arn);
      if (typeof v.instance_type === "string") r.field("instanceType", "instance_type", v.instance_type);
    },
  },
};

export const placement = (type: unknown, field: unknown) => {
  const t = String(type);
  if (t === "random") return { type: t };
  const f = String(field ?? "");
  return {
    type: t,
    field:
      t === "spread" && f === "attribute:ecs.availability-zone"
        ? f
        : f.toLowerCase() === "instanceid"
          ? "instanceId"
          : f,
  };
};
export const constraint = (type: unknown, expression: unknown) =>
  expression ? { type: String(type), expression: String(expression) } : { type: String(type) };

/** container_definitions is a JSON string in Terraform. */
function parseContainers(v: unknown): Obj[] {
  try {
    const list = typeof v === "string" ? JSON.parse(v) : v;
    return Array.isArray(list) ? list.filter(isObj) : [];
  } catch {
    return [];
  }
}

/** On EC2 a task may size itself by its containers (task-level cpu and memory optional). */
function sum(containers: Obj[], key: string): number | undefined {
  const xs = containers.map((c) => toNumber(c[key] ?? (key === "memory" ? c.memoryReservation : undefined)));
  return xs.length > 0 && xs.every((x) => x !== undefined) ? xs.reduce((a, b) => a! + b!, 0) : undefined;
}

/** Visit every resource of a module and its child modules, with the JSON path of each. */
function walkModule(mod: unknown, at: PropertyKey[], visit: (r: Obj, at: PropertyKey[]) => void): void {
  if (!isObj(mod)) return;
  if (Array.isArray(mod.resources))
    mod.resources.forEach((r, i) => {
      if (isObj(r)) visit(r, [...at, "resources", i]);
    });
  if (Array.isArray(mod.child_modules))
    mod.child_modules.forEach((m, i) => {
      walkModule(m, [...at, "child_modules", i], visit);
    });
}

/** Attributes a plan knows only after apply, per resource address. */
function unknownAttributes(root: Obj): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  if (!Array.isArray(root.resource_changes)) return out;
  for (const rc of root.resource_changes) {
    if (!isObj(rc) || !isObj(rc.change) || !isObj(rc.change.after_unknown)) continue;
    const set = new Set<string>();
    for (const [k, v] of Object.entries(rc.change.after_unknown)) if (v === true) set.add(k);
    out.set(String(rc.address), set);
  }
  return out;
}

const stripIndex = (address: string) => address.replace(/\[[^\]]*\]/g, "");

/** Per resource address (without count/for_each index): attribute → addresses of resources it references. */
function configurationReferences(root: Obj): Map<string, Map<string, string[]>> {
  const out = new Map<string, Map<string, string[]>>();
  const config = isObj(root.configuration) ? root.configuration : undefined;
  const walk = (mod: unknown, prefix: string) => {
    if (!isObj(mod)) return;
    for (const r of Array.isArray(mod.resources) ? mod.resources : []) {
      if (!isObj(r) || !isObj(r.expressions)) continue;
      const byAttr = new Map<string, string[]>();
      for (const [attr, expr] of Object.entries(r.expressions))
        byAttr.set(
          attr,
          collectReferences(expr).map((ref) => prefix + ref),
        );
      out.set(prefix + String(r.address), byAttr);
    }
    if (isObj(mod.module_calls))
      for (const [name, call] of Object.entries(mod.module_calls))
        if (isObj(call)) walk(call.module, `${prefix}module.${name}.`);
  };
  walk(config?.root_module, "");
  return out;
}

const NOT_RESOURCES = new Set([
  "var",
  "local",
  "module",
  "data",
  "each",
  "count",
  "path",
  "self",
  "terraform",
]);

/** Resource addresses (`type.name`) among an expression's references, nested blocks included. */
function collectReferences(expr: unknown): string[] {
  const found = new Set<string>();
  const visit = (e: unknown) => {
    if (Array.isArray(e)) e.forEach(visit);
    else if (isObj(e)) {
      if (Array.isArray(e.references))
        for (const ref of e.references) {
          const parts = String(ref).split(".");
          if (parts.length >= 2 && !NOT_RESOURCES.has(parts[0]))
            found.add(stripIndex(`${parts[0]}.${parts[1]}`));
        }
      for (const [k, v] of Object.entries(e)) if (k !== "references") visit(v);
    }
  };
  visit(expr);
  return [...found];
}

/** The AWS provider's region: a constant, or a variable's value in a plan. */
function providerRegion(root: Obj): { value: string; label: string } | undefined {
  const config = isObj(root.configuration) ? root.configuration : undefined;
  const providers = isObj(config?.provider_config) ? config.provider_config : {};
  for (const [key, p] of Object.entries(providers)) {
    if (!isObj(p) || p.name !== "aws" || !isObj(p.expressions) || !isObj(p.expressions.region)) continue;
    const expr = p.expressions.region;
    if (typeof expr.constant_value === "string")
      return { value: expr.constant_value, label: `provider_config.${key}.region` };
    const variable = Array.isArray(expr.references)
      ? (expr.references as string[]).find((r) => r.startsWith("var."))
      : undefined;
    const vars = isObj(root.variables) ? root.variables : {};
    const v = variable ? vars[variable.slice(4)] : undefined;
    if (isObj(v) && typeof v.value === "string")
      return { value: v.value, label: `provider_config.${key}.region (${variable})` };
  }
  return undefined;
}

export type { Sourced };
