import { Document, isCollection, isScalar, type Node } from "yaml";
import { ALB_PRICES } from "../../data/alb.js";
import { hasEbsGp3Price } from "../../data/ec2.js";
import { InputError } from "../../errors.js";
import { fromObject } from "../load.js";
import type { ImportedService, ImportResult, Origin, Sourced } from "./imported.js";

/**
 * Write an import as a complete scenario: one platform per service, a placeholder traffic and workload
 * that run (with comments saying how to replace them), and a comment beside every imported value naming
 * where it came from. The scenario is validated before it is returned; a value the scenario rejects is
 * reported at its place in the user's file.
 */

type Path = (string | number)[];

/** Defaults used where the infrastructure says nothing (the scenario schema's own defaults apply too). */
const PLACEHOLDER_TASK = { cpu: 1024, memory: 2048 };
const PLACEHOLDER_INSTANCE_TYPE = "m6i.large";

interface Built {
  data: Record<string, unknown>;
  comments: Map<string, string>;
  origins: Map<string, Origin>;
}

export function writeImportedScenario(r: ImportResult, opts: { name?: string; command: string }): string {
  if (r.services.length === 0) {
    throw new InputError(
      "no ECS service found (looked for aws_ecs_service / AWS::ECS::Service); nothing to import",
      { file: r.file },
    );
  }
  const b = build(r, opts.name);
  validate(b, r);
  const doc = new Document(b.data);
  for (const [key, comment] of b.comments) {
    const node = doc.getIn(JSON.parse(key) as Path, true) as Node | undefined;
    if (isScalar(node)) node.comment = ` ${comment}`;
    else if (isCollection(node)) node.commentBefore = ` ${comment}`;
  }
  doc.commentBefore = header(r, opts.command);
  return doc.toString({ lineWidth: 0 });
}

function header(r: ImportResult, command: string): string {
  const lines = [
    ` Written by: ${command}`,
    ` From ${r.source}. Every imported value names its source in a comment.`,
    " traffic and workload are placeholders that run: point traffic at your own trace and measure the",
    " workload (see README, 'Your own service'); then `scalesim run` this file.",
  ];
  if (r.unresolved.length > 0) {
    lines.push(" Not resolved (a default or placeholder was written instead):");
    for (const u of r.unresolved) lines.push(`   - ${u}`);
  }
  if (r.notes.length > 0) {
    lines.push(" Read, and not a scenario field here:");
    for (const u of r.notes) lines.push(`   - ${u}`);
  }
  if (r.unsupported.length > 0) {
    lines.push(" Read but not modelled:");
    for (const u of r.unsupported) lines.push(`   - ${u}`);
  }
  return lines.join("\n");
}

function build(r: ImportResult, name: string | undefined): Built {
  const b: Built = { data: {}, comments: new Map(), origins: new Map() };
  const set = (path: Path, value: unknown, comment?: string) => {
    let o = b.data as Record<string | number, unknown>;
    for (const k of path.slice(0, -1)) {
      o[k] ??= typeof path[path.indexOf(k) + 1] === "number" ? [] : {};
      o = o[k] as Record<string | number, unknown>;
    }
    o[path[path.length - 1]] = value;
    if (comment) b.comments.set(JSON.stringify(path), comment);
  };
  const put = <T>(path: Path, s: Sourced<T> | undefined, map?: (v: T) => unknown) => {
    if (!s) return;
    set(path, map ? map(s.value) : s.value, `from ${describe(s.from)}`);
    b.origins.set(JSON.stringify(path), s.from);
  };

  set(["name"], name ?? (r.services.length === 1 ? r.services[0].name : "imported"));
  if (r.region) put(["region"], r.region);
  else set(["region"], "us-east-1", "region not found in the input: set it");
  set(["seed"], 1);
  set(["duration"], "1d", "length of the placeholder traffic");
  set(
    ["traffic"],
    { synthetic: { shape: "diurnal", base: 20, peak: 80, period: "1d" } },
    "PLACEHOLDER: replace with your traffic, e.g. { trace: alb-logs/, format: alb-logs } or a CloudWatch RequestCount export { trace: requests.json, format: cloudwatch }",
  );
  set(
    ["workload"],
    {
      cpuPerRequest: "20ms",
      serviceTime: { distribution: "lognormal", mean: "40ms", cv: 0.8 },
      concurrency: 32,
      timeout: "30s",
    },
    "PLACEHOLDER: measure yours (scalesim calibrate --cpu … --requests … --response-time …)",
  );
  set(["slo"], { latency: "500ms", percentile: 99 }, "PLACEHOLDER: your latency objective");
  for (const s of r.services) buildPlatform(s, ["platforms", s.name], set, put);
  // A region without pinned prices for what every service has in front of or under it: say so, and keep
  // the scenario runnable without inventing a price.
  const region = r.region?.value ?? "us-east-1";
  if (!ALB_PRICES[region]) {
    set(
      ["billing", "loadBalancer"],
      { include: false },
      `no pinned ALB price for ${region}: the load balancer is left out of the bill; give pricing: { hourUsd, lcuHourUsd } and include: true to count it`,
    );
    r.unresolved.push(`ALB price for ${region}: not pinned, so billing.loadBalancer.include is false`);
  }
  if (!hasEbsGp3Price(region) && r.services.some((s) => s.kind === "ecs-ec2"))
    r.unresolved.push(
      `EBS gp3 price for ${region}: not pinned; set billing.ebsGp3PerGbMonth (USD per GB-month) before running`,
    );
  return b;
}

