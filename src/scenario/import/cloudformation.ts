import { POLICY_TYPES } from "../../policies/index.js";
import type { CloudFormationShape } from "../../policies/plugin.js";
import { parseDocument } from "yaml";
import { InputError } from "../../errors.js";
import { LocatedDocument } from "../locate.js";
import { ALARM_FIELDS } from "../aws-import.js";
import { alarmShape, instancesDistributionShape, managedScalingShape } from "./aws-shapes.js";
import { assembleServices, type Kind, type Link, type Neutral } from "./assemble.js";
import {
  architecture,
  type AwsObject,
  cpuUnits,
  type ImportResult,
  memoryMiB,
  type Origin,
  serviceOfResourceId,
  type Sourced,
  toNumber,
} from "./imported.js";
import { constraint, placement } from "./terraform.js";

/**
 * Read a CloudFormation template (YAML with short-form tags, or JSON) into the ECS services it describes.
 * Intrinsic functions are resolved where the template alone decides them: Ref to parameters (their
 * Default) and pseudo parameters, Fn::Sub, Fn::Join, Fn::Select, Fn::FindInMap, Fn::If on conditions
 * of parameters; a Ref or Fn::GetAtt of a resource links the two resources. What cannot be resolved is
 * listed with the template's line and column.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference.html
 * Resource properties: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-template-resource-type-ref.html
 */

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);

/** Short-form tags: `!Ref X` is `{ Ref: X }`, `!GetAtt A.B` is `{ "Fn::GetAtt": [A, B] }`, and so on. */
const FUNCTIONS = [
  "Ref",
  "Sub",
  "GetAtt",
  "Join",
  "Select",
  "Split",
  "If",
  "Equals",
  "Not",
  "And",
  "Or",
  "FindInMap",
  "ImportValue",
  "GetAZs",
  "Base64",
  "Cidr",
  "Condition",
  "ToJsonString",
  "Length",
];
const CUSTOM_TAGS = FUNCTIONS.flatMap((f) => {
  const key = f === "Ref" || f === "Condition" ? f : `Fn::${f}`;
  const wrap = (v: unknown) => ({ [key]: f === "GetAtt" && typeof v === "string" ? splitGetAtt(v) : v });
  return [
    { tag: `!${f}`, resolve: (s: string) => wrap(s) },
    { tag: `!${f}`, collection: "seq" as const, resolve: (n: { toJSON(): unknown }) => wrap(n.toJSON()) },
    { tag: `!${f}`, collection: "map" as const, resolve: (n: { toJSON(): unknown }) => wrap(n.toJSON()) },
  ];
});
function splitGetAtt(s: string): string[] {
  const i = s.indexOf(".");
  return i < 0 ? [s] : [s.slice(0, i), s.slice(i + 1)];
}

/** A resolved value: `undefined` when the template alone cannot say, with the resources it names. */
interface Resolved {
  value: unknown;
  refs: string[];
  /** Why not resolved, for the report. */
  why?: string;
  /** Where inside the value the first unresolved part sits. */
  whyAt?: string[];
}

