import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  INSTANCES_DISTRIBUTION_DEFAULTS,
  nextInstanceType,
} from "../../../src/models/ec2/auto-scaling-group.js";
import { parseScenario } from "../../../src/scenario/load.js";

// https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_InstancesDistribution.html
// SpotAllocationStrategy lowest-price: "Requests Spot Instances using the lowest priced pools within an
// Availability Zone, across the number of Spot pools that you specify for the SpotInstancePools property
// ... This is the default value"; SpotInstancePools "Default: 2".
const TYPES = ["a.large", "b.large", "c.large", "d.large"];
const PRICE = { "a.large": 0.1, "b.large": 0.08, "c.large": 0.09, "d.large": 0.12 };

describe("InstancesDistribution defaults: Spot lowest-price across 2 pools", () => {
  it("the defaults are lowest-price with SpotInstancePools 2", () => {
    expect(INSTANCES_DISTRIBUTION_DEFAULTS).toMatchObject({
      spotAllocationStrategy: "lowest-price",
      spotInstancePools: 2,
    });
  });

  it("Spot launches alternate between the two cheapest types (b, c), never a or d", () => {
    const counts: Record<string, number> = {};
    const launched: string[] = [];
    for (let i = 0; i < 6; i++) {
      const t = nextInstanceType(INSTANCES_DISTRIBUTION_DEFAULTS, "spot", TYPES, PRICE, counts);
      counts[t] = (counts[t] ?? 0) + 1;
      launched.push(t);
    }
    expect(launched).toEqual(["b.large", "c.large", "b.large", "c.large", "b.large", "c.large"]);
  });

  it("SpotInstancePools 1 is the cheapest type only; 3 adds the next cheapest", () => {
    const d1 = { ...INSTANCES_DISTRIBUTION_DEFAULTS, spotInstancePools: 1 };
    expect(nextInstanceType(d1, "spot", TYPES, PRICE, { "b.large": 5 })).toBe("b.large");
    const d3 = { ...INSTANCES_DISTRIBUTION_DEFAULTS, spotInstancePools: 3 };
    expect(nextInstanceType(d3, "spot", TYPES, PRICE, { "b.large": 1, "c.large": 1 })).toBe("a.large");
  });

  const ec2 = readFileSync(new URL("../../../scenarios/ec2-vs-fargate.yaml", import.meta.url), "utf8");
  const spotGroup =
    "instancesDistribution: { onDemandBaseCapacity: 1, onDemandPercentageAboveBaseCapacity: 0 }";

  it("a scenario that leaves spotAllocationStrategy out gets lowest-price and 2 pools", () => {
    const s = parseScenario(ec2, "ec2.yaml");
    const json = JSON.stringify(s.platforms);
    expect(json).toContain('"spotAllocationStrategy":"lowest-price","spotInstancePools":2');
  });

  it("spotInstancePools with another strategy is bad input naming the field", () => {
    const text = ec2.replace(
      spotGroup,
      "instancesDistribution: { onDemandBaseCapacity: 1, spotAllocationStrategy: capacity-optimized, spotInstancePools: 3 }",
    );
    expect(() => parseScenario(text, "ec2.yaml")).toThrow(
      /spotInstancePools: spotInstancePools is valid only with spotAllocationStrategy lowest-price/,
    );
  });
});
