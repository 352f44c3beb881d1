/**
 * The EC2 launch type: an ECS service's tasks on container instances from Auto Scaling group capacity
 * providers. Chooses a provider per task (capacity-provider strategy), places tasks on registered instances
 * (placement strategies and constraints), keeps tasks that fit nowhere in PROVISIONING until capacity
 * registers, drains instances for scale-in and Spot interruptions, and reports what the instances cost,
 * split into capacity the tasks reserved and capacity paid for but idle.
 *
 * Sources:
 * - https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-lifecycle.html (PROVISIONING waits for capacity)
 * - https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-placement.html
 * - https://docs.aws.amazon.com/AmazonECS/latest/developerguide/managed-termination-protection.html
 * - https://docs.aws.amazon.com/AmazonECS/latest/developerguide/managed-instance-draining.html
 * - https://docs.aws.amazon.com/AmazonECS/latest/developerguide/container-instance-draining.html
 * - https://docs.aws.amazon.com/AmazonECS/latest/developerguide/spot-instance-draining.html
 */

import type { Rng } from "../../engine/rng.js";
import type { Simulation } from "../../engine/sim.js";
import type { TimeMs } from "../../engine/time.js";
import type { EcsService, TaskLauncher } from "../ecs/service.js";
import type { Task } from "../ecs/task.js";
import { Lognormal } from "../latency/distributions.js";
import type { LauncherReport } from "../platform/result.js";
import type {
  AsgHooks,
  AsgInstance,
  AutoScalingGroup,
  InstanceBill,
  TerminationCause,
} from "./auto-scaling-group.js";
import {
  type ContainerInstance,
  type PlacementConstraint,
  type PlacementStrategy,
  type PlacementTask,
  placeTask,
  selectTaskToStop,
  type TieBreak,
} from "./placement.js";
import { nextProvider, providerToScaleIn, type StrategyItem } from "./strategy.js";
import {
  type ContainerImage,
  HostImageCache,
  type ImagePullBehavior,
  type PullRates,
  pullMs,
} from "../image/pull.js";

/** Registered resources of one instance type, as the ECS agent reports them. */
export interface RegisteredResources {
  cpu: number;
  memoryMiB: number;
  /** awsvpc task slots (ENIs − 1, or the trunking limit). */
  enis: number;
}

export interface Ec2ProviderSetup {
  readonly name: string;
  readonly managedTerminationProtection: boolean;
  readonly managedDraining: boolean;
  /** ECS_ENABLE_SPOT_INSTANCE_DRAINING on the agent. */
  readonly spotInstanceDraining: boolean;
  readonly registered: (type: string) => RegisteredResources;
}

export interface EcsEc2LauncherOptions {
  readonly task: { cpu: number; memoryMiB: number; awsvpc: boolean; hostPort?: number };
  readonly providers: readonly Ec2ProviderSetup[];
  readonly strategy: readonly StrategyItem[];
  readonly placementStrategies: readonly PlacementStrategy[];
  readonly placementConstraints: readonly PlacementConstraint[];
  readonly daemons: readonly { cpu: number; memoryMiB: number }[];
  readonly tieBreak: TieBreak;
  /** Mean placement-to-RUNNING time (assumption `ecsEc2.taskStartTime`). */
  readonly taskStartMs: TimeMs;
  readonly rng: { placement: Rng; start: Rng };
  /**
   * When the workload names an image: the pull on each instance (full the first time, then as
   * ECS_IMAGE_PULL_BEHAVIOR says) plus the container start replace `taskStartMs`. src/models/image/pull.ts
   */
  readonly imagePull?: {
    image: ContainerImage;
    rates: PullRates;
    behavior: ImagePullBehavior;
    containerStartMs: TimeMs;
  };
}

