import type { FargateRates } from "../../data/fargate.js";
import { smallestFargateSizeCovering } from "../../data/fargate.js";
import type { Rng } from "../../engine/rng.js";
import type { Simulation } from "../../engine/sim.js";
import type { TimeMs } from "../../engine/time.js";
import { fargateTaskCost, type FargateTaskSize } from "../billing/fargate.js";
import { type CostLedger, FARGATE_USAGE } from "../billing/ledger.js";
import type { Deployment, Pod, PodHost } from "../k8s/deployment.js";
import { Lognormal } from "../latency/distributions.js";

/** Memory EKS adds to every Fargate pod for kubelet, kube-proxy and containerd. */
export const EKS_FARGATE_OVERHEAD_MIB = 256;

/**
 * The Fargate capacity an EKS pod gets: the pod's requests (the larger of init and the sum of regular
 * containers; here one container) plus 256 MB of memory, rounded up to the smallest valid Fargate size.
 * https://docs.aws.amazon.com/eks/latest/userguide/fargate-pod-configuration.html
 * Worked example (aws-semantics W8): 1 vCPU / 8 GB → 8.25 GB does not exist at 1 vCPU → 2 vCPU / 9 GB.
 */
export function eksFargateSize(
  cpuMilli: number,
  memoryMiB: number,
): { cpu: number; memoryMiB: number } | undefined {
  // No requests at all: 0.25 vCPU / 0.5 GB (same page).
  const units = Math.max(256, Math.ceil((cpuMilli * 1024) / 1000));
  return smallestFargateSizeCovering(units, Math.max(512, memoryMiB + EKS_FARGATE_OVERHEAD_MIB));
}

export interface FargateProfileOptions {
  size: FargateTaskSize;
  rates: FargateRates;
  /** Mean time to find capacity and attach the ENI (not billed). */
  provisioningMs: TimeMs;
  /** Mean image pull and container start (billed). */
  pendingMs: TimeMs;
  ledger: CostLedger;
  rng: Rng;
}

const STARTUP_CV = 0.3;

/**
 * A Fargate profile: every pod on its own Fargate micro-VM, so pods never wait for nodes. Billing is Fargate's,
 * per second with a one-minute minimum from the image download until the pod terminates.
 * https://docs.aws.amazon.com/eks/latest/userguide/fargate.html ; https://aws.amazon.com/fargate/pricing/
 */
export class FargateProfileHost implements PodHost {
  billedPodSeconds = 0;
  private readonly provisioning?: Lognormal;
  private readonly pending?: Lognormal;

  constructor(
    private readonly sim: Simulation,
    private readonly opts: FargateProfileOptions,
  ) {
    if (opts.provisioningMs > 0) this.provisioning = new Lognormal(opts.provisioningMs, STARTUP_CV);
    if (opts.pendingMs > 0) this.pending = new Lognormal(opts.pendingMs, STARTUP_CV);
  }

  place(pod: Pod, d: Deployment): void {
    const p = this.provisioning ? Math.round(this.provisioning.sample(this.opts.rng)) : 0;
    const q = this.pending ? Math.round(this.pending.sample(this.opts.rng)) : 0;
    this.sim.after(p, (t) => {
      if (pod.deletingAt !== undefined) return;
      d.podBound(pod, t);
      pod.pullStartedAt = t;
      this.sim.after(q, (t2) => {
        if (pod.deletingAt === undefined) d.podStarted(pod, t2);
      });
    });
  }

  warmPlace(pod: Pod, now: TimeMs): void {
    pod.pullStartedAt = now;
  }

  colocated(): number {
    return 0;
  }

  release(pod: Pod, now: TimeMs): void {
    if (pod.pullStartedAt !== undefined) this.bill(pod.pullStartedAt, now);
  }

  /** Bill pods still alive at the end of the run. */
  finish(pods: readonly Pod[], endMs: TimeMs): void {
    for (const p of pods)
      if (p.pullStartedAt !== undefined && p.stoppedAt === undefined) this.bill(p.pullStartedAt, endMs);
  }

  private bill(startMs: TimeMs, endMs: TimeMs): void {
    const size = this.opts.size;
    const { vcpuUsd, memoryUsd, seconds } = fargateTaskCost(size, this.opts.rates, startMs, endMs);
    const usd = vcpuUsd + memoryUsd;
    const span = Math.max(1, endMs - startMs);
    const exact = (usd * Math.min(span, seconds * 1000)) / (seconds * 1000);
    this.opts.ledger.addInterval(
      startMs,
      Math.max(endMs, startMs + 1),
      exact / span,
      usd - exact,
      FARGATE_USAGE,
    );
    this.opts.ledger.addToMeter("fargate.vcpu", "vCPU-hours", (size.vcpu * seconds) / 3600, vcpuUsd);
    this.opts.ledger.addToMeter("fargate.memory", "GB-hours", (size.memoryGb * seconds) / 3600, memoryUsd);
    this.billedPodSeconds += seconds;
  }
}
