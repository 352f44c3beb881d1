import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cliInProcess } from "../../helpers/cli-inprocess.js";

/**
 * EKS Spot nodes are billed at each type's own Spot price in the scenario's region, as ECS on EC2 is: the
 * dated per-availability-zone snapshot (data/ec2-prices-skypilot.txt, from skypilot-catalog's vms.csv),
 * unless the scenario gives a discount of its own. Expected prices are the catalogue's rows, averaged here.
 */
const dir = mkdtempSync(join(tmpdir(), "scalesim-eks-spot-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function scenario(region: string, nodes: string): string {
  return `name: eks-spot
region: ${region}
seed: 1
duration: 1h
traffic: { synthetic: { shape: constant, rate: 1 } }
workload: { cpuPerRequest: 10ms, serviceTime: 20ms, concurrency: 8 }
slo: { latency: 400ms }
billing: { loadBalancer: { include: false } }
platforms:
  p:
    kind: eks
    deployment: { replicas: 1, resources: { requests: { cpu: 500m, memory: 1Gi } } }
    nodes:
${nodes}
`;
}

async function spotMeters(name: string, yaml: string): Promise<Record<string, number>> {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, yaml);
  const r = await cliInProcess(["run", file, "--out", join(dir, name), "--quiet"]);
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
  const summary = JSON.parse(readFileSync(join(dir, name, "summary.json"), "utf8"));
  const meters: { name: string; quantity: number; usd: number }[] = summary.platforms.p.cost.meters;
  return Object.fromEntries(
    meters.filter((m) => m.name.startsWith("ec2.spot.")).map((m) => [m.name, m.usd / m.quantity]),
  );
}

describe("EKS Spot nodes at their type's regional Spot price", () => {
  it("a managed node group of m5.large Spot in eu-west-1: the mean of the catalogue's three zone prices", async () => {
    // skypilot-catalog vms.csv at 001367d2: m5.large eu-west-1 Spot 0.0466, 0.0467, 0.0465 (On-Demand 0.107).
    const perHour = await spotMeters(
      "mng",
      scenario(
        "eu-west-1",
        "      managedNodeGroups: [ { name: ng, instanceTypes: [m5.large], capacityType: SPOT, minSize: 1, maxSize: 1 } ]",
      ),
    );
    expect(perHour["ec2.spot.m5.large"]).toBeCloseTo((0.0466 + 0.0467 + 0.0465) / 3, 6);
  });

  it("a discount of the scenario's own still applies to every type", async () => {
    const perHour = await spotMeters(
      "own",
      scenario(
        "eu-west-1",
        "      managedNodeGroups: [ { name: ng, instanceTypes: [m5.large], capacityType: SPOT, minSize: 1, maxSize: 1,\n                             spot: { discount: 0.6 } } ]",
      ),
    );
    expect(perHour["ec2.spot.m5.large"]).toBeCloseTo(0.107 * 0.4, 6);
  });

  it("Karpenter prices each Spot offering by its own type, and bills the one it launches at that price", async () => {
    const perHour = await spotMeters(
      "karpenter",
      scenario(
        "us-east-1",
        `      karpenter:
        nodePool: { requirements: [ { key: node.kubernetes.io/instance-type, operator: In, values: [m5.large] },
                                    { key: karpenter.sh/capacity-type, operator: In, values: [spot] } ] }`,
      ),
    );
    const row = readFileSync(join(__dirname, "../../../data/ec2-prices-skypilot.txt"), "utf8")
      .split("\n")
      .find((l) => l.startsWith("m5.large us-east-1 "));
    const zones = (row ?? "")
      .split(" ")
      .slice(3)
      .filter((z) => z !== "-")
      .map(Number);
    expect(zones.length).toBeGreaterThan(2);
    const mean = zones.reduce((a, b) => a + b, 0) / zones.length;
    expect(perHour["ec2.spot.m5.large"]).toBeCloseTo(mean, 6);
    expect(mean).not.toBeCloseTo(0.096 * 0.4, 3); // not the flat ec2Spot.discount
  });
});