/** A container instance as the scheduler tracks it. */
interface Ci {
  readonly inst: AsgInstance;
  readonly provider: number;
  readonly cap: RegisteredResources;
  cpuUsed: number;
  memUsed: number;
  enisUsed: number;
  hostPorts: number[];
  /** Non-daemon tasks bound here (until they stop). */
  readonly tasks: Task[];
  draining: boolean;
  /** Integrals over registered time of the service's reserved CPU and memory shares, and their max. */
  since: TimeMs;
  cpuShareMs: number;
  memShareMs: number;
  usedShareMs: number;
  registeredMs: number;
  releaseDrain?: () => void;
}

const START_CV = 0.3;

export class EcsEc2Launcher implements TaskLauncher {
  billedTaskSeconds = 0;
  private service: EcsService | undefined;
  private readonly cis: Ci[] = [];
  private readonly byInstance = new Map<string, Ci>();
  private readonly where = new Map<number, Ci>();
  private readonly providerOf = new Map<number, number>();
  private readonly waiting: Task[][];
  private readonly asgs: AutoScalingGroup[] = [];
  private readonly start: Lognormal | undefined;
  private readonly placement: PlacementTask;
  private readonly daemonCpu: number;
  private readonly daemonMem: number;
  private inUseUsd = 0;
  private idleUsd = 0;
  private violations = 0;
  private firstViolation = "";
  private placements = 0;
  private orphanedAtStart = 0;
  private maxWaitMs = 0;
  private closedShares = { cpu: 0, mem: 0, ms: 0 };
  /** Instances holding the workload's image. */
  private readonly images = new HostImageCache();

  constructor(
    private readonly sim: Simulation,
    private readonly opts: EcsEc2LauncherOptions,
  ) {
    this.waiting = opts.providers.map(() => []);
    this.start = opts.taskStartMs > 0 ? new Lognormal(opts.taskStartMs, START_CV) : undefined;
    this.placement = {
      cpu: opts.task.cpu,
      memory: opts.task.memoryMiB,
      awsvpc: opts.task.awsvpc,
      hostPorts: opts.task.hostPort !== undefined ? [opts.task.hostPort] : undefined,
    };
    this.daemonCpu = opts.daemons.reduce((s, d) => s + d.cpu, 0);
    this.daemonMem = opts.daemons.reduce((s, d) => s + d.memoryMiB, 0);
  }

  /** Hooks for provider `p`'s Auto Scaling group; attach the group with `attach` once built. */
  hooksFor(p: number): AsgHooks {
    const setup = this.opts.providers[p];
    return {
      registered: (i, now) => this.register(i, p, now),
      // Managed termination protection: only instances without non-daemon tasks lose scale-in protection.
      canTerminate: (i) =>
        !setup.managedTerminationProtection || (this.byInstance.get(i.id)?.tasks.length ?? 0) === 0,
      terminating: (i, now, cause, done) => this.onTerminating(i, now, cause, done, setup),
      spotNotice: (i, now, at) => {
        if (setup.spotInstanceDraining) this.drain(i, now, at);
      },
      terminated: (i, now) => this.onTerminated(i, now),
      billed: (b) => this.onBilled(b),
    };
  }

  attach(asg: AutoScalingGroup): void {
    this.asgs.push(asg);
  }

  // ---- TaskLauncher -----------------------------------------------------------------------------------

  prepare(task: Task): void {
    this.assignProvider(task);
  }

  launch(task: Task, service: EcsService): void {
    this.service = service;
    const p = this.providerOf.get(task.id) ?? this.assignProvider(task);
    this.waiting[p].push(task);
    this.tryPlace(p);
  }

  /** A task running before the run began: bind it to a registered instance, adding one if none has room. */
  adopt(task: Task, service: EcsService, now: TimeMs): void {
    this.service = service;
    const p = this.assignProvider(task);
    // A fresh empty instance that still cannot take the task (memberOf constraints) never will.
    let added = false;
    for (;;) {
      const k = this.pick(p);
      if (k) {
        this.bind(task, k, now);
        return;
      }
      if (added || !this.asgs[p].addWarm(now)) {
        this.orphanedAtStart++;
        return;
      }
      added = true;
    }
  }