export function importCloudFormation(
  text: string,
  file: string,
  opts: { service?: string; region?: string; parameters?: Record<string, string> } = {},
): ImportResult {
  const doc = parseDocument(text, { customTags: CUSTOM_TAGS, prettyErrors: false, uniqueKeys: false });
  const located = LocatedDocument.parse(text);
  const err = doc.errors[0];
  if (err) {
    const pos = located.syntaxError() ?? { line: 1, col: 1, message: err.message };
    throw new InputError(`invalid template: ${pos.message}`, { file, line: pos.line, col: pos.col });
  }
  const tpl = doc.toJS({ maxAliasCount: 100 }) as unknown;
  if (!isObj(tpl) || !isObj(tpl.Resources)) {
    throw new InputError("expected a CloudFormation template with a Resources section", {
      file,
      line: 1,
      col: 1,
    });
  }
  const at = (path: PropertyKey[]) => located.position(path);
  const ctx = new Resolver(tpl, opts.region, opts.parameters ?? {});
  const resources: Neutral[] = [];
  const unsupported: string[] = [];
  const unresolved: string[] = [];

  for (const [id, res] of Object.entries(tpl.Resources)) {
    if (!isObj(res) || typeof res.Type !== "string") continue;
    const extract = EXTRACTORS[res.Type];
    if (!extract) {
      if (!CONTEXT.has(res.Type)) unsupported.push(`${id} (${res.Type})`);
      continue;
    }
    const props = isObj(res.Properties) ? res.Properties : {};
    const origin = (path: string[] = []): Origin => {
      const full = ["Resources", id, ...(path.length ? ["Properties", ...path] : [])];
      const pos = at(full);
      return { label: [id, ...path].join("."), file, line: pos.line, col: pos.col };
    };
    const n: Neutral = {
      id,
      rawType: res.Type,
      kind: extract.kind,
      origin: origin(),
      keys: [id],
      fields: {},
      links: {},
      unknown: new Set(),
    };
    const get = (path: string[]): Resolved => {
      let v: unknown = props;
      for (const k of path) v = isObj(v) ? v[k] : Array.isArray(v) ? v[Number(k)] : undefined;
      if (v === undefined) return { value: undefined, refs: [] };
      const r = ctx.deep(v);
      if (r.why) {
        const o = origin([...path, ...(r.whyAt ?? [])]);
        unresolved.push(`${o.label} (${file}:${o.line}:${o.col}): ${r.why}`);
      }
      return r;
    };
    extract.read({
      get,
      field: (name, path, map = (x) => x) => {
        const r = get(path);
        const value = r.value === undefined ? undefined : map(r.value);
        if (value !== undefined && value !== null) n.fields[name] = { value, from: origin(path) };
      },
      sourced: (name, value, path) => {
        n.fields[name] = { value, from: origin(path) };
      },
      link: (name, path, values) => {
        const r = get(path);
        const vals = values ? values(r.value) : typeof r.value === "string" ? [r.value] : [];
        const l: Link = { values: vals, refs: r.refs, from: origin(path) };
        (n.links[name] ??= []).push(l);
      },
      key: (...ks) => n.keys.push(...ks.filter((k): k is string => typeof k === "string" && k !== "")),
      origin,
    });
    resources.push(n);
  }
  const result = assembleServices({ resources, unsupported, file }, opts.service);
  const region: Sourced<string> | undefined = opts.region
    ? { value: opts.region, from: { label: "--region", file } }
    : undefined;
  if (!opts.region)
    unresolved.push("region: a template does not name one (give --region); us-east-1 written");
  return {
    ...result,
    unresolved: [...new Set([...unresolved, ...result.unresolved])],
    region,
    source: `CloudFormation template ${file}`,
  };
}

/** Types read as context only (no value reaches the scenario), not listed as unsupported. */
const CONTEXT = new Set([
  "AWS::ElasticLoadBalancingV2::LoadBalancer",
  "AWS::ElasticLoadBalancingV2::Listener",
  "AWS::ElasticLoadBalancingV2::ListenerRule",
]);

interface Reader {
  get(path: string[]): Resolved;
  field(name: string, path: string[], map?: (v: unknown) => unknown): void;
  sourced(name: string, value: unknown, path: string[]): void;
  link(name: string, path: string[], values?: (v: unknown) => string[]): void;
  key(...keys: unknown[]): void;
  origin(path?: string[]): Origin;
}

const list = (v: unknown): Obj[] => (Array.isArray(v) ? v.filter(isObj) : []);
const strategyItems = (v: unknown) =>
  list(v).map((s) => ({
    capacityProvider: String(s.CapacityProvider),
    base: toNumber(s.Base) ?? 0,
    weight: toNumber(s.Weight) ?? 0,
  }));
const pick = (o: Obj, keys: string[]): AwsObject => {
  const out: AwsObject = {};
  for (const k of keys) if (o[k] !== undefined && o[k] !== null) out[k] = o[k];
  return out;
};
const numbers = (o: AwsObject, keys: string[]): AwsObject => {
  for (const k of keys) if (o[k] !== undefined) o[k] = toNumber(o[k]);
  return o;
};

