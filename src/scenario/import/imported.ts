/**
 * What an infrastructure import (Terraform, CloudFormation) finds about each ECS service, before it is
 * written as a scenario. Every value keeps where it came from, so the written scenario can say so in a
 * comment and a value the scenario rejects can be reported at its place in the user's file.
 */

/** Where a value came from: a label for comments and a position for errors. */
export interface Origin {
  /** e.g. `aws_ecs_task_definition.app cpu` or `TaskDefinition.Properties.Cpu`. */
  label: string;
  file: string;
  line?: number;
  col?: number;
}

export interface Sourced<T> {
  value: T;
  from: Origin;
}

export type AwsObject = Record<string, unknown>;

export interface ImportedCapacityProvider {
  name: string;
  from: Origin;
  instanceTypes?: Sourced<string[]>;
  minSize?: Sourced<number>;
  maxSize?: Sourced<number>;
  desiredCapacity?: Sourced<number>;
  instancesDistribution?: Sourced<AwsObject>;
  managedScaling?: Sourced<AwsObject>;
  managedTerminationProtection?: Sourced<string>;
  managedDraining?: Sourced<string>;
}

export interface ImportedService {
  /** Platform name in the scenario (letters, digits, '-', '_', '.'). */
  name: string;
  from: Origin;
  kind: "ecs-fargate" | "ecs-ec2";
  kindFrom: Origin;
  task: {
    cpu?: Sourced<number>;
    memory?: Sourced<number>;
    architecture?: Sourced<"x86_64" | "arm64">;
    ephemeralStorageGiB?: Sourced<number>;
    networkMode?: Sourced<string>;
    images: Sourced<string>[];
  };
  service: {
    desiredCount?: Sourced<number>;
    minCapacity?: Sourced<number>;
    maxCapacity?: Sourced<number>;
    minimumHealthyPercent?: Sourced<number>;
    maximumPercent?: Sourced<number>;
  };
  loadBalancer: {
    healthCheckInterval?: Sourced<number>;
    healthyThreshold?: Sourced<number>;
    deregistrationDelay?: Sourced<number>;
    algorithm?: Sourced<string>;
    slowStart?: Sourced<number>;
  };
  capacityProviderStrategy?: Sourced<{ capacityProvider: string; base: number; weight: number }[]>;
  capacityProviders: ImportedCapacityProvider[];
  placementStrategy?: Sourced<AwsObject[]>;
  placementConstraints?: Sourced<AwsObject[]>;
  /** In Application Auto Scaling's own shape (PutScalingPolicy), as scenarios take them. */
  scalingPolicies: Sourced<AwsObject>[];
  scheduledActions: Sourced<AwsObject>[];
}

export interface ImportResult {
  /** What was read, e.g. `terraform show -json (Terraform 1.9.5, plan)`. */
  source: string;
  file: string;
  region?: Sourced<string>;
  services: ImportedService[];
  /** Values that could not be resolved and what was written instead. */
  unresolved: string[];
  /** Values read that the scenario does not take as fields, and how to use them. */
  notes: string[];
  /** Resources read but not modelled, by address or logical id and type. */
  unsupported: string[];
}

/** A platform name the scenario accepts, from a service name. */
export function platformName(name: string, taken: Set<string>): string {
  const base = name.replace(/[^A-Za-z0-9_.-]+/g, "-").replace(/^-+|-+$/g, "") || "service";
  let n = base;
  for (let i = 2; taken.has(n); i++) n = `${base}-${i}`;
  taken.add(n);
  return n;
}

/** Terraform and CloudFormation often give numbers as strings ("1024", "0.5"); "" means unset. */
export function toNumber(v: unknown): number | undefined {
  if (typeof v === "number" && Number.isFinite(v)) return v;
  if (typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

/** ECS task sizes: CPU units as a number or "1 vCPU"; memory in MiB or "2 GB". */
export function cpuUnits(v: unknown): number | undefined {
  const n = toNumber(v);
  if (n !== undefined) return n;
  const m = typeof v === "string" ? /^\s*([\d.]+)\s*vcpu\s*$/i.exec(v) : null;
  return m ? Math.round(Number(m[1]) * 1024) : undefined;
}

export function memoryMiB(v: unknown): number | undefined {
  const n = toNumber(v);
  if (n !== undefined) return n;
  const m = typeof v === "string" ? /^\s*([\d.]+)\s*gb\s*$/i.exec(v) : null;
  return m ? Math.round(Number(m[1]) * 1024) : undefined;
}

/** ECS runtimePlatform.cpuArchitecture (X86_64 | ARM64) as the scenario's task.architecture. */
export function architecture(v: unknown): "x86_64" | "arm64" | undefined {
  if (typeof v !== "string") return undefined;
  return v.toUpperCase() === "ARM64" ? "arm64" : v.toUpperCase() === "X86_64" ? "x86_64" : undefined;
}

/** The service name at the end of an Application Auto Scaling resource id `service/<cluster>/<service>`. */
export function serviceOfResourceId(id: unknown): { cluster: string; service: string } | undefined {
  if (typeof id !== "string") return undefined;
  const m = /^service\/([^/]+)\/([^/]+)$/.exec(id);
  return m ? { cluster: m[1], service: m[2] } : undefined;
}

/** The last segment of an ARN or name (`arn:aws:ecs:…:cluster/prod` → `prod`). */
export function lastSegment(v: unknown): string | undefined {
  if (typeof v !== "string" || v === "") return undefined;
  const tail = v.split(":").pop() ?? v;
  return tail.split("/").pop();
}