type Set = (path: Path, value: unknown, comment?: string) => void;
type Put = <T>(path: Path, s: Sourced<T> | undefined, map?: (v: T) => unknown) => void;

function buildPlatform(s: ImportedService, at: Path, set: Set, put: Put): void {
  set([...at, "kind"], s.kind, `${describe(s.from)}; ${describe(s.kindFrom)}`);
  const t = s.task;
  if (t.cpu) put([...at, "task", "cpu"], t.cpu);
  else set([...at, "task", "cpu"], PLACEHOLDER_TASK.cpu, "task cpu not found: placeholder");
  if (t.memory) put([...at, "task", "memory"], t.memory);
  else set([...at, "task", "memory"], PLACEHOLDER_TASK.memory, "task memory not found: placeholder");
  if (t.architecture && s.kind === "ecs-fargate") put([...at, "task", "architecture"], t.architecture);
  if (t.networkMode && s.kind === "ecs-ec2") put([...at, "task", "networkMode"], t.networkMode);

  const sv = s.service;
  const desired = sv.desiredCount ?? sv.minCapacity;
  if (desired) put([...at, "service", "desiredCount"], desired);
  else set([...at, "service", "desiredCount"], 1, "desired count not found: placeholder");
  const min = sv.minCapacity ?? desired;
  const max = sv.maxCapacity ?? desired;
  if (sv.minCapacity) put([...at, "service", "minCapacity"], sv.minCapacity);
  else set([...at, "service", "minCapacity"], min?.value ?? 1, "no scalable target: the desired count");
  if (sv.maxCapacity) put([...at, "service", "maxCapacity"], sv.maxCapacity);
  else set([...at, "service", "maxCapacity"], max?.value ?? 1, "no scalable target: the desired count");

  const lb = s.loadBalancer;
  put([...at, "loadBalancer", "healthCheckInterval"], lb.healthCheckInterval, seconds);
  put([...at, "loadBalancer", "healthyThreshold"], lb.healthyThreshold);
  put([...at, "loadBalancer", "deregistrationDelay"], lb.deregistrationDelay, seconds);
  put([...at, "loadBalancer", "algorithm"], lb.algorithm);
  put([...at, "loadBalancer", "slowStart"], lb.slowStart, seconds);

  for (const [i, p] of s.scalingPolicies.entries()) put([...at, "scalingPolicies", i], p);
  for (const [i, a] of s.scheduledActions.entries()) put([...at, "scheduledActions", i], a);

  if (s.kind === "ecs-fargate") {
    put([...at, "capacityProviderStrategy"], s.capacityProviderStrategy);
    return;
  }
  s.capacityProviders.forEach((cp, i) => {
    const cat = [...at, "capacityProviders", i];
    set([...cat, "name"], cp.name, `from ${describe(cp.from)}`);
    if (cp.instanceTypes) put([...cat, "autoScalingGroup", "instanceTypes"], cp.instanceTypes);
    else
      set(
        [...cat, "autoScalingGroup", "instanceTypes"],
        [PLACEHOLDER_INSTANCE_TYPE],
        "instance types not found: placeholder",
      );
    if (cp.minSize) put([...cat, "autoScalingGroup", "minSize"], cp.minSize);
    else set([...cat, "autoScalingGroup", "minSize"], 0, "not found: placeholder");
    if (cp.maxSize) put([...cat, "autoScalingGroup", "maxSize"], cp.maxSize);
    else set([...cat, "autoScalingGroup", "maxSize"], 10, "not found: placeholder");
    put([...cat, "autoScalingGroup", "desiredCapacity"], cp.desiredCapacity);
    put([...cat, "autoScalingGroup", "instancesDistribution"], cp.instancesDistribution);
    put([...cat, "managedScaling"], cp.managedScaling);
    put([...cat, "managedTerminationProtection"], cp.managedTerminationProtection);
    put([...cat, "managedDraining"], cp.managedDraining);
  });
  if (s.capacityProviders.length > 1 || s.capacityProviderStrategy)
    put([...at, "capacityProviderStrategy"], s.capacityProviderStrategy);
  put([...at, "placementStrategy"], s.placementStrategy);
  put([...at, "placementConstraints"], s.placementConstraints);
}

const seconds = (v: number) => `${v}s`;

export function describe(o: Origin): string {
  return o.line !== undefined ? `${o.label} (${o.file}:${o.line}:${o.col ?? 1})` : o.label;
}

/**
 * Validate the written scenario; a rejected value is reported where the user wrote it, with the
 * scenario field it became.
 */
function validate(b: Built, r: ImportResult): void {
  try {
    fromObject(b.data, { file: "<imported scenario>", baseDir: process.cwd() });
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    const path = e.location.path ?? "";
    const origin = nearestOrigin(b.origins, path);
    throw new InputError(`${e.detail} (as scenario field ${path})`, {
      file: origin?.file ?? r.file,
      line: origin?.line,
      col: origin?.col,
      path: origin?.label,
    });
  }
}

/** The origin recorded at the scenario path or its nearest ancestor. */
function nearestOrigin(origins: Map<string, Origin>, dotted: string): Origin | undefined {
  const parts: Path = [];
  for (const m of dotted.matchAll(/([^.[\]]+)|\[(\d+)\]/g))
    parts.push(m[2] !== undefined ? Number(m[2]) : m[1]);
  for (let n = parts.length; n > 0; n--) {
    const o = origins.get(JSON.stringify(parts.slice(0, n)));
    if (o) return o;
  }
  return undefined;
}
