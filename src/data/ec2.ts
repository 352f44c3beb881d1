import { readFileSync } from "node:fs";
import * as z from "zod";
import { InputError } from "../errors.js";

/**
 * Pinned EC2 instance catalogue (data/ec2-instances.json): shape, network-interface limits, awsvpc task
 * limits and on-demand Linux prices per region, each price traceable to the source named for its region.
 */

const Price = z.number().positive();

const InstanceSchema = z.object({
  vcpu: z.number().int().positive(),
  memoryMiB: z.number().int().positive(),
  arch: z.enum(["x86_64", "arm64"]),
  maxEnis: z.number().int().positive(),
  awsvpcTasks: z.number().int().nonnegative(),
  /** null: the type has no documented ENI-trunking task limit (not trunking-capable here). */
  awsvpcTasksTrunking: z.number().int().positive().nullable(),
  pricePerHour: z.record(z.string(), Price),
});

const PriceSourceSchema = z.object({
  id: z.string(),
  url: z.url(),
  date: z.string(),
  regions: z.array(z.string()),
  note: z.string().optional(),
});

const FileSchema = z.object({
  description: z.string(),
  source: z.record(z.string(), z.string()),
  priceSourceByRegion: z.record(z.string(), z.string()),
  priceSources: z.array(PriceSourceSchema),
  ebsGp3PerGbMonth: z.object({ values: z.record(z.string(), Price), source: z.string(), date: z.string() }),
  instances: z.record(z.string(), InstanceSchema),
});

export type Ec2Arch = "x86_64" | "arm64";
export type PriceSource = z.infer<typeof PriceSourceSchema>;

export interface InstanceTypeInfo {
  readonly name: string;
  readonly vcpu: number;
  readonly memoryMiB: number;
  readonly arch: Ec2Arch;
  /** EC2 MaximumNetworkInterfaces, the primary interface included. */
  readonly maxEnis: number;
  /** awsvpc tasks without ENI trunking: maxEnis − 1 (the primary interface counts against the limit). */
  readonly awsvpcTasks: number;
  /** awsvpc tasks with `awsvpcTrunking` enabled, or null when the type has no documented trunking limit. */
  readonly awsvpcTasksTrunking: number | null;
  readonly pricePerHour: Readonly<Record<string, number>>;
}

function load(): z.infer<typeof FileSchema> {
  const url = new URL("../../data/ec2-instances.json", import.meta.url);
  const parsed = FileSchema.safeParse(JSON.parse(readFileSync(url, "utf8")));
  if (!parsed.success)
    throw new Error(`data/ec2-instances.json is malformed: ${z.prettifyError(parsed.error)}`);
  const file = parsed.data;
  // Every priced region must name a source, else a price could not be traced.
  const sourceIds = new Set(file.priceSources.map((s) => s.id));
  for (const [name, t] of Object.entries(file.instances)) {
    for (const region of Object.keys(t.pricePerHour)) {
      const id = file.priceSourceByRegion[region];
      if (id === undefined || !sourceIds.has(id)) {
        throw new Error(`data/ec2-instances.json: ${name} has a ${region} price without a source`);
      }
    }
  }
  return file;
}

const FILE = load();

const CATALOGUE: ReadonlyMap<string, InstanceTypeInfo> = new Map(
  Object.entries(FILE.instances).map(([name, t]) => [name, Object.freeze({ name, ...t })]),
);

const NAMES: readonly string[] = Object.freeze([...CATALOGUE.keys()].sort());

/** Instance types in the catalogue, sorted by name. */
export function listInstanceTypes(): readonly string[] {
  return NAMES;
}

/** The catalogue entry for `name`; an InputError listing the known types when it is not pinned. */
export function instanceType(name: string): InstanceTypeInfo {
  const t = CATALOGUE.get(name);
  if (!t) {
    throw new InputError(`unknown EC2 instance type "${name}"; pinned types: ${NAMES.join(", ")}`);
  }
  return t;
}

/** One type in one region of the SkyPilot catalogue (data/ec2-prices-skypilot.txt). */
export interface RegionalPrice {
  readonly onDemand: number;
  /** Spot USD per hour in each availability zone listed (zones without a Spot price left out). */
  readonly spotByZone: readonly number[];
}

const SKYPILOT_FILE = "data/ec2-prices-skypilot.txt";

/** Parse the SkyPilot extract: `type region onDemand spot…` per line, `#` comments, "-" for a zone without Spot. */
export function parseSkyPilotExtract(text: string): Map<string, Map<string, RegionalPrice>> {
  const out = new Map<string, Map<string, RegionalPrice>>();
  text.split("\n").forEach((line, i) => {
    const body = line.trim();
    if (body === "" || body.startsWith("#")) return;
    const [type, region, od, ...zones] = body.split(/\s+/);
    const onDemand = Number(od);
    const spotByZone = zones.filter((z) => z !== "-").map(Number);
    if (!region || !(onDemand > 0) || spotByZone.some((x) => !(x > 0)))
      throw new Error(`${SKYPILOT_FILE}:${i + 1}: malformed line "${body}"`);
    let byRegion = out.get(type);
    if (!byRegion) out.set(type, (byRegion = new Map()));
    if (byRegion.has(region)) throw new Error(`${SKYPILOT_FILE}:${i + 1}: ${type} ${region} given twice`);
    byRegion.set(region, { onDemand, spotByZone });
  });
  return out;
}

