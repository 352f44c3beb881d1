/**
 * Minutes recorded from one set of inputs (an `EntryKey`) are solved once per key at unit weight and
 * scaled by each minute's weight; the run's histogram takes their weight per key. The reference is the
 * same recorder fed the same calls without keys, which writes every minute's entries and solves each
 * minute afresh: the statistics must agree within the per-minute tolerance (0.5 %), the counts and the
 * run's statistics within rounding, whatever the inputs, the weights and the order of the minutes.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Exponential, Lognormal } from "../../../src/models/latency/distributions.js";
import {
  type EntryKey,
  LatencyRecorder,
  type LatencyStats,
  SERVICE_STRATA,
  STRETCH_STRATA,
} from "../../../src/models/latency/recorder.js";

function key(pWait: number, waitMeanMs: number, stretch: Float64Array | null, scale: number): EntryKey {
  return { pWait, waitMeanMs, stretch, scale, entries: null };
}

/** The stretch values of a stratified slowdown: increasing within each stratum, averaging about `mean`. */
function stretchOf(mean: number, spread: number): Float64Array {
  const s = new Float64Array(SERVICE_STRATA * STRETCH_STRATA);
  for (let j = 0; j < SERVICE_STRATA; j++)
    for (let m = 0; m < STRETCH_STRATA; m++)
      s[j * STRETCH_STRATA + m] = 1 + (mean - 1) * (1 + spread * (m / (STRETCH_STRATA - 1) - 0.5));
  return s;
}

/** One minute: `ticks` calls with the key's inputs and weight `perTick`. */
function minute(rec: LatencyRecorder, k: EntryKey, perTick: number, ticks: number, keyed: boolean): number {
  let served = 0;
  for (let i = 0; i < ticks; i++)
    served += rec.recordWithWait(perTick, 0, k.pWait, k.waitMeanMs, k.stretch, k.scale, 0, keyed ? k : null);
  return served;
}

function close(a: number, b: number, rel: number): boolean {
  return Math.abs(a - b) <= rel * Math.max(Math.abs(a), Math.abs(b), 1e-9);
}

function expectStatsClose(a: LatencyStats, b: LatencyStats, rel: number): void {
  for (const f of ["mean", "p50", "p95", "p99", "withinSlo", "count"] as const)
    expect(close(a[f], b[f], rel), `${f}: ${a[f]} vs ${b[f]}`).toBe(true);
}

