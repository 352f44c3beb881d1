// End-to-end EKS runs, one per node type, asserting timings and values that follow from the model's
// documented defaults (HPA 15 s / max(4 pods, 100 %) per 15 s / 300 s stabilisation; CA 10 s scan, 10 min
// delay after add and unneeded time; Karpenter batching and consolidation; control plane $0.10/h).
import { describe, expect, it } from "vitest";
import { parseScenario } from "../../../src/scenario/load.js";
import { simulate } from "../../../src/simulate.js";

const POOL = `karpenter:
        nodePool: { requirements: [ { key: karpenter.k8s.aws/instance-family, operator: In, values: [m6i, m7i, c6i] },
                                    { key: karpenter.sh/capacity-type, operator: In, values: [on-demand, spot] } ] }`;
const MNG = `{ managedNodeGroups: [ { name: ng1, instanceTypes: [m6i.large], minSize: 1, maxSize: 40 } ],
             clusterAutoscaler: { expander: least-waste } }`;

function scenario(nodes: string, extra = "", traffic = "{ shape: step, base: 100, to: 600, at: 30m }") {
  return `
name: eks-e2e
region: us-east-1
seed: 5
duration: 2h
traffic:
  synthetic: ${traffic}
workload:
  cpuPerRequest: 25ms
  serviceTime: { distribution: lognormal, mean: 60ms, cv: 1.0 }
  concurrency: 64
  memory: { baseline: 512MiB, perInFlight: 1MiB }
  timeout: 10s
slo: { latency: 250ms, percentile: 99 }
platforms:
  eks:
    kind: eks
    deployment: { replicas: 4, resources: { requests: { cpu: "1", memory: 2Gi } } }
    hpa:
      minReplicas: 4
      maxReplicas: 200
      metrics: [ { type: Resource, resource: { name: cpu, target: { type: Utilization, averageUtilization: 60 } } } ]
    ${extra}
    nodes:
      ${nodes}
`;
}

async function run(text: string) {
  const r = await simulate(parseScenario(text, "eks.yaml"));
  return r.platforms[0];
}

function checksOk(p: Awaited<ReturnType<typeof run>>) {
  for (const c of p.checks) expect(c.ok, `${c.name}: ${c.detail}`).toBe(true);
}