  stopped(task: Task): void {
    const ci = this.where.get(task.id);
    const p = this.providerOf.get(task.id);
    this.providerOf.delete(task.id);
    if (p !== undefined) {
      const q = this.waiting[p];
      const k = q.indexOf(task);
      if (k >= 0) q.splice(k, 1);
    }
    if (ci) {
      this.release(task, ci, this.sim.now);
      if (ci.tasks.length === 0 && ci.releaseDrain) {
        const done = ci.releaseDrain;
        ci.releaseDrain = undefined;
        done();
      }
    }
    for (let q = 0; q < this.waiting.length; q++) this.tryPlace(q);
  }

  /**
   * Scale-in: first the provider the strategy would take a task from, then within it the instance the
   * placement strategies name (binpack: most of the field left; spread: the fullest AZ / instance).
   * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-placement-strategies.html
   */
  selectForStop(candidates: readonly Task[]): Task | undefined {
    const counts = this.opts.providers.map(() => 0);
    for (const t of candidates) {
      const p = this.providerOf.get(t.id);
      if (p !== undefined) counts[p]++;
    }
    const p = providerToScaleIn(this.opts.strategy, counts);
    if (p < 0) return undefined;
    const onCi = new Map<Ci, Task[]>();
    for (const t of candidates) {
      const ci = this.where.get(t.id);
      if (!ci || this.providerOf.get(t.id) !== p) continue;
      const list = onCi.get(ci);
      if (list) list.push(t);
      else onCi.set(ci, [t]);
    }
    const cis = this.cis.filter((c) => onCi.has(c));
    if (cis.length === 0) return undefined;
    // Tasks already told to stop no longer count: the choice sees the instances as they will be.
    const views = cis.map((c) => {
      const v = this.view(c, onCi.get(c)?.length ?? 0);
      let stopping = 0;
      for (const t of c.tasks) if (t.desiredStatus !== "RUNNING") stopping++;
      return {
        ...v,
        cpuRemaining: v.cpuRemaining + stopping * this.opts.task.cpu,
        memoryRemaining: v.memoryRemaining + stopping * this.opts.task.memoryMiB,
      };
    });
    const k = selectTaskToStop({
      instances: views,
      strategies: this.opts.placementStrategies,
      uniform: () => this.opts.rng.placement.next(),
      tieBreak: this.opts.tieBreak,
    });
    if (k < 0) return undefined;
    const tasks = onCi.get(cis[k]) ?? [];
    let best = tasks[0];
    for (const t of tasks) if (t.id > best.id) best = t;
    return best;
  }

  finish(_tasks: readonly Task[], endMs: TimeMs): void {
    for (const ci of this.cis) this.integrate(ci, endMs);
    for (const asg of this.asgs) asg.finish(endMs);
  }

  /** Where a task is bound and what that instance holds now (for checks and tests). */
  placementOf(taskId: number):
    | {
        instanceId: string;
        type: string;
        state: string;
        cap: RegisteredResources;
        cpuUsed: number;
        memUsed: number;
        enisUsed: number;
        tasks: number;
      }
    | undefined {
    const ci = this.where.get(taskId);
    if (!ci) return undefined;
    return {
      instanceId: ci.inst.id,
      type: ci.inst.type,
      state: ci.inst.state,
      cap: ci.cap,
      cpuUsed: ci.cpuUsed,
      memUsed: ci.memUsed,
      enisUsed: ci.enisUsed,
      tasks: ci.tasks.length,
    };
  }

  // ---- what CAS reads --------------------------------------------------------------------------------

  /** Tasks of provider `p` waiting in PROVISIONING for an instance. */
  waitingCount(p: number): number {
    let n = 0;
    for (const t of this.waiting[p]) if (t.desiredStatus === "RUNNING") n++;
    return n;
  }