const EXTRACTORS: Record<string, { kind: Kind; read: (r: Reader) => void }> = {
  "AWS::ECS::Service": {
    kind: "service",
    read: (r) => {
      r.field("name", ["ServiceName"]);
      r.key(r.get(["ServiceName"]).value);
      r.field("desiredCount", ["DesiredCount"], toNumber);
      r.field("launchType", ["LaunchType"]);
      r.link("cluster", ["Cluster"]);
      r.link("taskDefinition", ["TaskDefinition"]);
      if (r.get(["LoadBalancers"]).value !== undefined)
        r.link("targetGroups", ["LoadBalancers"], (v) => list(v).map((l) => String(l.TargetGroupArn ?? "")));
      r.field("capacityProviderStrategy", ["CapacityProviderStrategy"], (v) =>
        list(v).length ? strategyItems(v) : undefined,
      );
      r.field("minimumHealthyPercent", ["DeploymentConfiguration", "MinimumHealthyPercent"], toNumber);
      r.field("maximumPercent", ["DeploymentConfiguration", "MaximumPercent"], toNumber);
      r.field("placementStrategy", ["PlacementStrategies"], (v) =>
        list(v).length ? list(v).map((p) => placement(p.Type, p.Field)) : undefined,
      );
      r.field("placementConstraints", ["PlacementConstraints"], (v) =>
        list(v).length ? list(v).map((p) => constraint(p.Type, p.Expression)) : undefined,
      );
    },
  },
  "AWS::ECS::TaskDefinition": {
    kind: "taskDefinition",
    read: (r) => {
      r.key(r.get(["Family"]).value);
      const containers = list(r.get(["ContainerDefinitions"]).value);
      r.field("cpu", ["Cpu"], cpuUnits);
      r.field("memory", ["Memory"], memoryMiB);
      r.field("architecture", ["RuntimePlatform", "CpuArchitecture"], architecture);
      r.field("ephemeralStorageGiB", ["EphemeralStorage", "SizeInGiB"], toNumber);
      r.field("networkMode", ["NetworkMode"]);
      r.field("requiresCompatibilities", ["RequiresCompatibilities"]);
      const images = containers.map((c) => c.Image).filter((i): i is string => typeof i === "string");
      if (images.length > 0) r.sourced("images", images, ["ContainerDefinitions"]);
    },
  },
  "AWS::ElasticLoadBalancingV2::TargetGroup": {
    kind: "targetGroup",
    read: (r) => {
      r.key(r.get(["Name"]).value);
      r.field("healthCheckInterval", ["HealthCheckIntervalSeconds"], toNumber);
      r.field("healthyThreshold", ["HealthyThresholdCount"], toNumber);
      const attrs = list(r.get(["TargetGroupAttributes"]).value);
      attrs.forEach((a, i) => {
        const path = ["TargetGroupAttributes", String(i), "Value"];
        if (a.Key === "deregistration_delay.timeout_seconds") r.field("deregistrationDelay", path, toNumber);
        if (a.Key === "slow_start.duration_seconds") r.field("slowStart", path, toNumber);
        if (a.Key === "load_balancing.algorithm.type") r.field("algorithm", path);
      });
    },
  },
  "AWS::ApplicationAutoScaling::ScalableTarget": {
    kind: "scalableTarget",
    read: (r) => {
      r.field("minCapacity", ["MinCapacity"], toNumber);
      r.field("maxCapacity", ["MaxCapacity"], toNumber);
      r.link("service", ["ResourceId"], (v) => {
        const s = serviceOfResourceId(v)?.service;
        return s ? [s] : [];
      });
      const actions = list(r.get(["ScheduledActions"]).value).map((a, i) => ({
        value: scheduledAction(a),
        from: r.origin(["ScheduledActions", String(i)]),
      }));
      if (actions.length > 0) r.sourced("scheduledActions", actions, ["ScheduledActions"]);
    },
  },
  "AWS::ApplicationAutoScaling::ScalingPolicy": {
    kind: "policy",
    read: (r) => {
      r.key(r.get(["PolicyName"]).value);
      r.link("target", ["ScalingTargetId"]);
      r.link("target", ["ResourceId"], (v) => {
        const s = serviceOfResourceId(v)?.service;
        return s ? [s] : [];
      });
      const configurations = POLICY_TYPES.flatMap(({ aws }) =>
        aws.cloudFormation ? [{ ...aws, value: r.get([aws.configuration]).value }] : [],
      );
      const api: AwsObject = {
        PolicyName: r.get(["PolicyName"]).value ?? r.origin().label,
        PolicyType: r.get(["PolicyType"]).value,
      };
      // Each policy type gives its configuration's properties (src/policies/).
      for (const c of configurations)
        if (isObj(c.value)) api[c.configuration] = fromCloudFormation(c.value, c.cloudFormation!);
      r.sourced("api", api, []);
    },
  },
  "AWS::CloudWatch::Alarm": {
    kind: "alarm",
    read: (r) => {
      r.link("actions", ["AlarmActions"], (v) => (Array.isArray(v) ? v.map(String) : []));
      const props: Obj = {};
      for (const k of ALARM_FIELDS) props[k] = r.get([k]).value;
      r.sourced("api", alarmShape(props), []);
    },
  },
  "AWS::ECS::CapacityProvider": {
    kind: "capacityProvider",
    read: (r) => {
      r.field("name", ["Name"]);
      r.key(r.get(["Name"]).value);
      r.link("autoScalingGroup", ["AutoScalingGroupProvider", "AutoScalingGroupArn"]);
      r.field("managedScaling", ["AutoScalingGroupProvider", "ManagedScaling"], (v) =>
        isObj(v) ? managedScalingShape(v) : undefined,
      );
      r.field("managedTerminationProtection", ["AutoScalingGroupProvider", "ManagedTerminationProtection"]);
      r.field("managedDraining", ["AutoScalingGroupProvider", "ManagedDraining"]);
    },
  },
  "AWS::ECS::ClusterCapacityProviderAssociations": {
    kind: "clusterCapacityProviders",
    read: clusterProviders,
  },
  "AWS::ECS::Cluster": {
    kind: "clusterCapacityProviders",
    read: (r) => {
      r.key(r.get(["ClusterName"]).value);
      clusterProviders(r);
    },
  },
  "AWS::AutoScaling::AutoScalingGroup": {
    kind: "autoScalingGroup",
    read: (r) => {
      r.key(r.get(["AutoScalingGroupName"]).value);
      r.field("minSize", ["MinSize"], toNumber);
      r.field("maxSize", ["MaxSize"], toNumber);
      r.field("desiredCapacity", ["DesiredCapacity"], toNumber);
      const lt = ["MixedInstancesPolicy", "LaunchTemplate"];
      r.field("instanceTypes", [...lt, "Overrides"], (v) => {
        const types = list(v)
          .map((o) => o.InstanceType)
          .filter((t): t is string => typeof t === "string");
        return types.length ? types : undefined;
      });
      r.field("instancesDistribution", ["MixedInstancesPolicy", "InstancesDistribution"], (v) =>
        isObj(v) ? instancesDistributionShape(v) : undefined,
      );
      r.link("launchTemplate", ["LaunchTemplate", "LaunchTemplateId"]);
      r.link("launchTemplate", ["LaunchTemplate", "LaunchTemplateName"]);
      r.link("launchTemplate", [...lt, "LaunchTemplateSpecification", "LaunchTemplateId"]);
      r.link("launchTemplate", [...lt, "LaunchTemplateSpecification", "LaunchTemplateName"]);
      r.link("launchTemplate", ["LaunchConfigurationName"]);
    },
  },
  "AWS::EC2::LaunchTemplate": {
    kind: "launchTemplate",
    read: (r) => {
      r.key(r.get(["LaunchTemplateName"]).value);
      r.field("instanceType", ["LaunchTemplateData", "InstanceType"]);
    },
  },
  "AWS::AutoScaling::LaunchConfiguration": {
    kind: "launchTemplate",
    read: (r) => {
      r.key(r.get(["LaunchConfigurationName"]).value);
      r.field("instanceType", ["InstanceType"]);
    },
  },
};