const SKYPILOT = parseSkyPilotExtract(
  readFileSync(new URL(`../../${SKYPILOT_FILE}`, import.meta.url), "utf8"),
);

/** The SkyPilot catalogue's On-Demand and per-zone Spot prices of `name` in `region`, when transcribed. */
export function regionalPrice(name: string, region: string): RegionalPrice | undefined {
  return SKYPILOT.get(name)?.get(region);
}

/** Regions with an On-Demand price for `name`, from any pinned source. */
export function pricedRegions(name: string): string[] {
  const t = instanceType(name);
  const set = new Set([...Object.keys(t.pricePerHour), ...(SKYPILOT.get(name)?.keys() ?? [])]);
  return [...set].sort();
}

/**
 * Spot discount of `name` in `region` off On-Demand: 1 − (mean Spot price over the zones listed) / On-Demand,
 * from the dated SkyPilot snapshot (DescribeSpotPriceHistory); undefined when the snapshot has no Spot price.
 * https://aws.amazon.com/ec2/spot/pricing/ (Spot prices vary by type and availability zone)
 */
export function spotDiscount(name: string, region: string): number | undefined {
  const p = regionalPrice(name, region);
  if (!p || p.spotByZone.length === 0) return undefined;
  const mean = p.spotByZone.reduce((s, x) => s + x, 0) / p.spotByZone.length;
  return Math.max(0, 1 - mean / p.onDemand);
}

/**
 * On-demand Linux USD per hour: the price pinned in data/ec2-instances.json, else the SkyPilot catalogue's;
 * an InputError listing the regions that have a price when `region` has none.
 */
export function instancePrice(name: string, region: string): number {
  const t = instanceType(name);
  const p = t.pricePerHour[region] ?? regionalPrice(name, region)?.onDemand;
  if (p === undefined) {
    const have = pricedRegions(name).join(", ");
    throw new InputError(
      `no pinned on-demand price for ${name} in ${region} (pinned regions for ${name}: ${have}); set an explicit price per hour on the capacity provider`,
    );
  }
  return p;
}

const SKYPILOT_REGIONS = [...new Set([...SKYPILOT.values()].flatMap((m) => [...m.keys()]))].sort();

/** Provenance of data/ec2-prices-skypilot.txt (its header says the same, with the generator). */
export const SKYPILOT_SOURCE: PriceSource = {
  id: "skypilot-catalog-v7-001367d2",
  url: "https://github.com/skypilot-org/skypilot-catalog/blob/001367d22a0033fac286a8c71aeac7109e431bcb/catalogs/v7/aws/vms.csv",
  date: "2026-12-07 (read)",
  regions: SKYPILOT_REGIONS,
  note: "generated from the AWS Price List bulk files and EC2 DescribeSpotPriceHistory by SkyPilot's fetch_aws.py",
};

/**
 * The source (URL and date) of the prices pinned for `region`: the source data/ec2-instances.json names for
 * it, else the SkyPilot catalogue when it has the region.
 */
export function priceSource(region: string): PriceSource {
  const id = FILE.priceSourceByRegion[region];
  const src =
    FILE.priceSources.find((s) => s.id === id) ??
    (SKYPILOT_REGIONS.includes(region) ? SKYPILOT_SOURCE : undefined);
  if (!src) {
    throw new InputError(
      `no pinned EC2 prices for region ${region}; regions with prices: ${[...new Set([...Object.keys(FILE.priceSourceByRegion), ...SKYPILOT_REGIONS])].sort().join(", ")}`,
    );
  }
  return src;
}

/** Whether a gp3 price is pinned for `region`. */
export function hasEbsGp3Price(region: string): boolean {
  return FILE.ebsGp3PerGbMonth.values[region] !== undefined;
}

/** EBS gp3 storage USD per GB-month for `region` (`override`: billing.ebsGp3PerGbMonth). */
export function ebsGp3PricePerGbMonth(region: string, override?: number): number {
  const p = override ?? FILE.ebsGp3PerGbMonth.values[region];
  if (p === undefined) {
    throw new InputError(
      `no pinned EBS gp3 price for ${region} (pinned: ${Object.keys(FILE.ebsGp3PerGbMonth.values).sort().join(", ")}); set billing.ebsGp3PerGbMonth`,
      { path: "region" },
    );
  }
  return p;
}

/**
 * awsvpc tasks the type can host. With trunking the documented per-type limit applies; a type without one
 * keeps its plain ENI limit, as ECS gives trunk interfaces only to supported types.
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/container-instance-eni.html
 */
export function awsvpcTaskLimit(name: string, trunking: boolean): number {
  const t = instanceType(name);
  return trunking && t.awsvpcTasksTrunking !== null ? t.awsvpcTasksTrunking : t.awsvpcTasks;
}

/**
 * Normalization factors of instance sizes, by which a regional Reserved Instance's size flexibility is
 * counted (medium 2, large 4, xlarge 8, 2xlarge 16, 4xlarge 32, …).
 * https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/apply_ri.html (instance size flexibility table);
 * Cost Explorer's own example: an xlarge uses 8 normalized units, a 2xlarge 16
 * (https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_CoverageNormalizedUnits.html).
 */
export const NORMALIZATION_FACTOR: Readonly<Record<string, number>> = {
  nano: 0.25,
  micro: 0.5,
  small: 1,
  medium: 2,
  large: 4,
  xlarge: 8,
  "2xlarge": 16,
  "4xlarge": 32,
  "8xlarge": 64,
  "12xlarge": 96,
  "16xlarge": 128,
  "24xlarge": 192,
};
