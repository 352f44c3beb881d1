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

  /** Minute `m`'s latency columns from that minute's statistics; empty (NaN) when nothing completed. */
  setLatency(m: number, st: { count: number; mean: number; p50: number; p95: number; p99: number }): void {
    const c = this.columns;
    const none = st.count <= 0;
    c.latencyMeanMs[m] = none ? Number.NaN : st.mean;
    c.p50Ms[m] = none ? Number.NaN : st.p50;
    c.p95Ms[m] = none ? Number.NaN : st.p95;
    c.p99Ms[m] = none ? Number.NaN : st.p99;
  }
}