describe("LatencyRecorder: minutes recorded from one key", () => {
  it("agree with the same minutes written out as entries (property, counted)", () => {
    let cases = 0;
    let repeatedKeys = 0;
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            pWait: fc.oneof(fc.constant(0), fc.double({ min: 0.001, max: 0.9, noNaN: true })),
            wait: fc.double({ min: 0.5, max: 500, noNaN: true }),
            stretchMean: fc.oneof(fc.constant(1), fc.double({ min: 1.01, max: 6, noNaN: true })),
            spread: fc.double({ min: 0, max: 1.5, noNaN: true }),
          }),
          { minLength: 1, maxLength: 4 },
        ),
        fc.array(fc.record({ which: fc.nat(), perTick: fc.double({ min: 0.5, max: 2000, noNaN: true }) }), {
          minLength: 1,
          maxLength: 12,
        }),
        fc.constantFrom(Number.POSITIVE_INFINITY, 2000),
        (specs, minutes, timeout) => {
          const S = new Lognormal(60, 1.2);
          const keys = specs.map((s) =>
            key(
              s.pWait,
              s.wait,
              s.stretchMean === 1 ? null : stretchOf(s.stretchMean, s.spread),
              s.stretchMean,
            ),
          );
          const keyed = new LatencyRecorder(S, 250, timeout);
          const plain = new LatencyRecorder(S, 250, timeout);
          const seen = new Set<number>();
          for (const m of minutes) {
            const idx = m.which % keys.length;
            if (seen.has(idx)) repeatedKeys++;
            seen.add(idx);
            const a = minute(keyed, keys[idx], m.perTick, 60, true);
            const b = minute(plain, keys[idx], m.perTick, 60, false);
            expect(close(a, b, 1e-9)).toBe(true);
            expectStatsClose(keyed.endMinute(), plain.endMinute(), 5e-3);
          }
          const ta = keyed.total();
          const tb = plain.total();
          expectStatsClose(ta, tb, 1e-6);
          expect(close(ta.max, tb.max, 1e-6)).toBe(true);
          cases++;
        },
      ),
      { numRuns: 150, seed: 20261208 },
    );
    expect(cases).toBe(150);
    // Keys recur across minutes (the path that reuses a solved key) in many of them.
    expect(repeatedKeys).toBeGreaterThan(300);
  });

  it("a minute mixing a key with other inputs writes the key's weight out as entries", () => {
    const S = new Exponential(100);
    const k = key(0.2, 50, null, 1);
    const keyed = new LatencyRecorder(S, 250);
    const plain = new LatencyRecorder(S, 250);
    for (const rec of [keyed, plain]) {
      const useKey = rec === keyed;
      minute(rec, k, 10, 30, useKey);
      rec.recordWithWait(10, 40, 0.2, 50, null, 1, 0, useKey ? k : null); // a backlog delay: not keyed
      minute(rec, k, 10, 29, useKey);
    }
    expectStatsClose(keyed.endMinute(), plain.endMinute(), 1e-12);
    // A minute that starts with a backlog delay is not the key's alone either.
    for (const rec of [keyed, plain]) {
      const useKey = rec === keyed;
      rec.recordWithWait(10, 400, 0.2, 50, null, 1, 0, useKey ? k : null);
      minute(rec, k, 10, 59, useKey);
    }
    const a = keyed.endMinute();
    expectStatsClose(a, plain.endMinute(), 1e-12);
    // 10 of 600 requests are 400 ms late: the mean is 110 + 400/60 ms.
    expect(a.mean).toBeCloseTo(110 + 400 / 60, 9);
    // By hand: 590 requests of S + (wait w.p. 0.2, mean 50 ms); 10 more delayed 40 ms.
    const again = new LatencyRecorder(S, 250);
    minute(again, k, 10, 60, true);
    const s = again.endMinute();
    expect(s.count).toBeCloseTo(600, 9);
    // Mean: E[S] + 0.2 × 50 = 110 ms.
    expect(s.mean).toBeCloseTo(110, 9);
  });

  it("without minute percentiles, recorders share a key's values: a run gives the same bits whatever ran before", () => {
    const S = new Lognormal(80, 1.5);
    const keys = [
      key(0.1, 30, stretchOf(1.5, 1), 1.5),
      key(0, 0, null, 1),
      key(0.4, 120, stretchOf(2.5, 0.5), 2.5),
    ];
    const order = [0, 1, 2, 0, 0, 2, 1, 2, 0];
    const runOnce = (rec: LatencyRecorder, withTotal = true) => {
      const out: number[] = [];
      order.forEach((idx, m) => {
        out.push(minute(rec, keys[idx], 3 + m, 60, true));
        const st = rec.endMinute();
        out.push(st.mean, st.withinSlo, st.count);
      });
      if (withTotal) {
        const t = rec.total();
        out.push(t.mean, t.p50, t.p95, t.p99, t.max, t.withinSlo, t.count);
      }
      return out;
    };
    const first = runOnce(new LatencyRecorder(S, 300, 5000, false));
    // Another recorder uses the keys and is abandoned mid-run (no total): it still holds run weight.
    runOnce(new LatencyRecorder(S, 300, 5000, false), false);
    const again = runOnce(new LatencyRecorder(S, 300, 5000, false));
    expect(again).toEqual(first);
    // A recorder that solves minute percentiles keeps its own values, and agrees with the shared ones.
    const own = runOnce(new LatencyRecorder(S, 300, 5000, true));
    for (let i = 0; i < own.length; i++) expect(close(own[i], first[i], 1e-9)).toBe(true);
  });
});