function clusterProviders(r: Reader): void {
  r.link("cluster", ["ClusterName"]);
  r.link("cluster", ["Cluster"]);
  r.field("providers", ["CapacityProviders"], (v) => (Array.isArray(v) ? v.map(String) : undefined));
  r.field("defaultStrategy", ["DefaultCapacityProviderStrategy"], (v) =>
    list(v).length ? strategyItems(v) : undefined,
  );
}

function scheduledAction(a: Obj): AwsObject {
  const out = pick(a, ["ScheduledActionName", "Schedule", "Timezone", "StartTime", "EndTime"]);
  if (isObj(a.ScalableTargetAction))
    out.ScalableTargetAction = numbers(pick(a.ScalableTargetAction, ["MinCapacity", "MaxCapacity"]), [
      "MinCapacity",
      "MaxCapacity",
    ]);
  return out;
}

/** A policy configuration's properties as the scenario takes them (numbers and booleans may come as strings). */
function fromCloudFormation(c: Obj, shape: CloudFormationShape): AwsObject {
  const out = numbers(pick(c, [...shape.fields]), [...(shape.numbers ?? [])]);
  for (const k of shape.booleans ?? []) if (typeof out[k] === "string") out[k] = out[k] === "true";
  for (const [k, item] of Object.entries(shape.lists ?? {}))
    out[k] = list(c[k]).map((x) => fromCloudFormation(x, item));
  return out;
}

