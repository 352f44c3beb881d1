// The EKS platform in request mode (`engine: { mode: request }`: every request an event, routed to pods in
// service behind the ALB), beside the same scenario in fluid mode. Values asserted follow from the scenario:
// Poisson arrivals of 30 req/s for 5 min then 300 req/s, the HPA's 15 s sync and default behaviour.
import { describe, expect, it } from "vitest";
import { parseScenario } from "../../../src/scenario/load.js";
import { simulate } from "../../../src/simulate.js";

const POOL = `karpenter:
        nodePool: { requirements: [ { key: karpenter.k8s.aws/instance-family, operator: In, values: [m6i, m7i, c6i] },
                                    { key: karpenter.sh/capacity-type, operator: In, values: [on-demand, spot] } ] }`;

function scenario(mode: "fluid" | "request") {
  const platform = (name: string, nodes: string) => `
  ${name}:
    kind: eks
    deployment: { replicas: 2, resources: { requests: { cpu: "1", memory: 2Gi } } }
    hpa:
      minReplicas: 2
      maxReplicas: 50
      metrics: [ { type: Resource, resource: { name: cpu, target: { type: Utilization, averageUtilization: 60 } } } ]
    nodes:
      ${nodes}`;
  return `
name: eks-request
region: us-east-1
seed: 11
duration: 30m
engine: { mode: ${mode} }
traffic:
  synthetic: { shape: step, base: 30, to: 300, at: 5m }
workload:
  cpuPerRequest: 25ms
  serviceTime: { distribution: lognormal, mean: 60ms, cv: 1.0 }
  concurrency: 64
  timeout: 10s
slo: { latency: 250ms, percentile: 99 }
platforms:${platform("fargate", "fargateProfile: {}")}${platform("karpenter", POOL)}
`;
}

const run = async (mode: "fluid" | "request") =>
  (await simulate(parseScenario(scenario(mode), "eks-request.yaml"))).platforms;

describe("EKS in request mode", () => {
  it("runs every node source with requests conserved and the HPA on its 15 s grid", async () => {
    const platforms = await run("request");
    expect(platforms.map((p) => p.name)).toEqual(["fargate", "karpenter"]);
    for (const p of platforms) {
      for (const c of p.checks) expect(c.ok, `${p.name} ${c.name}: ${c.detail}`).toBe(true);
      const r = p.requests;
      // Poisson arrivals: mean 30 × 300 s + 300 × 1500 s = 459,000; 5 standard deviations is ±3,388.
      expect(Math.abs(r.arrived - 459_000)).toBeLessThan(3_388);
      expect(r.arrived).toBe(r.served + r.dropped + r.timedOut + r.inFlightAtEnd);
      const hpa = p.decisions.filter((d) => d.controller === "hpa");
      expect(hpa.length).toBeGreaterThan(0);
      for (const d of hpa) expect(d.t % 15).toBe(0);
      // 30 req/s × 25 ms = 0.75 vCPU on 2 pods is 37.5 %: any proposal is ≤ 2 = minReplicas, so nothing
      // happens before the step at 300 s; the first action is a scale-up after it.
      expect(hpa[0].t).toBeGreaterThan(300);
      expect(hpa[0].action).toBe("scale-up");
    }
  });

  it("is deterministic: same scenario and seed, byte-identical results", async () => {
    const [a, b] = [await run("request"), await run("request")];
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    // Different modes draw differently: the fluid run is not the request run.
    expect(JSON.stringify(await run("fluid"))).not.toBe(JSON.stringify(a));
  });
});