  /** Instances of provider `p` in service with no non-daemon task (daemon tasks do not make one busy). */
  emptyInstances(p: number): number {
    let n = 0;
    for (const i of this.asgs[p].instances) {
      if (i.state === "terminating") continue;
      if ((this.byInstance.get(i.id)?.tasks.length ?? 0) === 0) n++;
    }
    return n;
  }

  // ---- placement --------------------------------------------------------------------------------------

  /** The provider the strategy gives the task; its events carry the provider's name. */
  private assignProvider(task: Task): number {
    const p = nextProvider(this.opts.strategy, this.activeCounts());
    this.providerOf.set(task.id, p);
    task.capacityProviderName = this.opts.providers[p].name;
    return p;
  }

  private activeCounts(): number[] {
    const counts = this.opts.providers.map(() => 0);
    if (!this.service) return counts;
    for (const t of this.service.tasks) {
      if (t.desiredStatus !== "RUNNING") continue;
      const p = this.providerOf.get(t.id);
      if (p !== undefined) counts[p]++;
    }
    return counts;
  }

  private view(c: Ci, serviceTasks: number): ContainerInstance {
    return {
      id: c.inst.id,
      az: c.inst.az,
      instanceType: c.inst.type,
      cpuRegistered: c.cap.cpu,
      memoryRegistered: c.cap.memoryMiB,
      cpuRemaining: c.cap.cpu - c.cpuUsed,
      memoryRemaining: c.cap.memoryMiB - c.memUsed,
      enisFree: c.cap.enis - c.enisUsed,
      usedHostPorts: c.hostPorts,
      serviceTasks,
      draining: c.draining,
    };
  }

  /** The instance of provider `p` the placement pipeline chooses for one more task, or undefined. */
  private pick(p: number): Ci | undefined {
    const cands: Ci[] = [];
    for (const c of this.cis) if (c.provider === p && !c.draining) cands.push(c);
    if (cands.length === 0) return undefined;
    const k = placeTask({
      instances: cands.map((c) => this.view(c, c.tasks.length)),
      task: this.placement,
      constraints: this.opts.placementConstraints,
      strategies: this.opts.placementStrategies,
      uniform: () => this.opts.rng.placement.next(),
      tieBreak: this.opts.tieBreak,
    });
    return k < 0 ? undefined : cands[k];
  }

  private tryPlace(p: number): void {
    const q = this.waiting[p];
    while (q.length > 0) {
      const task = q[0];
      if (task.desiredStatus !== "RUNNING") {
        q.shift();
        continue;
      }
      const ci = this.pick(p);
      if (!ci) return;
      q.shift();
      const now = this.sim.now;
      this.maxWaitMs = Math.max(this.maxWaitMs, now - task.createdAt);
      this.bind(task, ci, now);
      this.startTask(task, ci);
    }
  }

  /** Reserve the task's resources on the instance, checking that they were there. */
  private bind(task: Task, ci: Ci, now: TimeMs): void {
    this.integrate(ci, now);
    const t = this.opts.task;
    ci.cpuUsed += t.cpu;
    ci.memUsed += t.memoryMiB;
    if (t.awsvpc) ci.enisUsed++;
    if (t.hostPort !== undefined) ci.hostPorts.push(t.hostPort);
    ci.tasks.push(task);
    this.where.set(task.id, ci);
    task.containerInstanceId = ci.inst.id;
    this.placements++;
    // Invariant: a task only ever lands on a registered, non-draining instance with the CPU, memory and ENI for it.
    const bad =
      ci.cpuUsed > ci.cap.cpu
        ? "CPU"
        : ci.memUsed > ci.cap.memoryMiB
          ? "memory"
          : ci.enisUsed > ci.cap.enis
            ? "ENI"
            : ci.inst.state !== "registered" || ci.draining
              ? "instance state"
              : "";
    if (bad) {
      this.violations++;
      if (!this.firstViolation)
        this.firstViolation = `task ${task.id} on ${ci.inst.id} at t=${now / 1000}s exceeded ${bad}`;
    }
  }

