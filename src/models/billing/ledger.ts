import { MINUTE, type TimeMs } from "../../engine/time.js";

export interface Meter {
  name: string;
  unit: string;
  quantity: number;
  usd: number;
}

/** Cost spread over simulated minutes: a difference array for whole minutes, direct sums for the rest. */
class MinuteTrack {
  readonly diff: Float64Array;
  readonly direct: Float64Array;

  constructor(readonly minutes: number) {
    this.diff = new Float64Array(minutes + 2);
    this.direct = new Float64Array(minutes + 1);
  }

  add(startMs: TimeMs, endMs: TimeMs, usdPerMs: number, extraUsd: number): void {
    const last = this.minutes - 1;
    const m0 = Math.min(last, Math.floor(startMs / MINUTE));
    const m1 = Math.min(last, Math.floor(Math.max(startMs, endMs - 1) / MINUTE));
    if (m0 === m1) {
      this.direct[m0] += (endMs - startMs) * usdPerMs;
    } else {
      this.direct[m0] += ((m0 + 1) * MINUTE - startMs) * usdPerMs;
      this.direct[m1] += (endMs - m1 * MINUTE) * usdPerMs;
      // Full minutes m0+1 … m1-1.
      this.diff[m0 + 1] += MINUTE * usdPerMs;
      this.diff[m1] -= MINUTE * usdPerMs;
    }
    this.direct[m1] += extraUsd;
  }

  perMinute(): Float64Array {
    const out = new Float64Array(this.minutes);
    let run = 0;
    for (let m = 0; m < this.minutes; m++) {
      run += this.diff[m];
      out[m] = run + this.direct[m];
    }
    return out;
  }
}

/**
 * Accumulates cost by meter and by simulated minute. Each billed interval is spread over the minutes it
 * covers (a difference array keeps that O(1) per interval); charges that belong to no instant (the
 * billing minimum, rounding up to the second) land in the interval's last minute.
 *
 * Charges a commitment could cover (On-Demand Fargate and EC2 instance usage) also carry a usage class
 * ("fargate", "ec2:m6i.large"), kept per minute so Savings Plans and Reserved Instances can be applied hour
 * by hour afterwards (src/models/billing/commitments.ts).
 */
export class CostLedger {
  private readonly total: MinuteTrack;
  private readonly usage = new Map<string, MinuteTrack>();
  private readonly meters = new Map<string, Meter>();

  constructor(readonly minutes: number) {
    this.total = new MinuteTrack(minutes);
  }

  /** Charge `usdPerMs` over [startMs, endMs) plus `extraUsd` at the end; `usage` tags commitment-eligible usage. */
  addInterval(startMs: TimeMs, endMs: TimeMs, usdPerMs: number, extraUsd = 0, usage?: string): void {
    this.total.add(startMs, endMs, usdPerMs, extraUsd);
    if (usage === undefined) return;
    let track = this.usage.get(usage);
    if (!track) this.usage.set(usage, (track = new MinuteTrack(this.minutes)));
    track.add(startMs, endMs, usdPerMs, extraUsd);
  }

  /** Commitment-eligible On-Demand cost per usage class, per hour of the run (the last hour may be partial). */
  usagePerHour(): Record<string, number[]> {
    const out: Record<string, number[]> = {};
    for (const key of [...this.usage.keys()].sort()) {
      const perMinute = this.usage.get(key)?.perMinute() ?? new Float64Array(0);
      const hours = new Array<number>(Math.ceil(this.minutes / 60)).fill(0);
      for (let m = 0; m < perMinute.length; m++) hours[Math.floor(m / 60)] += perMinute[m];
      out[key] = hours;
    }
    return out;
  }

  addToMeter(name: string, unit: string, quantity: number, usd: number): void {
    let m = this.meters.get(name);
    if (!m) {
      m = { name, unit, quantity: 0, usd: 0 };
      this.meters.set(name, m);
    }
    m.quantity += quantity;
    m.usd += usd;
  }

  /** Cost per minute (USD). */
  perMinute(): Float64Array {
    return this.total.perMinute();
  }

  meterList(): Meter[] {
    return [...this.meters.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  totalUsd(): number {
    let s = 0;
    for (const m of this.meters.values()) s += m.usd;
    return s;
  }
}

/** Usage class of On-Demand Fargate (vCPU and memory, either architecture) for commitments. */
export const FARGATE_USAGE = "fargate";

/** Usage class of an On-Demand EC2 instance of `type` for commitments. */
export function ec2Usage(type: string): string {
  return `ec2:${type}`;
}
