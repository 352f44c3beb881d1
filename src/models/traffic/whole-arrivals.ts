/**
 * Whole arrivals from a rate series: each tick takes rate × tick plus what earlier ticks left over and emits
 * its whole part, so the total over the run equals the trace's (to within one) with no randomness.
 */
export class WholeArrivals {
  private carry = 0;

  constructor(
    private readonly rates: Float64Array,
    private readonly stepMs: number,
  ) {}

  /** Arrivals in the tick [t0, t0 + tickMs). */
  take(t0: number, tickMs: number): number {
    const idx = Math.floor(t0 / this.stepMs);
    const rate = idx >= 0 && idx < this.rates.length ? this.rates[idx] : 0;
    const expected = rate * (tickMs / 1000) + this.carry;
    const n = Math.floor(expected + 1e-9);
    this.carry = expected - n;
    return n;
  }
}
