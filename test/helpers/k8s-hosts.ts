import type { Simulation } from "../../src/engine/sim.js";
import type { Deployment, Pod, PodHost } from "../../src/models/k8s/deployment.js";

/** Capacity that takes every pod at once: bound and started in the same instant, for controller tests. */
export class InstantHost implements PodHost {
  constructor(private readonly sim: Simulation) {}
  place(pod: Pod, d: Deployment): void {
    this.sim.after(0, (t) => {
      if (pod.deletingAt !== undefined) return;
      d.podBound(pod, t);
      d.podStarted(pod, t);
    });
  }
  release(): void {}
  warmPlace(): void {}
  colocated(): number {
    return 0;
  }
}
