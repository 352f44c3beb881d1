import type { Meter } from "../billing/ledger.js";
import type { Decision } from "../decisions.js";
import type { LatencyStats } from "../latency/recorder.js";
import type { MinuteSeries } from "../traffic/minute-series.js";

/** Everything one platform's simulation produced; reports are built from this alone. */
export interface PlatformResult {
  name: string;
  kind: string;
  minutes: MinuteSeries;
  requests: { arrived: number; served: number; dropped: number; timedOut: number; inFlightAtEnd: number };
  latency: LatencyStats;
  capacity: { min: number; max: number; mean: number; taskHours: number; billedTaskHours: number };
  cost: { totalUsd: number; meters: Meter[] };
  scaling: { scaleOutEvents: number; scaleInEvents: number };
  utilisation: { cpuPercentOfPaid: number };
  decisions: Decision[];
  /** Invariant checks that ran, with their outcome. */
  checks: { name: string; ok: boolean; detail: string }[];
}
