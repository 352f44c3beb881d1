// The Cluster Autoscaler's estimator behind upstream's interface (src/models/k8s/estimator.ts), after
// kubernetes/autoscaler cluster-autoscaler/estimator/estimator.go
// (https://github.com/kubernetes/autoscaler/blob/master/cluster-autoscaler/estimator/estimator.go).
import { describe, expect, it } from "vitest";
import {
  AVAILABLE_ESTIMATORS,
  BINPACKING_ESTIMATOR_NAME,
  BinpackingNodeEstimator,
  newEstimator,
} from "../../../src/models/k8s/estimator.js";

const MiB = 1024 * 1024;

describe("Estimator (estimator.go)", () => {
  it('has one estimator, "binpacking" (BinpackingEstimatorName, AvailableEstimators)', () => {
    expect(BINPACKING_ESTIMATOR_NAME).toBe("binpacking");
    expect(AVAILABLE_ESTIMATORS).toEqual(["binpacking"]);
    expect(newEstimator("binpacking")).toBeInstanceOf(BinpackingNodeEstimator);
  });

  it('rejects an unknown name as NewEstimatorBuilder does ("unknown estimator: %s")', () => {
    expect(() => newEstimator("first-fit")).toThrow("unknown estimator: first-fit");
  });

  it("BinpackingNodeEstimator answers binpacking_estimator_test.go's 'simple resource-based binpacking'", () => {
    // Ten pods of 350m / 1000 B on a template of 1000m: two pods per node -> 5 nodes, 10 pods.
    const r = newEstimator().estimate([{ pod: { cpuMilli: 350, memoryBytes: 1000 }, count: 10 }], {
      cpuMilli: 350 * 3 - 50,
      memoryBytes: 2 * 1000 * MiB,
      maxPods: 10,
    });
    expect(r).toMatchObject({ nodeCount: 5, podCount: 10 });
  });
});
