import { describe, expect, it } from "vitest";
import {
  FARGATE_PRICES,
  FARGATE_SIZES,
  fargateRates,
  fargateSizeProblem,
  smallestFargateSizeCovering,
} from "../../src/data/fargate.js";

describe("Fargate task sizes (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html)", () => {
  it.each([
    [256, 512, true],
    [256, 2048, true],
    [256, 3072, false],
    [512, 1024, true],
    [512, 4096, true],
    [1024, 2048, true],
    [1024, 8192, true],
    [1024, 1024, false],
    [4096, 30 * 1024, true],
    [8192, 16 * 1024, true],
    [8192, 18 * 1024, false], // 8 vCPU steps by 4 GB
    [16384, 120 * 1024, true],
    [16384, 36 * 1024, false], // 16 vCPU steps by 8 GB
  ])("cpu %d, memory %d MiB valid: %s", (cpu, mem, valid) => {
    expect(fargateSizeProblem(cpu, mem) === undefined).toBe(valid);
  });

  it("has the documented number of memory choices per CPU", () => {
    expect([...FARGATE_SIZES.entries()].map(([c, m]) => [c, m.length])).toEqual([
      [256, 3],
      [512, 4],
      [1024, 7],
      [2048, 13],
      [4096, 23],
      [8192, 12],
      [16384, 12],
    ]);
  });

  it("finds the smallest size covering a request (EKS Fargate W8: 1 vCPU, 8 GB + 256 MB → 2 vCPU, 9 GB)", () => {
    // https://docs.aws.amazon.com/eks/latest/userguide/fargate-pod-configuration.html
    expect(smallestFargateSizeCovering(1024, 8192 + 256)).toEqual({ cpu: 2048, memoryMiB: 9216 });
    expect(smallestFargateSizeCovering(250, 300)).toEqual({ cpu: 256, memoryMiB: 512 });
    expect(smallestFargateSizeCovering(20_000, 1024)).toBeUndefined();
  });
});

describe("pinned Fargate prices", () => {
  it("us-east-1 Linux rates with their sources", () => {
    // Ephemeral storage above the free 20 GB: $0.000111 per GB-hour, whatever the architecture.
    expect(fargateRates("us-east-1", "x86_64")).toEqual({
      vcpuHour: 0.04048,
      gbHour: 0.004445,
      ephemeralStorageGbHour: 0.000111,
    });
    expect(fargateRates("us-east-1", "arm64")).toEqual({
      vcpuHour: 0.03238,
      gbHour: 0.00356,
      ephemeralStorageGbHour: 0.000111,
    });
    expect(FARGATE_PRICES.regions["us-east-1"].source).toMatch(/^https:\/\//);
    expect(FARGATE_PRICES.billing.minimumSeconds).toBe(60);
  });
  it("a region without prices says how to supply them", () => {
    expect(fargateRates("mx-central-1", "x86_64")).toMatch(
      /no pinned Fargate prices for region mx-central-1 .*pricing: \{ vcpuHour, gbHour \}/,
    );
  });
});
