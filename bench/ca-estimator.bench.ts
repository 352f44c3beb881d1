/**
 * BenchmarkBinpackingEstimate from kubernetes/autoscaler cluster-autoscaler/estimator/binpacking_estimator_test.go
 * (https://github.com/kubernetes/autoscaler/blob/master/cluster-autoscaler/estimator/binpacking_estimator_test.go):
 * 50,000 pods of 50m/100 B and 1,000 pods of 95m/190 B on a 1000m / 5000 MiB / 100-pod template with a
 * 3,000-node limiter must need 2,595 nodes and place all 51,000 pods.
 *
 * Run: node --import tsx bench/ca-estimator.bench.ts
 */
import { pathToFileURL } from "node:url";
import { estimateNodes, type PodEquivalenceGroup } from "../src/models/k8s/binpacking-estimator.js";
import { printBenchHeader } from "./env.js";

const MiB = 1024 * 1024;
const EXPECT_NODES = 2595;
const EXPECT_PODS = 51_000;
const RUNS = 5;

export interface CaEstimatorBenchResult {
  medianMs: number;
  podsPerSecond: number;
  nodeCount: number;
  podCount: number;
}

export function runCaEstimatorBench(): CaEstimatorBenchResult {
  const groups: PodEquivalenceGroup[] = [
    { pod: { cpuMilli: 50, memoryBytes: 100, labels: "app=estimatee" }, count: 50_000 },
    { pod: { cpuMilli: 95, memoryBytes: 190, labels: "app=estimatee" }, count: 1_000 },
  ];
  const template = { cpuMilli: 1000, memoryBytes: 5000 * MiB, maxPods: 100, zone: "zone-mars" };
  const oldnode = {
    name: "oldnode",
    cpuMilli: 100,
    memoryBytes: 100 * MiB,
    maxPods: 10,
    zone: "zone-jupiter",
  };
  const times: number[] = [];
  let last = { nodeCount: 0, podCount: 0 };
  // One warm-up run, then RUNS timed runs.
  for (let r = 0; r <= RUNS; r++) {
    const t0 = process.hrtime.bigint();
    const res = estimateNodes(groups, template, { maxNodes: 3000, existingNodes: [oldnode] });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (res.nodeCount !== EXPECT_NODES || res.podCount !== EXPECT_PODS) {
      throw new Error(
        `BenchmarkBinpackingEstimate: got ${res.nodeCount} nodes / ${res.podCount} pods, want ${EXPECT_NODES} / ${EXPECT_PODS}`,
      );
    }
    last = res;
    if (r > 0) times.push(ms);
  }
  times.sort((a, b) => a - b);
  const medianMs = times[Math.floor(times.length / 2)];
  return { medianMs, podsPerSecond: EXPECT_PODS / (medianMs / 1000), ...last };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  printBenchHeader("ca-estimator");
  const r = runCaEstimatorBench();
  console.log(
    `ca-estimator BenchmarkBinpackingEstimate: ${r.nodeCount} nodes, ${r.podCount} pods; ` +
      `median of ${RUNS}: ${r.medianMs.toFixed(2)} ms (${Math.round(r.podsPerSecond).toLocaleString("en-US")} pods/s)`,
  );
}
