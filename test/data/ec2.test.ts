import { describe, expect, it } from "vitest";
import {
  awsvpcTaskLimit,
  ebsGp3PricePerGbMonth,
  instancePrice,
  instanceType,
  listInstanceTypes,
  priceSource,
} from "../../src/data/ec2.js";
import { InputError } from "../../src/errors.js";

describe("EC2 catalogue against aws-semantics.md §8.1 (Karpenter price table, shapes per karpenter.sh)", () => {
  // Rows of the §8.1 table: type, vCPU, memory MiB, arch, us-east-1 $/hour.
  const rows: [string, number, number, string, number][] = [
    ["t3.medium", 2, 4096, "x86_64", 0.0416],
    ["c5.large", 2, 4096, "x86_64", 0.085],
    ["m5.large", 2, 8192, "x86_64", 0.096],
    ["m6i.large", 2, 8192, "x86_64", 0.096],
    ["m7g.large", 2, 8192, "arm64", 0.0816],
    ["m5.xlarge", 4, 16384, "x86_64", 0.192],
  ];
  it.each(rows)("%s: %i vCPU, %i MiB, %s, $%f/h", (name, vcpu, mem, arch, price) => {
    const t = instanceType(name);
    expect([t.vcpu, t.memoryMiB, t.arch]).toEqual([vcpu, mem, arch]);
    expect(instancePrice(name, "us-east-1")).toBe(price);
  });

  // The "(extra)" row of §8.1.
  it.each([
    ["m6g.large", 0.077],
    ["c6i.large", 0.085],
    ["c7g.large", 0.0725],
    ["m7i.large", 0.1008],
    ["t4g.medium", 0.0336],
    ["r5.large", 0.126],
  ] as const)("%s costs $%f/h in us-east-1", (name, price) => {
    expect(instancePrice(name, "us-east-1")).toBe(price);
  });
});

describe("awsvpc task limits (container-instance-eni.html)", () => {
  it("c5.large: three ENIs, two awsvpc tasks, ten with trunking (the guide's own example)", () => {
    const t = instanceType("c5.large");
    expect([t.maxEnis, t.awsvpcTasks, t.awsvpcTasksTrunking]).toEqual([3, 2, 10]);
  });

  // Rows of the ECS 'Supported Amazon EC2 instance types' tables: without / with trunking.
  it.each([
    ["m5.xlarge", 3, 20],
    ["m6i.2xlarge", 3, 40],
    ["m6g.4xlarge", 7, 60],
    ["c7g.xlarge", 3, 20],
    ["r6i.4xlarge", 7, 60],
  ] as const)("%s: %i tasks, %i with trunking", (name, plain, trunked) => {
    expect(awsvpcTaskLimit(name, false)).toBe(plain);
    expect(awsvpcTaskLimit(name, true)).toBe(trunked);
  });

  it("T-family types are not trunking-capable, so trunking leaves their limit at ENIs − 1", () => {
    expect(instanceType("t3.medium").awsvpcTasksTrunking).toBeNull();
    expect(awsvpcTaskLimit("t3.medium", true)).toBe(2);
  });

  it("every type has awsvpcTasks = maxEnis − 1 (the primary interface counts against the limit)", () => {
    for (const name of listInstanceTypes()) {
      const t = instanceType(name);
      expect(t.awsvpcTasks, name).toBe(t.maxEnis - 1);
    }
  });
});

describe("lookups and errors", () => {
  it("lists all 48 pinned types, sorted, covering the 12 requested families", () => {
    const names = listInstanceTypes();
    expect(names).toHaveLength(48);
    expect([...names].sort()).toEqual(names);
    const families = new Set(names.map((n) => n.split(".")[0]));
    expect([...families].sort()).toEqual(
      ["c5", "c6i", "c7g", "m5", "m6g", "m6i", "m7g", "m7i", "r5", "r6i", "t3", "t4g"].sort(),
    );
  });

  it("a missing region is an InputError naming the regions that have a price", () => {
    expect(() => instancePrice("m7g.large", "us-gov-west-1")).toThrow(InputError);
    // The SkyPilot catalogue lists no m7i in af-south-1: the error names the 16 regions that have it.
    expect(() => instancePrice("m7i.large", "af-south-1")).toThrow(
      /pinned regions for m7i.large: ap-northeast-1, ap-northeast-2, .*us-west-2\)/,
    );
    expect(() => instancePrice("m5.large", "sa-east-1")).toThrow(/af-south-1, ap-east-1, .*us-west-2\)/);
  });

  it("an unknown type is an InputError listing the pinned types", () => {
    expect(() => instanceType("m5.metal")).toThrow(/unknown EC2 instance type "m5.metal".*c5.large/);
  });

  it("GovCloud prices come from Karpenter's us-gov table (m5.large $0.121, t4g.medium $0.0392)", () => {
    expect(instancePrice("m5.large", "us-gov-west-1")).toBe(0.121);
    expect(instancePrice("t4g.medium", "us-gov-east-1")).toBe(0.0392);
    expect(instancePrice("t3.medium", "af-south-1")).toBe(0.0542);
  });

  it("every priced region names a source with a URL and a date", () => {
    const regions = new Set(listInstanceTypes().flatMap((n) => Object.keys(instanceType(n).pricePerHour)));
    expect(regions.size).toBeGreaterThanOrEqual(4);
    for (const r of regions) {
      const s = priceSource(r);
      expect(s.url, r).toMatch(/^https:\/\//);
      expect(s.date, r).not.toBe("");
      expect(s.regions).toContain(r);
    }
    expect(priceSource("eu-west-1").url).toMatch(/skypilot-catalog\/blob\/001367d2/);
    expect(() => priceSource("sa-east-1")).toThrow(InputError);
  });

  it("EBS gp3 is $0.08 per GB-month in us-east-1; a region the feed predates names the regions that have a price", () => {
    expect(ebsGp3PricePerGbMonth("us-east-1")).toBe(0.08);
    expect(() => ebsGp3PricePerGbMonth("me-central-1")).toThrow(
      /no pinned EBS gp3 price for me-central-1 \(pinned: af-south-1, ap-east-1, .*us-west-2\); set billing.ebsGp3PerGbMonth/,
    );
    expect(ebsGp3PricePerGbMonth("me-central-1", 0.1)).toBe(0.1);
  });
});