/**
 * Intrinsic functions, resolved as far as the template decides them. A Ref or GetAtt of a resource
 * stays a link (its logical id in `refs`); as a value it stands for the resource's name where the template
 * gives one, else for the logical id, so that names (capacity providers in a strategy) still match.
 */
class Resolver {
  constructor(
    private readonly tpl: Obj,
    private readonly region: string | undefined,
    private readonly overrides: Record<string, string>,
  ) {}

  private get resources(): Obj {
    return this.tpl.Resources as Obj;
  }

  /** Resolve every intrinsic inside a value; unresolved leaves are dropped and the first reason kept. */
  deep(v: unknown): Resolved {
    const refs: string[] = [];
    let why: string | undefined;
    let whyAt: string[] | undefined;
    const walk = (x: unknown, at: string[]): unknown => {
      if (isObj(x) && Object.keys(x).length === 1 && isIntrinsic(Object.keys(x)[0])) {
        const r = this.one(x);
        refs.push(...r.refs);
        if (r.value === undefined && why === undefined && r.why !== undefined) {
          why = r.why;
          whyAt = at;
        }
        return r.value;
      }
      if (Array.isArray(x))
        return x.map((e, i) => walk(e, [...at, String(i)])).filter((e) => e !== undefined);
      if (isObj(x)) {
        const out: Obj = {};
        for (const [k, e] of Object.entries(x)) {
          const w = walk(e, [...at, k]);
          if (w !== undefined) out[k] = w;
        }
        return out;
      }
      return x;
    };
    const value = walk(v, []);
    return { value, refs, why, whyAt };
  }

  private one(x: Obj): Resolved {
    const [fn, arg] = Object.entries(x)[0];
    switch (fn) {
      case "Ref":
        return this.ref(String(arg));
      case "Fn::GetAtt": {
        const [id, attr] = Array.isArray(arg) ? arg.map(String) : splitGetAtt(String(arg));
        return {
          value: this.attribute(id, attr),
          refs: [id],
          why: `!GetAtt ${id}.${attr} is known only after deployment`,
        };
      }
      case "Fn::Sub":
        return this.sub(arg);
      case "Fn::Join": {
        if (!Array.isArray(arg)) return { value: undefined, refs: [], why: "malformed Fn::Join" };
        const parts = this.deep(arg[1]);
        const items = Array.isArray(parts.value) ? parts.value : [];
        const whole = Array.isArray(arg[1]) && items.length === arg[1].length;
        return { value: whole ? items.join(String(arg[0])) : undefined, refs: parts.refs, why: parts.why };
      }
      case "Fn::Select": {
        const r = this.deep(arg);
        const [i, l] = Array.isArray(r.value) ? r.value : [];
        return { value: Array.isArray(l) ? l[Number(i)] : undefined, refs: r.refs, why: r.why };
      }
      case "Fn::FindInMap": {
        const r = this.deep(arg);
        const [m, k1, k2] = Array.isArray(r.value) ? r.value : [];
        const maps = (this.tpl.Mappings ?? {}) as Obj;
        const value = ((maps[String(m)] as Obj)?.[String(k1)] as Obj)?.[String(k2)];
        return { value, refs: r.refs, why: r.why ?? `no mapping ${m}.${k1}.${k2}` };
      }
      case "Fn::If": {
        if (!Array.isArray(arg)) return { value: undefined, refs: [], why: "malformed Fn::If" };
        const c = this.condition(String(arg[0]));
        if (c === undefined)
          return { value: undefined, refs: [], why: `condition ${arg[0]} depends on the deployment` };
        return this.deep(c ? arg[1] : arg[2]);
      }
      default:
        return { value: undefined, refs: [], why: `${fn} is resolved only at deployment` };
    }
  }

