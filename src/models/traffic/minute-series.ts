/** Per-minute series kept for reports: typed arrays, one slot per simulated minute. */
export const MINUTE_COLUMNS = [
  "arrived",
  "served",
  "dropped",
  "timedOut",
  "desired",
  "running",
  "inService",
  "cpuPercent",
  "memoryPercent",
  "latencyMeanMs",
  "p50Ms",
  "p95Ms",
  "p99Ms",
  "withinSlo",
  "costUsd",
] as const;
export type MinuteColumn = (typeof MINUTE_COLUMNS)[number];

export class MinuteSeries {
  readonly columns: Record<MinuteColumn, Float64Array>;

  constructor(readonly minutes: number) {
    const cols = {} as Record<MinuteColumn, Float64Array>;
    for (const c of MINUTE_COLUMNS) cols[c] = new Float64Array(minutes);
    this.columns = cols;
  }
}
