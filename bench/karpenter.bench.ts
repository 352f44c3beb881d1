/**
 * Karpenter scheduling throughput, after the shape of kubernetes-sigs/karpenter's scheduling benchmark
 * (pkg/controllers/provisioning/scheduling/scheduling_benchmark_test.go: 400 instance types, up to 5,000 diverse
 * pods, seed 42, a floor of 100 pods scheduled per second in Go; anchors.md §4.3).
 *
 * Instance types: the catalogue (data/ec2-instances.json) has fewer than 400, so 400 are derived from its shapes
 * deterministically: every catalogue type scaled by 1, 2, 3, 4, 6, 8, 12, 16 and 1/2 (vCPU, memory and price
 * together), named "<type>~x<factor>", in that order, until 400. Allocatable follows the EKS AMI formulas
 * (src/data/eks.ts) with 110 pods per node. Offerings: Spot and On-Demand in 3 zones (2,400 offerings).
 * Pods: drawn from the named stream "bench.karpenter.pods" of seed 42: CPU 100m–8000m and 0.5–8 GiB per vCPU.
 * Baseline in the same process: the uniform planner (planNodeClaims) on the same pods grouped by exact shape.
 *
 * Run: npx tsx bench/karpenter.bench.ts [runs]
 */
import { pathToFileURL } from "node:url";
import {
  EVICTION_THRESHOLD_MIB,
  kubeReservedCpuMilli,
  kubeReservedMemoryMiB,
  VM_MEMORY_OVERHEAD,
} from "../src/data/eks.js";
import { instanceType, listInstanceTypes } from "../src/data/ec2.js";
import { stream } from "../src/engine/rng.js";
import { allowedOfferings, type InstanceCandidate, planNodeClaims } from "../src/models/k8s/karpenter.js";
import { scheduleNodeClaims } from "../src/models/k8s/karpenter-scheduler.js";
import { printBenchHeader } from "./env.js";

const GO_FLOOR_PODS_PER_S = 100;
const FACTORS = [1, 2, 3, 4, 6, 8, 12, 16, 0.5];
const MAX_PODS = 110;

export function benchInstanceTypes(count = 400): InstanceCandidate[] {
  const out: InstanceCandidate[] = [];
  const base = [...listInstanceTypes()].sort();
  for (const f of FACTORS)
    for (const name of base) {
      if (out.length === count) return out;
      const t = instanceType(name);
      const vcpu = t.vcpu * f;
      if (!Number.isInteger(vcpu) || vcpu < 1) continue;
      const memoryMiB = t.memoryMiB * f;
      const dot = name.indexOf(".");
      out.push({
        name: `${name}~x${f}`,
        family: name.slice(0, dot),
        size: `${name.slice(dot + 1)}~x${f}`,
        arch: t.arch === "arm64" ? "arm64" : "amd64",
        vcpu,
        memoryMiB,
        alloc: {
          cpuMilli: vcpu * 1000 - kubeReservedCpuMilli(vcpu),
          memoryMiB: Math.floor(
            memoryMiB * (1 - VM_MEMORY_OVERHEAD) - kubeReservedMemoryMiB(MAX_PODS) - EVICTION_THRESHOLD_MIB,
          ),
          pods: MAX_PODS,
        },
        onDemandPerHour: t.pricePerHour["us-east-1"] * f,
      });
    }
  return out;
}

export function benchPods(n: number, seed = 42): { cpuMilli: number; memoryMiB: number }[] {
  const rng = stream(seed, "bench.karpenter.pods");
  const cpus = [100, 250, 500, 750, 1000, 1500, 2000, 4000, 8000];
  const perVcpuGiB = [0.5, 1, 2, 4, 8];
  return Array.from({ length: n }, () => {
    const cpu = cpus[Math.floor(rng.next() * cpus.length)];
    const gib = perVcpuGiB[Math.floor(rng.next() * perVcpuGiB.length)];
    return { cpuMilli: cpu, memoryMiB: Math.max(64, Math.round((cpu / 1000) * gib * 1024)) };
  });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

export function runKarpenterBench(runs = 5) {
  const types = benchInstanceTypes();
  const offerings = allowedOfferings(
    types,
    ["us-east-1a", "us-east-1b", "us-east-1c"],
    [
      { key: "karpenter.sh/capacity-type", operator: "In", values: ["spot", "on-demand"] },
      { key: "kubernetes.io/arch", operator: "In", values: ["amd64", "arm64"] },
    ],
    0.4,
  );
  const rows = [];
  for (const n of [100, 500, 1000, 2000, 5000]) {
    const pods = benchPods(n);
    const times: number[] = [];
    const baseTimes: number[] = [];
    let claims = 0;
    let usd = 0;
    let baseClaims = 0;
    for (let r = 0; r <= runs; r++) {
      let t0 = process.hrtime.bigint();
      const res = scheduleNodeClaims(offerings, pods);
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (res.unschedulable.length > 0) throw new Error(`${res.unschedulable.length} pods unschedulable`);
      claims = res.nodeClaims.length;
      usd = res.nodeClaims.reduce((s, c) => s + c.offering.pricePerHour, 0);
      // Baseline: the uniform planner, one call per distinct pod shape.
      t0 = process.hrtime.bigint();
      const shapes = new Map<string, { pod: (typeof pods)[number]; count: number }>();
      for (const p of pods) {
        const k = `${p.cpuMilli}/${p.memoryMiB}`;
        const e = shapes.get(k);
        if (e) e.count++;
        else shapes.set(k, { pod: p, count: 1 });
      }
      baseClaims = 0;
      for (const { pod, count } of shapes.values())
        baseClaims += planNodeClaims(offerings, pod, count).length;
      const baseMs = Number(process.hrtime.bigint() - t0) / 1e6;
      if (r > 0) {
        times.push(ms);
        baseTimes.push(baseMs);
      }
    }
    const ms = median(times);
    rows.push({
      pods: n,
      ms,
      podsPerSecond: n / (ms / 1000),
      claims,
      usd,
      baseMs: median(baseTimes),
      baseClaims,
    });
  }
  return { types: types.length, offerings: offerings.length, rows };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  printBenchHeader("karpenter");
  const runs = Number(process.argv[2] ?? 5);
  const r = runKarpenterBench(runs);
  console.log(
    `karpenter scheduling: ${r.types} instance types, ${r.offerings} offerings, seed 42, median of ${runs} runs`,
  );
  for (const x of r.rows)
    console.log(
      `${String(x.pods).padStart(5)} pods: ${x.ms.toFixed(2)} ms → ${Math.round(x.podsPerSecond).toLocaleString("en-US")} pods/s ` +
        `(${(x.podsPerSecond / GO_FLOOR_PODS_PER_S).toFixed(0)}× the Go harness floor of ${GO_FLOOR_PODS_PER_S} pods/s); ` +
        `${x.claims} NodeClaims, $${x.usd.toFixed(2)}/h | baseline uniform planner per shape: ${x.baseMs.toFixed(2)} ms, ${x.baseClaims} NodeClaims`,
    );
}