  private release(task: Task, ci: Ci, now: TimeMs): void {
    this.integrate(ci, now);
    const k = ci.tasks.indexOf(task);
    if (k < 0) return;
    ci.tasks.splice(k, 1);
    const t = this.opts.task;
    ci.cpuUsed -= t.cpu;
    ci.memUsed -= t.memoryMiB;
    if (t.awsvpc) ci.enisUsed--;
    if (t.hostPort !== undefined) {
      const h = ci.hostPorts.indexOf(t.hostPort);
      if (h >= 0) ci.hostPorts.splice(h, 1);
    }
    this.where.delete(task.id);
  }

  private startTask(task: Task, ci: Ci): void {
    const svc = this.service;
    if (!svc) return;
    svc.taskPending(task, this.sim.now);
    const ip = this.opts.imagePull;
    let d: number;
    if (ip) {
      const pull = pullMs(ip.image, ip.rates, this.images.has(ci.inst.id), ip.behavior);
      task.pullStoppedAt = this.sim.now + pull;
      this.sim.after(pull, () => {
        if (this.byInstance.get(ci.inst.id) === ci) this.images.add(ci.inst.id);
      });
      d = pull + ip.containerStartMs;
    } else d = this.start ? Math.round(this.start.sample(this.opts.rng.start)) : 0;
    this.sim.after(d, (t) => {
      if (this.where.get(task.id) !== ci || task.desiredStatus !== "RUNNING") return;
      svc.taskRunning(task, t);
    });
  }

  // ---- instances --------------------------------------------------------------------------------------

  private register(i: AsgInstance, p: number, now: TimeMs): void {
    const cap = this.opts.providers[p].registered(i.type);
    const ci: Ci = {
      inst: i,
      provider: p,
      cap,
      // DAEMON service tasks start on every instance and hold their reservation for its life.
      cpuUsed: this.daemonCpu,
      memUsed: this.daemonMem,
      enisUsed: 0,
      hostPorts: [],
      tasks: [],
      draining: false,
      since: now,
      cpuShareMs: 0,
      memShareMs: 0,
      usedShareMs: 0,
      registeredMs: 0,
    };
    this.cis.push(ci);
    this.byInstance.set(i.id, ci);
    this.tryPlace(p);
  }

  /** Accumulate the reserved shares held since the last change. */
  private integrate(ci: Ci, now: TimeMs): void {
    const dt = now - ci.since;
    if (dt <= 0) return;
    const n = ci.tasks.length;
    const cpu = (n * this.opts.task.cpu) / ci.cap.cpu;
    const mem = (n * this.opts.task.memoryMiB) / ci.cap.memoryMiB;
    ci.cpuShareMs += cpu * dt;
    ci.memShareMs += mem * dt;
    ci.usedShareMs += Math.max(cpu, mem) * dt;
    ci.registeredMs += dt;
    ci.since = now;
  }

  /**
   * DRAINING: no new task lands here; the scheduler replaces the instance's service tasks elsewhere under the
   * service's deployment configuration (PENDING ones stop at once, RUNNING ones once the minimum healthy
   * percent allows), so a busy instance is not emptied before its replacements are healthy.
   * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/container-instance-draining.html
   */
  private drain(i: AsgInstance, now: TimeMs, deadline?: TimeMs): void {
    const ci = this.byInstance.get(i.id);
    const svc = this.service;
    if (!ci || !svc) return;
    ci.draining = true;
    svc.replace(
      [...ci.tasks],
      now,
      deadline !== undefined ? "TerminationNotice" : "ServiceSchedulerInitiated",
      `container instance ${i.id} is draining`,
      deadline,
    );
  }

