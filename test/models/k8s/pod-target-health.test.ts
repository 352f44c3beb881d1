// A pod behind the AWS Load Balancer Controller is a new ALB target once Ready: one passing health check puts
// it in service, whatever HealthyThresholdCount says ("After your target is registered, it must pass one
// health check to be considered healthy":
// https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html).
import { describe, expect, it } from "vitest";
import { Simulation } from "../../../src/engine/sim.js";
import { Deployment, type Pod, type PodHost } from "../../../src/models/k8s/deployment.js";

/** A host that starts every pod's containers `startMs` after it is placed. */
class InstantHost implements PodHost {
  constructor(
    private readonly sim: Simulation,
    private readonly startMs: number,
  ) {}
  place(pod: Pod, d: Deployment): void {
    this.sim.after(this.startMs, (t) => d.podStarted(pod, t));
  }
  release(): void {}
  warmPlace(): void {}
  colocated(): number {
    return 0;
  }
}

describe("EKS pod behind the AWS Load Balancer Controller", () => {
  it("Ready at 17 s, in service at the next 15-s check (30 s), not after 2 × 15 s", () => {
    const sim = new Simulation(1);
    const d = new Deployment(sim, new InstantHost(sim, 7_000), {
      name: "web",
      replicas: 0,
      // Ready 10 s after the containers start (initialDelaySeconds 10, one success).
      readinessProbe: { initialDelaySeconds: 10, periodSeconds: 10, successThreshold: 1 },
      terminationGraceMs: 30_000,
      // The controller's defaults: interval 15 s, healthy threshold 2.
      targetGroup: { healthCheckInterval: 15_000, healthyThreshold: 2, deregistrationDelay: 300_000 },
      inFlightDrain: () => 0,
    });
    d.setReplicas(1);
    sim.run(120_000);
    const pod = d.pods[0];
    expect([pod.runningAt, pod.readyAt, pod.healthyAt]).toEqual([7_000, 17_000, 30_000]);
  });
});
