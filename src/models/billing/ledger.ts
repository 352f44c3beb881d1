import { MINUTE, type TimeMs } from "../../engine/time.js";

export interface Meter {
  name: string;
  unit: string;
  quantity: number;
  usd: number;
}

/**
 * Accumulates cost by meter and by simulated minute. Each billed interval is spread over the minutes it
 * covers (a difference array keeps that O(1) per interval); charges that belong to no instant (the
 * billing minimum, rounding up to the second) land in the interval's last minute.
 */
export class CostLedger {
  private readonly diff: Float64Array;
  private readonly direct: Float64Array;
  private readonly meters = new Map<string, Meter>();

  constructor(readonly minutes: number) {
    this.diff = new Float64Array(minutes + 2);
    this.direct = new Float64Array(minutes + 1);
  }

  /** Charge `usdPerMs` over [startMs, endMs) plus `extraUsd` at the end. */
  addInterval(startMs: TimeMs, endMs: TimeMs, usdPerMs: number, extraUsd = 0): void {
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
    const out = new Float64Array(this.minutes);
    let run = 0;
    for (let m = 0; m < this.minutes; m++) {
      run += this.diff[m];
      out[m] = run + this.direct[m];
    }
    return out;
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