  private onTerminating(
    i: AsgInstance,
    now: TimeMs,
    _cause: TerminationCause,
    done: () => void,
    setup: Ec2ProviderSetup,
  ): boolean {
    const ci = this.byInstance.get(i.id);
    if (!ci || ci.tasks.length === 0) return false;
    if (!setup.managedDraining) return false;
    // Managed draining: the lifecycle hook holds the instance until ECS has drained it.
    ci.releaseDrain = done;
    this.drain(i, now);
    return true;
  }

  private onTerminated(i: AsgInstance, now: TimeMs): void {
    const ci = this.byInstance.get(i.id);
    if (!ci) return;
    const svc = this.service;
    // Tasks still here die with the instance; the scheduler replaces them.
    for (const t of [...ci.tasks]) {
      if (svc)
        svc.stopTask(
          t,
          now,
          i.noticeAt !== undefined ? "TerminationNotice" : "ServiceSchedulerInitiated",
          `container instance ${i.id} terminated`,
          now,
        );
      this.release(t, ci, now);
    }
    this.integrate(ci, now);
    this.closedShares.cpu += ci.cpuShareMs;
    this.closedShares.mem += ci.memShareMs;
    this.closedShares.ms += ci.registeredMs;
    this.byInstance.delete(i.id);
    this.images.remove(i.id);
    const k = this.cis.indexOf(ci);
    if (k >= 0) this.cis.splice(k, 1);
    svc?.reconcile();
  }

  /**
   * Split an instance's bill: the share of its billed time the service's tasks reserved (the larger of the
   * CPU and memory shares) is capacity in use; the rest — boot, unreserved room, daemons, OS memory, the
   * 60-second minimum — is idle.
   */
  private onBilled(b: InstanceBill): void {
    const ci = this.byInstance.get(b.instance.id);
    const total = b.computeUsd + b.minimumUsd + b.ebsUsd;
    let inUse = 0;
    if (ci) {
      const end = b.instance.terminatedAt ?? this.sim.now;
      this.integrate(ci, Math.max(ci.since, end));
      const billedMs = b.billedSeconds * 1000;
      const volumeMs = Math.max(1, end - b.instance.launchedAt);
      inUse =
        (billedMs > 0 ? ((b.computeUsd + b.minimumUsd) * ci.usedShareMs) / billedMs : 0) +
        (b.ebsUsd * ci.usedShareMs) / volumeMs;
      inUse = Math.min(total, inUse);
    }
    this.inUseUsd += inUse;
    this.idleUsd += total - inUse;
  }

  report(): LauncherReport {
    let cpu = this.closedShares.cpu;
    let mem = this.closedShares.mem;
    let ms = this.closedShares.ms;
    for (const ci of this.cis) {
      cpu += ci.cpuShareMs;
      mem += ci.memShareMs;
      ms += ci.registeredMs;
    }
    let paidVcpuSeconds = 0;
    for (const a of this.asgs) paidVcpuSeconds += a.billedVcpuSeconds;
    const checks = [
      {
        name: "every task placed on an instance with the CPU, memory and ENI for it",
        ok: this.violations === 0,
        detail:
          this.violations === 0
            ? `${this.placements} placements checked`
            : `${this.violations} violations; first: ${this.firstViolation}`,
      },
      {
        name: "initial tasks fit the initial instances",
        ok: this.orphanedAtStart === 0,
        detail:
          this.orphanedAtStart === 0
            ? "every initial task placed"
            : `${this.orphanedAtStart} initial tasks found no room below maxSize`,
      },
    ];
    return {
      checks,
      capacityCost: { inUseUsd: this.inUseUsd, idleUsd: this.idleUsd },
      paidVcpuSeconds,
      instances: {
        min: 0,
        max: 0,
        mean: 0,
        instanceHours: 0,
        launches: 0,
        spotInterruptions: 0,
        reservedCpuPercent: ms > 0 ? (100 * cpu) / ms : 0,
        reservedMemoryPercent: ms > 0 ? (100 * mem) / ms : 0,
        maxProvisioningWaitSeconds: this.maxWaitMs / 1000,
        providers: {},
      },
    };
  }
}