describe("EKS end to end", () => {
  it("Fargate profile: every pod billed as Fargate at 1 vCPU / 3 GB (2 GiB + 256 MB), plus the control plane", async () => {
    const p = await run(scenario("fargateProfile: {}"));
    checksOk(p);
    const meter = (n: string) => p.cost.meters.find((m) => m.name === n);
    // 2 h of control plane at $0.10 per cluster-hour.
    expect(meter("eks.control-plane")?.usd).toBeCloseTo(0.2, 12);
    expect(meter("eks.control-plane")?.quantity).toBeCloseTo(2, 12);
    // Fargate meters in the ratio of the pod size: vCPU-hours / GB-hours = 1 / 3.
    expect(meter("fargate.vcpu")!.quantity / meter("fargate.memory")!.quantity).toBeCloseTo(1 / 3, 9);
    expect(p.kind === "eks" && p.details.nodes).toBe("fargate");
    expect(p.scaling.scaleOutEvents).toBeGreaterThan(0);
  });

  it("HPA follows the default scale-up rate (max of +4 pods, +100 %) per 15 s and waits 300 s to scale down", async () => {
    const p = await run(
      scenario("fargateProfile: {}", "", "{ shape: spike, base: 100, peak: 900, at: 20m, width: 20m }"),
    );
    const hpa = p.decisions.filter((d) => d.controller === "hpa");
    expect(hpa.length).toBeGreaterThan(2);
    for (const d of hpa)
      if (d.to > d.from) expect(d.to).toBeLessThanOrEqual(Math.max(2 * d.from, d.from + 4));
    // Decisions happen on the 15 s sync grid.
    for (const d of hpa) expect(d.t % 15).toBe(0);
    // The load drops at 40 min: every recommendation in the 300 s window before 45 min still includes the high
    // ones, so the replica count may not fall below its 40-min level before 45 min; afterwards it does.
    const at = (t: number) => hpa.filter((d) => d.t <= t).at(-1)!.to;
    const level = at(40 * 60);
    for (const d of hpa) if (d.t > 40 * 60 && d.t < 45 * 60) expect(d.to).toBeGreaterThanOrEqual(level);
    const down = hpa.find((d) => d.t >= 45 * 60 && d.to < d.from);
    expect(down).toBeDefined();
    expect(down!.to).toBeLessThan(level);
  });

  it("managed node group + Cluster Autoscaler: scale-up on the scan grid after pods go Pending, scale-down only after 10 + 10 minutes", async () => {
    const p = await run(scenario(MNG, "", "{ shape: spike, base: 100, peak: 600, at: 20m, width: 20m }"));
    checksOk(p);
    const ca = p.decisions.filter((d) => d.controller === "cluster-autoscaler");
    const ups = ca.filter((d) => d.action === "scale-up");
    const downs = ca.filter((d) => d.action === "scale-down");
    expect(ups.length).toBeGreaterThan(0);
    for (const d of ca) expect(d.t % 10).toBe(0);
    // The first pending pods appear with the first HPA scale-up after the spike (20 min); CA reacts within one scan.
    const firstHpaUp = p.decisions.find((d) => d.controller === "hpa" && d.to > d.from && d.t >= 20 * 60)!;
    const firstCaUp = ups.find((d) => d.t >= firstHpaUp.t)!;
    expect(firstCaUp.t - firstHpaUp.t).toBeLessThanOrEqual(10);
    expect(downs.length).toBeGreaterThan(0);
    const lastUp = Math.max(...ups.filter((u) => u.t < downs[0].t).map((u) => u.t));
    // scale-down-delay-after-add 10 min, and the node must be unneeded 10 min.
    expect(downs[0].t - lastUp).toBeGreaterThanOrEqual(600);
    expect(p.cost.meters.some((m) => m.name === "ec2.on-demand.m6i.large")).toBe(true);
    expect(p.cost.meters.some((m) => m.name === "ebs.gp3")).toBe(true);
  });

  it("self-managed Spot node group bills Spot instances at the discount", async () => {
    const p = await run(
      scenario(`{ selfManagedNodeGroups: [ { name: spot, instanceTypes: [c6i.xlarge], capacityType: SPOT, minSize: 1, maxSize: 30, spot: { discount: 0.7, interruptionFrequency: 0 } } ],
             clusterAutoscaler: {} }`),
    );
    checksOk(p);
    const m = p.cost.meters.find((x) => x.name === "ec2.spot.c6i.xlarge")!;
    expect(m).toBeDefined();
    // $0.17/h On-Demand × 0.3, and 60 s minimum per instance at most.
    expect(m.usd / m.quantity).toBeCloseTo(0.17 * 0.3, 6);
  });

  it("Karpenter: launches the cheapest fitting Spot types after the batch window, consolidates once load falls", async () => {
    const p = await run(scenario(POOL, "", "{ shape: spike, base: 100, peak: 900, at: 20m, width: 30m }"));
    checksOk(p);
    const k = p.decisions.filter((d) => d.controller === "karpenter");
    const launches = k.filter((d) => d.action === "launch");
    expect(launches.length).toBeGreaterThan(0);
    for (const l of launches) expect(l.capacityType).toBe("spot");
    // A launch follows the HPA decision that created the pods by the batch idle time (1 s) at least.
    const hpaUps = p.decisions.filter((d) => d.controller === "hpa" && d.to > d.from);
    for (const l of launches.filter((x) => x.t > 60)) {
      const before = hpaUps.filter((h) => h.t <= l.t).at(-1)!;
      expect(l.t - before.t).toBeGreaterThanOrEqual(1);
      expect(l.t - before.t).toBeLessThanOrEqual(10);
    }
    expect(k.some((d) => d.action.startsWith("consolidate"))).toBe(true);
    expect(p.cost.meters.every((m) => !m.name.startsWith("ec2.on-demand"))).toBe(true);
  });

  it("is deterministic: same scenario and seed give identical results", async () => {
    const text = scenario(POOL);
    const a = await run(text);
    const b = await run(text);
    expect(JSON.stringify(a.decisions)).toBe(JSON.stringify(b.decisions));
    expect(a.cost.totalUsd).toBe(b.cost.totalUsd);
    expect(Array.from(a.minutes.columns.p99Ms)).toEqual(Array.from(b.minutes.columns.p99Ms));
  });

  it("pods metric (requests per second) and external metric targets scale the Deployment", async () => {
    const pods = await run(
      scenario("fargateProfile: {}").replace(
        "[ { type: Resource, resource: { name: cpu, target: { type: Utilization, averageUtilization: 60 } } } ]",
        "[ { type: Pods, pods: { metric: { name: requests_per_second }, target: { type: AverageValue, averageValue: 20 } } } ]",
      ),
    );
    // 600 req/s at 20 per pod → 30 pods once the HPA has converged.
    const lastPods = pods.minutes.columns.desired.at(-1)!;
    expect(lastPods).toBeGreaterThanOrEqual(28);
    expect(lastPods).toBeLessThanOrEqual(34);
    const ext = await run(
      scenario("fargateProfile: {}").replace(
        "[ { type: Resource, resource: { name: cpu, target: { type: Utilization, averageUtilization: 60 } } } ]",
        "[ { type: External, external: { metric: { name: requests_per_second }, target: { type: AverageValue, averageValue: 25 } } } ]",
      ),
    );
    // 600 / 25 = 24 pods.
    expect(ext.minutes.columns.desired.at(-1)).toBe(24);
  });
});

describe("eks scenario validation", () => {
  it("rejects an unknown Karpenter instance family with its path", () => {
    expect(() => parseScenario(scenario(POOL.replace("m7i", "m9z")), "bad.yaml")).toThrow(
      /instance family "m9z"/,
    );
  });
  it("rejects two node sources at once", () => {
    expect(() => parseScenario(scenario(`{ fargateProfile: {}, ${MNG.slice(1)}`), "bad.yaml")).toThrow(
      /exactly one/,
    );
  });
  it("rejects a pod that fits no node of its group", () => {
    const t = scenario(MNG).replace('cpu: "1", memory: 2Gi', 'cpu: "4", memory: 2Gi');
    expect(() => parseScenario(t, "bad.yaml")).toThrow(/does not fit m6i.large/);
  });
});
