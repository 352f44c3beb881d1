import type { PlatformSummary } from "./summary.js";

/**
 * The EC2-vs-Fargate side-by-side written to summary.json as `comparison` when a scenario holds at least one
 * ECS-on-Fargate and one ECS-on-EC2 platform: the same traffic, SLO and scaling policy on each, so the
 * differences are the launch types'.
 */
export interface LaunchTypeRow {
  kind: string;
  totalUsd: number;
  perMillionRequestsUsd: number;
  p99Ms: number;
  sloAttainment: number;
  /** CPU the tasks used, as a share of the vCPU paid for (tasks on Fargate, instances on EC2). */
  cpuPercentOfPaid: number;
  /** EC2 only: cost of instance capacity no task reserved (boot, free room, daemons, minimums). */
  idleCapacityUsd: number | null;
  /** Cost relative to the cheapest Fargate platform, percent (negative: cheaper). */
  costVsFargatePercent: number;
  /** With the scenario's Savings Plans and Reserved Instances: the total and its difference from Fargate's. */
  withCommitments?: { totalUsd: number; costVsFargatePercent: number };
}

export interface LaunchTypeComparison {
  fargateBaseline: string;
  cheapest: string;
  platforms: Record<string, LaunchTypeRow>;
  verdict: string;
}

const round = (x: number, d: number) => Math.round(x * 10 ** d) / 10 ** d;

export function launchTypeComparison(
  platforms: Record<string, PlatformSummary>,
): LaunchTypeComparison | undefined {
  const names = Object.keys(platforms).filter(
    (n) => platforms[n].kind === "ecs-fargate" || platforms[n].kind === "ecs-ec2",
  );
  const fargate = names.filter((n) => platforms[n].kind === "ecs-fargate");
  const ec2 = names.filter((n) => platforms[n].kind === "ecs-ec2");
  if (fargate.length === 0 || ec2.length === 0) return undefined;
  let base = fargate[0];
  for (const n of fargate) if (platforms[n].cost.totalUsd < platforms[base].cost.totalUsd) base = n;
  const baseUsd = platforms[base].cost.totalUsd;
  const committed = (n: string) => platforms[n].commitments?.totalUsd;
  const baseCommitted = committed(base);
  const vs = (usd: number, ref: number) => (ref > 0 ? round((100 * (usd - ref)) / ref, 2) : 0);
  let cheapest = names[0];
  const rows: Record<string, LaunchTypeRow> = {};
  for (const n of names) {
    const s = platforms[n];
    if (s.cost.totalUsd < platforms[cheapest].cost.totalUsd) cheapest = n;
    rows[n] = {
      kind: s.kind,
      totalUsd: s.cost.totalUsd,
      perMillionRequestsUsd: s.cost.perMillionRequestsUsd,
      p99Ms: s.latencyMs.p99,
      sloAttainment: s.slo.attainment,
      cpuPercentOfPaid: s.utilisation.cpuPercentOfPaid,
      idleCapacityUsd: s.capacityCost ? s.capacityCost.idleUsd : null,
      costVsFargatePercent: vs(s.cost.totalUsd, baseUsd),
    };
    const c = committed(n);
    if (c !== undefined && baseCommitted !== undefined)
      rows[n].withCommitments = { totalUsd: c, costVsFargatePercent: vs(c, baseCommitted) };
  }
  const parts = ec2.map((n) => {
    const d = rows[n].costVsFargatePercent;
    const w = rows[n].withCommitments?.costVsFargatePercent;
    const committedPart =
      w === undefined ? "" : ` (with commitments: ${w <= 0 ? `${-w}% cheaper` : `${w}% dearer`})`;
    return `${n} ${d <= 0 ? `${-d}% cheaper` : `${d}% dearer`} than ${base}${committedPart} at ${rows[n].cpuPercentOfPaid}% vs ${rows[base].cpuPercentOfPaid}% CPU of paid capacity`;
  });
  return { fargateBaseline: base, cheapest, platforms: rows, verdict: parts.join("; ") };
}
