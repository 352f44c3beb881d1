/**
 * ECS task placement on EC2 container instances: filter by resources, apply binding constraints, then the
 * best-effort strategies in order; and the matching choice of which task a service stops on scale-in.
 *
 * Sources:
 * - https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-placement.html
 * - https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-placement-strategies.html
 * - https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-placement-constraints.html
 * - https://docs.aws.amazon.com/AmazonECS/latest/developerguide/cluster-query-language.html
 */

import type { Uniform } from "../../engine/rng.js";
import { InputError } from "../../errors.js";

export interface ContainerInstance {
  readonly id: string;
  /** Availability zone, the `attribute:ecs.availability-zone` value. */
  readonly az: string;
  /** EC2 instance type, the `attribute:ecs.instance-type` value. */
  readonly instanceType: string;
  readonly cpuRegistered: number;
  readonly memoryRegistered: number;
  readonly cpuRemaining: number;
  readonly memoryRemaining: number;
  /** awsvpc task slots still free (ENIs or trunk branch interfaces). */
  readonly enisFree: number;
  readonly gpuRemaining?: number;
  /** Host ports already bound on the instance. */
  readonly usedHostPorts?: readonly number[];
  /** Tasks of the service being placed that already run here. */
  readonly serviceTasks: number;
  /** CPU / memory held back for daemon tasks not yet started on the instance. */
  readonly daemonReservedCpu?: number;
  readonly daemonReservedMemory?: number;
  /** DRAINING instances take no new tasks. https://docs.aws.amazon.com/AmazonECS/latest/developerguide/container-instance-draining.html */
  readonly draining?: boolean;
}

export interface PlacementTask {
  readonly cpu: number;
  readonly memory: number;
  readonly awsvpc: boolean;
  readonly gpu?: number;
  readonly hostPorts?: readonly number[];
}

export type PlacementStrategy =
  | { readonly type: "binpack"; readonly field: "cpu" | "memory" }
  | { readonly type: "spread"; readonly field: string }
  | { readonly type: "random" };

export type PlacementConstraint =
  | { readonly type: "distinctInstance" }
  | { readonly type: "memberOf"; readonly expression: string };

/** A service's default when none is given: spread across Availability Zones. */
export const DEFAULT_SERVICE_STRATEGY: readonly PlacementStrategy[] = [
  { type: "spread", field: "attribute:ecs.availability-zone" },
];

/**
 * Which of several equally ranked instances gets the task once every strategy has been applied. AWS does
 * not say; "random" draws from the Uniform (deterministic given the stream), "first" keeps input order.
 */
export type TieBreak = "random" | "first";
export const PLACEMENT_TIE_BREAK_DEFAULT: TieBreak = "random";

// ---------------------------------------------------------------------------------------------------------
// Cluster query language (the subset memberOf needs): attribute comparisons with ==, !=, =~, in, not_in, joined by
// and / or (and binds tighter), parentheses, and `*` wildcards in values.

type Pred = (inst: ContainerInstance) => boolean;

const QUERY_ATTRIBUTES = new Set([
  "attribute:ecs.availability-zone",
  "ecs.availability-zone",
  "attribute:ecs.instance-type",
  "ecs.instance-type",
]);

function attributeOf(inst: ContainerInstance, name: string): string | undefined {
  switch (name) {
    case "attribute:ecs.availability-zone":
    case "ecs.availability-zone":
      return inst.az;
    case "attribute:ecs.instance-type":
    case "ecs.instance-type":
      return inst.instanceType;
    case "instanceId":
    case "host":
      return inst.id;
    default:
      return undefined;
  }
}

function valueMatcher(v: string): (s: string) => boolean {
  if (!v.includes("*")) return (s) => s === v;
  const re = new RegExp(`^${v.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`);
  return (s) => re.test(s);
}

function tokenize(expr: string): string[] {
  const out: string[] = [];
  const re = /\s*(==|!=|=~|\(|\)|\[|\]|,|[^\s()[\],=!]+)/y;
  let pos = 0;
  while (pos < expr.length) {
    if (/^\s*$/.test(expr.slice(pos))) break;
    re.lastIndex = pos;
    const m = re.exec(expr);
    if (!m) throw new InputError(`cannot read placement expression "${expr}" at offset ${pos}`);
    out.push(m[1]);
    pos = re.lastIndex;
  }
  return out;
}

/**
 * Compiles a memberOf expression into a predicate; throws InputError for what it cannot read.
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/cluster-query-language.html
 */
