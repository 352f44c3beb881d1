import type { Rng } from "../../engine/rng.js";
import type { TimeMs } from "../../engine/time.js";
import {
  Deterministic,
  Exponential,
  Lognormal,
  type ServiceTimeDistribution,
} from "../latency/distributions.js";

/**
 * How long an EC2 instance takes from the Auto Scaling group's launch to being usable by the orchestrator,
 * in two phases, because billing starts between them:
 *   pending   — EC2 `pending` (not billed) until `running`;
 *   register  — OS boot and agent start (ECS container agent registering the container instance, or the
 *               kubelet joining the cluster), billed.
 * AWS publishes no figure for either (aws-semantics.md §8: "Typical launch-to-InService time: not found"),
 * so the defaults are named assumptions (`ec2.pendingTime`, `ec2.registrationTime`) and each ASG may give
 * its own distributions. https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ec2-instance-lifecycle.html
 */
export interface LaunchTimeSpec {
  readonly distribution: "deterministic" | "exponential" | "lognormal";
  /** Mean, ms. */
  readonly mean: TimeMs;
  readonly cv: number;
}

export interface InstanceLaunchPhases {
  /** ms from launch to `running` (billing starts). */
  readonly pendingMs: TimeMs;
  /** ms from `running` to registered (tasks or pods can be placed). */
  readonly registerMs: TimeMs;
}

function distribution(spec: LaunchTimeSpec): ServiceTimeDistribution | undefined {
  if (spec.mean <= 0) return undefined;
  if (spec.distribution === "deterministic" || spec.cv === 0) return new Deterministic(spec.mean);
  if (spec.distribution === "exponential") return new Exponential(spec.mean);
  return new Lognormal(spec.mean, spec.cv);
}

/** Draws launch phases from one named stream, pending first, so each launch takes two draws in order. */
export class InstanceLaunchModel {
  private readonly pending: ServiceTimeDistribution | undefined;
  private readonly register: ServiceTimeDistribution | undefined;

  constructor(
    pending: LaunchTimeSpec,
    register: LaunchTimeSpec,
    private readonly rng: Rng,
  ) {
    this.pending = distribution(pending);
    this.register = distribution(register);
  }

  draw(): InstanceLaunchPhases {
    const p = this.pending ? Math.max(0, Math.round(this.pending.sample(this.rng))) : 0;
    const r = this.register ? Math.max(0, Math.round(this.register.sample(this.rng))) : 0;
    return { pendingMs: p, registerMs: r };
  }

  /** Mean launch-to-registered time, ms. */
  get meanMs(): number {
    return (this.pending?.mean ?? 0) + (this.register?.mean ?? 0);
  }
}

/**
 * Time to the next Spot interruption of one instance (or task), given the share of instances interrupted
 * per month (the Spot Instance Advisor's "frequency of interruption", https://aws.amazon.com/ec2/spot/instance-advisor/).
 * A constant hazard h per hour with 1 − exp(−h · 730) = frequency; Infinity when the frequency is 0.
 */
export function drawInterruptionDelayMs(monthlyFrequency: number, rng: Rng): number {
  if (!(monthlyFrequency > 0)) return Number.POSITIVE_INFINITY;
  const f = Math.min(monthlyFrequency, 0.999999);
  const perHour = -Math.log(1 - f) / 730;
  return Math.round(rng.exponential(3_600_000 / perHour));
}

/** The documented two-minute warning before a Spot instance (or Fargate Spot task) is reclaimed.
 *  https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/spot-instance-termination-notices.html */
export const SPOT_NOTICE_MS = 120_000;
