import { describe, expect, it } from "vitest";
import { newPod } from "../../../src/models/k8s/deployment.js";
import type { ServingUnit } from "../../../src/models/serving-unit.js";

/**
 * A pod is the serving unit of an EKS platform: the load balancer reads its status from the pod's own
 * lifecycle (https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/), mapped onto the unit's
 * states: accepted by a kubelet → PENDING, containers started → RUNNING, terminating after it served →
 * DEACTIVATING (deregistering; in-flight requests finish), terminating before it served → STOPPING, gone →
 * STOPPED.
 */
describe("a pod as a serving unit", () => {
  it("walks PROVISIONING → PENDING → RUNNING → DEACTIVATING → STOPPED as its timestamps are set", () => {
    const pod = newPod(7, "web-7", 1_000);
    const unit: ServingUnit = pod;
    const seen = [unit.status];
    pod.startTime = 2_000;
    seen.push(unit.status);
    pod.runningAt = 5_000;
    seen.push(unit.status);
    pod.healthyAt = 9_000;
    pod.inService = true;
    expect(unit.startedAt).toBe(5_000);
    expect(unit.inService).toBe(true);
    pod.deletingAt = 60_000;
    seen.push(unit.status);
    pod.stoppedAt = 90_000;
    seen.push(unit.status);
    expect(seen).toEqual(["PROVISIONING", "PENDING", "RUNNING", "DEACTIVATING", "STOPPED"]);
  });

  it("a pod deleted before it ever passed the health checks stops at once (STOPPING): nothing to drain", () => {
    const pod = newPod(8, "web-8", 0);
    pod.startTime = 1_000;
    pod.runningAt = 3_000;
    pod.deletingAt = 4_000;
    expect(pod.status).toBe("STOPPING");
  });
});