export function compileExpression(expr: string): Pred {
  const toks = tokenize(expr);
  let i = 0;
  function fail(what: string): never {
    throw new InputError(`placement expression "${expr}": ${what}`);
  }
  const peek = () => toks[i];
  const take = () => toks[i++];

  function comparison(): Pred {
    if (peek() === "(") {
      take();
      const p = disjunction();
      if (take() !== ")") fail("expected )");
      return p;
    }
    const attr = take();
    if (attr === undefined) fail("expected an attribute");
    if (!QUERY_ATTRIBUTES.has(attr)) {
      fail(
        `unsupported attribute ${attr} (supported: attribute:ecs.instance-type, attribute:ecs.availability-zone)`,
      );
    }
    const op = take();
    // =~ matches a pattern ("attribute:ecs.instance-type =~ g2.*"); == and != also accept * wildcards.
    if (op === "==" || op === "!=" || op === "=~") {
      const v = take();
      if (v === undefined) fail(`expected a value after ${op}`);
      const match = valueMatcher(v);
      const neg = op === "!=";
      return (inst) => match(attributeOf(inst, attr) ?? "") !== neg;
    }
    if (op === "in" || op === "not_in") {
      if (take() !== "[") fail(`expected [ after ${op}`);
      const matchers: ((s: string) => boolean)[] = [];
      for (;;) {
        const v = take();
        if (v === undefined) fail("unterminated list");
        if (v === "]") break;
        if (v === ",") continue;
        matchers.push(valueMatcher(v));
      }
      const neg = op === "not_in";
      return (inst) => {
        const s = attributeOf(inst, attr) ?? "";
        let hit = false;
        for (const m of matchers) if (m(s)) hit = true;
        return hit !== neg;
      };
    }
    return fail(`unsupported operator ${op ?? "(end)"}`);
  }
  function conjunction(): Pred {
    let p = comparison();
    while (peek() === "and") {
      take();
      const a = p;
      const b = comparison();
      p = (inst) => a(inst) && b(inst);
    }
    return p;
  }
  function disjunction(): Pred {
    let p = conjunction();
    while (peek() === "or") {
      take();
      const a = p;
      const b = conjunction();
      p = (inst) => a(inst) || b(inst);
    }
    return p;
  }
  const p = disjunction();
  if (i !== toks.length) fail(`unexpected ${toks[i]}`);
  return p;
}

/**
 * The first memberOf expression that no instance a group could launch satisfies (its instance types in its
 * Availability Zones), or undefined when some launchable instance passes every expression. Cluster auto
 * scaling cannot make room for such a task, so it must not scale out for it.
 */
export function memberOfNoLaunchableMatch(
  constraints: readonly PlacementConstraint[],
  instanceTypes: readonly string[],
  azs: readonly string[],
): string | undefined {
  const exprs = constraints.flatMap((c) => (c.type === "memberOf" ? [c.expression] : []));
  if (exprs.length === 0) return undefined;
  const preds = exprs.map(compileExpression);
  const shapes = instanceTypes.flatMap((instanceType) =>
    azs.map((az) => ({ id: "", az, instanceType }) as ContainerInstance),
  );
  if (shapes.some((inst) => preds.every((p) => p(inst)))) return undefined;
  // Name the expression that rules out the most shapes (the first of equals).
  let worst = 0;
  let most = -1;
  preds.forEach((p, k) => {
    const out = shapes.filter((inst) => !p(inst)).length;
    if (out > most) {
      most = out;
      worst = k;
    }
  });
  return exprs[worst];
}

// ---------------------------------------------------------------------------------------------------------

/** Whether the task's CPU, memory, ENI, GPU and host-port needs fit what the instance has left. */
export function fitsResources(inst: ContainerInstance, task: PlacementTask): boolean {
  if (inst.draining) return false;
  if (task.cpu > inst.cpuRemaining - (inst.daemonReservedCpu ?? 0)) return false;
  if (task.memory > inst.memoryRemaining - (inst.daemonReservedMemory ?? 0)) return false;
  if (task.awsvpc && inst.enisFree < 1) return false;
  if ((task.gpu ?? 0) > (inst.gpuRemaining ?? 0)) return false;
  if (task.hostPorts && inst.usedHostPorts) {
    for (const p of task.hostPorts) if (inst.usedHostPorts.includes(p)) return false;
  }
  return true;
}

export interface PlacementRequest {
  readonly instances: readonly ContainerInstance[];
  readonly task: PlacementTask;
  readonly constraints?: readonly PlacementConstraint[];
  readonly strategies?: readonly PlacementStrategy[];
  readonly uniform?: Uniform;
  readonly tieBreak?: TieBreak;
}

function spreadKey(inst: ContainerInstance, field: string): string {
  const v = attributeOf(inst, field);
  if (v === undefined)
    throw new InputError(
      `unsupported spread field ${field} (use attribute:ecs.availability-zone, instanceId or host)`,
    );
  return v;
}

function pickIndex(n: number, uniform: Uniform | undefined, tie: TieBreak): number {
  if (n <= 1 || tie === "first" || uniform === undefined) return 0;
  return Math.min(n - 1, Math.floor(uniform() * n));
}

/**
 * Index into `instances` of the instance the task is placed on, or -1 when none qualifies (the task stays
 * PENDING / PROVISIONING: constraints are binding, strategies are best effort).
 * Pipeline per task-placement.html: resources → constraints → strategies in order → select.
 */
