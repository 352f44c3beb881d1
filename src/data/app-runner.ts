/**
 * App Runner instance sizes and prices.
 *
 * Sizes: InstanceConfiguration Cpu 256|512|1024|2048|4096 (0.25–4 vCPU) and Memory 512–12288 MB
 * (https://docs.aws.amazon.com/apprunner/latest/api/API_InstanceConfiguration.html), in the combinations
 * the service accepts (https://docs.aws.amazon.com/apprunner/latest/dg/manage-configure.html).
 * Prices: provisioned instances pay memory only, active instances vCPU and memory, per second; a
 * one-minute minimum vCPU charge applies each time a provisioned instance starts processing requests.
 * https://aws.amazon.com/apprunner/pricing/ ($0.064 per vCPU-hour, $0.007 per GB-hour in us-east-1,
 * us-east-2, us-west-2 and eu-west-1; transcribed in
 * https://github.com/api-evangelist/amazon-app-runner/blob/HEAD/plans/amazon-app-runner-plans-pricing.yml).
 */

/** Valid memory sizes (MiB) per CPU size (CPU units). */
export const APP_RUNNER_SIZES: ReadonlyMap<number, readonly number[]> = new Map([
  [256, [512, 1024]],
  [512, [1024]],
  [1024, [2048, 3072, 4096]],
  [2048, [4096, 6144]],
  [4096, [8192, 10240, 12288]],
]);

export function appRunnerSizeProblem(cpuUnits: number, memoryMiB: number): string | undefined {
  const mems = APP_RUNNER_SIZES.get(cpuUnits);
  if (!mems)
    return `App Runner Cpu must be one of ${[...APP_RUNNER_SIZES.keys()].join(", ")} units (0.25, 0.5, 1, 2, 4 vCPU), got ${cpuUnits}`;
  if (!mems.includes(memoryMiB))
    return `App Runner ${cpuUnits / 1024} vCPU takes Memory ${mems.map((m) => `${m / 1024} GB`).join(", ")}; got ${memoryMiB} MiB`;
  return undefined;
}

export interface AppRunnerRates {
  activeVcpuHour: number;
  activeGbHour: number;
  provisionedGbHour: number;
}

const STANDARD: AppRunnerRates = { activeVcpuHour: 0.064, activeGbHour: 0.007, provisionedGbHour: 0.007 };
const RATES: Readonly<Record<string, AppRunnerRates>> = {
  "us-east-1": STANDARD,
  "us-east-2": STANDARD,
  "us-west-2": STANDARD,
  "eu-west-1": STANDARD,
};

/** Rates of `region`, or a message naming the regions with known prices. */
export function appRunnerRates(region: string): AppRunnerRates | string {
  return (
    RATES[region] ??
    `no App Runner prices for region ${region} (known: ${Object.keys(RATES).join(", ")}); give platform.pricing`
  );
}