  private ref(name: string): Resolved {
    if (name === "AWS::Region") return { value: this.region, refs: [], why: "AWS::Region: give --region" };
    if (name === "AWS::NoValue") return { value: undefined, refs: [] };
    if (name.startsWith("AWS::"))
      return { value: undefined, refs: [], why: `${name} is known only at deployment` };
    const params = (this.tpl.Parameters ?? {}) as Obj;
    if (name in params) {
      const p = params[name] as Obj;
      const v = this.overrides[name] ?? p?.Default;
      return { value: v, refs: [], why: `parameter ${name} has no Default (give --parameter ${name}=…)` };
    }
    if (name in this.resources) return { value: this.nameOf(name), refs: [name] };
    return { value: undefined, refs: [], why: `Ref to unknown ${name}` };
  }

  /** What a resource's Ref or Name attribute reads as: its name property where the template gives one. */
  private nameOf(id: string): string {
    const props = ((this.resources[id] as Obj)?.Properties ?? {}) as Obj;
    for (const k of [
      "Name",
      "ServiceName",
      "ClusterName",
      "AutoScalingGroupName",
      "LaunchTemplateName",
      "Family",
    ]) {
      const v = props[k] === undefined ? undefined : this.deep(props[k]).value;
      if (typeof v === "string") return v;
    }
    return id;
  }

  private attribute(id: string, attr: string): string | undefined {
    if (!(id in this.resources)) return undefined;
    return attr === "Name" || attr === "ServiceName" ? this.nameOf(id) : undefined;
  }

  private sub(arg: unknown): Resolved {
    const [text, vars] = Array.isArray(arg) ? [String(arg[0]), (arg[1] ?? {}) as Obj] : [String(arg), {}];
    const refs: string[] = [];
    let why: string | undefined;
    const value = text.replace(/\$\{([^}!][^}]*)\}/g, (_, expr: string) => {
      const r: Resolved =
        expr in vars
          ? this.deep(vars[expr])
          : expr.includes(".") && !expr.startsWith("AWS::")
            ? (() => {
                const [id, attr] = splitGetAtt(expr);
                return {
                  value: this.attribute(id, attr),
                  refs: [id],
                  why: `\${${expr}} is known only after deployment`,
                };
              })()
            : this.ref(expr);
      refs.push(...r.refs);
      if (r.value === undefined) {
        why ??= r.why;
        return "\u0000";
      }
      return String(r.value);
    });
    return { value: value.includes("\u0000") ? undefined : value, refs, why };
  }

  private condition(name: string): boolean | undefined {
    const c = ((this.tpl.Conditions ?? {}) as Obj)[name];
    return this.truth(c);
  }

  private truth(c: unknown): boolean | undefined {
    if (!isObj(c)) return undefined;
    const [fn, arg] = Object.entries(c)[0] ?? [];
    const args = Array.isArray(arg) ? arg : [];
    if (fn === "Condition") return this.condition(String(arg));
    if (fn === "Fn::Equals") {
      const [a, b] = args.map((x) => this.deep(x).value);
      return a === undefined || b === undefined ? undefined : String(a) === String(b);
    }
    if (fn === "Fn::Not") {
      const t = this.truth(args[0]);
      return t === undefined ? undefined : !t;
    }
    const ts = args.map((x) => this.truth(x));
    if (ts.some((t) => t === undefined)) return undefined;
    if (fn === "Fn::And") return ts.every(Boolean);
    if (fn === "Fn::Or") return ts.some(Boolean);
    return undefined;
  }
}

const isIntrinsic = (k: string) => k === "Ref" || k === "Condition" || k.startsWith("Fn::");