export function placeTask(req: PlacementRequest): number {
  const { instances, task } = req;
  const strategies = req.strategies ?? DEFAULT_SERVICE_STRATEGY;
  const tie = req.tieBreak ?? PLACEMENT_TIE_BREAK_DEFAULT;
  const preds: Pred[] = [];
  let distinct = false;
  for (const c of req.constraints ?? []) {
    if (c.type === "distinctInstance") distinct = true;
    else preds.push(compileExpression(c.expression));
  }

  let cand: number[] = [];
  for (let i = 0; i < instances.length; i++) {
    const inst = instances[i];
    if (!fitsResources(inst, task)) continue;
    // distinctInstance: each task of the group on a different container instance.
    if (distinct && inst.serviceTasks > 0) continue;
    let ok = true;
    for (const p of preds) if (!p(inst)) ok = false;
    if (ok) cand.push(i);
  }
  if (cand.length === 0) return -1;

  for (const s of strategies) {
    if (cand.length <= 1) break;
    if (s.type === "binpack") {
      // Leave the least of the field unused: keep the instances with the least remaining after placement.
      const rem = (i: number) =>
        s.field === "cpu"
          ? instances[i].cpuRemaining - (instances[i].daemonReservedCpu ?? 0)
          : instances[i].memoryRemaining - (instances[i].daemonReservedMemory ?? 0);
      let best = Number.POSITIVE_INFINITY;
      for (const i of cand) best = Math.min(best, rem(i));
      cand = cand.filter((i) => rem(i) === best);
    } else if (s.type === "spread") {
      // Even spread of this service's tasks over the field's values; counts include instances filtered out
      // above, because their tasks still belong to the value.
      const counts = new Map<string, number>();
      for (const inst of instances) {
        const k = spreadKey(inst, s.field);
        counts.set(k, (counts.get(k) ?? 0) + inst.serviceTasks);
      }
      let best = Number.POSITIVE_INFINITY;
      for (const i of cand) best = Math.min(best, counts.get(spreadKey(instances[i], s.field)) ?? 0);
      cand = cand.filter((i) => (counts.get(spreadKey(instances[i], s.field)) ?? 0) === best);
    } else {
      // random: any candidate.
      const k = pickIndex(cand.length, req.uniform, "random");
      cand = [cand[k]];
    }
  }
  return cand[pickIndex(cand.length, req.uniform, tie)];
}

/** The instance after one more task of `task` is placed on it. */
export function withTaskPlaced(inst: ContainerInstance, task: PlacementTask): ContainerInstance {
  return {
    ...inst,
    cpuRemaining: inst.cpuRemaining - task.cpu,
    memoryRemaining: inst.memoryRemaining - task.memory,
    enisFree: task.awsvpc ? inst.enisFree - 1 : inst.enisFree,
    gpuRemaining: (inst.gpuRemaining ?? 0) - (task.gpu ?? 0),
    usedHostPorts: task.hostPorts?.length
      ? [...(inst.usedHostPorts ?? []), ...task.hostPorts]
      : inst.usedHostPorts,
    serviceTasks: inst.serviceTasks + 1,
  };
}

export interface ScaleInRequest {
  readonly instances: readonly ContainerInstance[];
  readonly strategies?: readonly PlacementStrategy[];
  readonly uniform?: Uniform;
  readonly tieBreak?: TieBreak;
}

/**
 * Index of the instance whose service task is stopped on scale-in, or -1 when the service has none.
 * binpack: the instance with the most of the field left after the task is stopped (all tasks of a service
 * are the same size, so: the most left now); spread on the AZ: keep the AZs balanced — stop in the AZ with
 * the most tasks, at random within it; spread on instanceId: the instance with the most tasks; random: any.
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-placement-strategies.html
 */
export function selectTaskToStop(req: ScaleInRequest): number {
  const { instances } = req;
  const strategies = req.strategies ?? DEFAULT_SERVICE_STRATEGY;
  let cand: number[] = [];
  for (let i = 0; i < instances.length; i++) if (instances[i].serviceTasks > 0) cand.push(i);
  if (cand.length === 0) return -1;
  for (const s of strategies) {
    if (cand.length <= 1) break;
    if (s.type === "binpack") {
      const rem = (i: number) =>
        s.field === "cpu" ? instances[i].cpuRemaining : instances[i].memoryRemaining;
      let best = Number.NEGATIVE_INFINITY;
      for (const i of cand) best = Math.max(best, rem(i));
      cand = cand.filter((i) => rem(i) === best);
    } else if (s.type === "spread") {
      const counts = new Map<string, number>();
      for (const inst of instances) {
        const k = spreadKey(inst, s.field);
        counts.set(k, (counts.get(k) ?? 0) + inst.serviceTasks);
      }
      let best = Number.NEGATIVE_INFINITY;
      for (const i of cand) best = Math.max(best, counts.get(spreadKey(instances[i], s.field)) ?? 0);
      cand = cand.filter((i) => (counts.get(spreadKey(instances[i], s.field)) ?? 0) === best);
    } else {
      cand = [cand[pickIndex(cand.length, req.uniform, "random")]];
    }
  }
  // "Within an Availability Zone, tasks are selected at random."
  return cand[pickIndex(cand.length, req.uniform, req.tieBreak ?? PLACEMENT_TIE_BREAK_DEFAULT)];
}
