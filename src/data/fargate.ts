import { readFileSync } from "node:fs";

/**
 * Valid Fargate task sizes for Linux tasks (CPU units → memory MiB).
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html#fargate-tasks-size
 * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RegisterTaskDefinition.html
 */
function range(fromGiB: number, toGiB: number, stepGiB: number): number[] {
  const out: number[] = [];
  for (let g = fromGiB; g <= toGiB; g += stepGiB) out.push(g * 1024);
  return out;
}

export const FARGATE_SIZES: ReadonlyMap<number, readonly number[]> = new Map([
  [256, [512, 1024, 2048]],
  [512, range(1, 4, 1)],
  [1024, range(2, 8, 1)],
  [2048, range(4, 16, 1)],
  [4096, range(8, 30, 1)],
  // 8 and 16 vCPU need Linux platform version 1.4.0 or later.
  [8192, range(16, 60, 4)],
  [16384, range(32, 120, 8)],
]);

function fmtMiB(m: number): string {
  return m % 1024 === 0 ? `${m / 1024}GB` : `${m}MiB`;
}

/** `undefined` when (cpu, memory) is a valid Fargate size, else a message listing the valid choices. */
export function fargateSizeProblem(cpuUnits: number, memoryMiB: number): string | undefined {
  const mems = FARGATE_SIZES.get(cpuUnits);
  if (!mems) {
    return `Fargate has no task size with ${cpuUnits} CPU units; valid CPU values are ${[...FARGATE_SIZES.keys()].join(", ")} (1024 = 1 vCPU)`;
  }
  if (!mems.includes(memoryMiB)) {
    return `Fargate tasks with ${cpuUnits} CPU units take memory ${mems.map((m) => `${m}`).join(", ")} MiB (${mems.map(fmtMiB).join(", ")}); got ${memoryMiB} MiB`;
  }
  return undefined;
}

/** The smallest valid size covering (cpu, memory), or undefined above 16 vCPU / 120 GB. */
export function smallestFargateSizeCovering(
  cpuUnits: number,
  memoryMiB: number,
): { cpu: number; memoryMiB: number } | undefined {
  for (const [cpu, mems] of FARGATE_SIZES) {
    if (cpu < cpuUnits) continue;
    const mem = mems.find((m) => m >= memoryMiB);
    if (mem !== undefined) return { cpu, memoryMiB: mem };
  }
  return undefined;
}

export interface FargateRates {
  vcpuHour: number;
  gbHour: number;
  /** Ephemeral storage above the free 20 GB, per GB-hour (0 when the rates were given without it). */
  ephemeralStorageGbHour?: number;
}

interface FargateRegion {
  x86_64: FargateRates;
  arm64?: FargateRates;
  ephemeralStorageGbHour?: number;
  /** Fargate Spot rates (x86_64), a dated snapshot. */
  spot?: FargateRates;
  source: string;
}

interface FargatePriceFile {
  retrieved: string;
  billing: { minimumSeconds: number; sources: string[] };
  regions: Record<string, FargateRegion>;
}

export const FARGATE_PRICES: FargatePriceFile = JSON.parse(
  readFileSync(new URL("../../data/fargate-prices.json", import.meta.url), "utf8"),
);

function regionsWith(pick: (r: FargateRegion) => unknown): string {
  return Object.keys(FARGATE_PRICES.regions)
    .filter((k) => pick(FARGATE_PRICES.regions[k]) !== undefined)
    .sort()
    .join(", ");
}

/** Pinned on-demand rates, or a message naming the regions that have them. */
export function fargateRates(region: string, arch: "x86_64" | "arm64"): FargateRates | string {
  const r = FARGATE_PRICES.regions[region];
  if (!r) {
    return `no pinned Fargate prices for region ${region} (have: ${regionsWith((x) => x.x86_64)}); set pricing: { vcpuHour, gbHour } on the platform`;
  }
  const rates = r[arch];
  if (!rates) {
    return `no pinned Fargate ${arch} prices for region ${region} (have: ${regionsWith((x) => x[arch])}); set pricing: { vcpuHour, gbHour } on the platform`;
  }
  return { ...rates, ephemeralStorageGbHour: r.ephemeralStorageGbHour };
}

/**
 * Fargate Spot discount off On-Demand in `region` from the pinned Spot snapshot (vCPU and memory are
 * discounted alike there, to within rounding; the vCPU ratio is used), or undefined when none is pinned.
 * https://aws.amazon.com/fargate/pricing/ (Fargate Spot prices vary over time)
 */
export function fargateSpotDiscount(region: string): number | undefined {
  const r = FARGATE_PRICES.regions[region];
  if (!r?.spot) return undefined;
  return 1 - r.spot.vcpuHour / r.x86_64.vcpuHour;
}
