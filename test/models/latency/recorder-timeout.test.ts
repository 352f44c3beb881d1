/**
 * The fluid latency recorder with a client timeout T: the part of the recorded latency mixture beyond T
 * is timed out, not served (as in request mode). Expected values by hand, for S exponential of mean m:
 * P(S ≤ y) = 1 − e^(−y/m), E[S; S ≤ y] = m − (y + m)·e^(−y/m), quantile −m·ln(1 − p).
 */
import { describe, expect, it } from "vitest";
import { Exponential } from "../../../src/models/latency/distributions.js";
import { LatencyRecorder } from "../../../src/models/latency/recorder.js";

const m = 200;
const T = 1000;
const d = 900;
// A request delayed 900 ms is served only when S ≤ 100 ms.
const within = 1 - Math.exp(-100 / m); // 0.3935
const partialMean = m - (100 + m) * Math.exp(-100 / m); // 18.04 ms

describe("LatencyRecorder with a timeout", () => {
  it("serves only the requests within the timeout and truncates their latencies at it", () => {
    const rec = new LatencyRecorder(new Exponential(m), 250, T);
    const served = rec.recordWithWait(1000, d, 0, 0);
    expect(served).toBeCloseTo(1000 * within, 6);
    const total = rec.total();
    expect(total.count).toBeCloseTo(1000 * within, 0);
    // Mean: 900 + E[S | S ≤ 100] = 900 + 18.04 / 0.3935 = 945.85 ms.
    expect(total.mean).toBeCloseTo(d + partialMean / within, 0);
    // Median: S's quantile at within / 2 (0.1967): −200·ln(0.8033) = 43.8 ms, plus 900 ms (1 % binning).
    const p50 = d - m * Math.log(1 - within / 2);
    expect(Math.abs(total.p50 - p50) / p50).toBeLessThanOrEqual(0.01);
    expect(total.max).toBeLessThanOrEqual(T);
    expect(total.p99).toBeLessThanOrEqual(T);
  });

  it("the minute's statistics are truncated alike", () => {
    const rec = new LatencyRecorder(new Exponential(m), 250, T);
    rec.recordWithWait(600, 0, 0, 0); // S alone: P(S ≤ 1000) = 1 − e^(−5), a few cut
    rec.recordWithWait(400, d, 0, 0);
    const s = rec.endMinute();
    const cutAlone = 1 - Math.exp(-T / m);
    expect(s.count).toBeCloseTo(600 * cutAlone + 400 * within, 6);
    expect(s.p99).toBeLessThanOrEqual(T);
    // Requests within the SLO (250 ms): only the undelayed ones, P(S ≤ 250).
    expect(s.withinSlo).toBeCloseTo(600 * (1 - Math.exp(-250 / m)), 6);
  });

  it("without a timeout nothing is cut", () => {
    const rec = new LatencyRecorder(new Exponential(m), 250);
    expect(rec.recordWithWait(1000, d, 0, 0)).toBe(1000);
    expect(rec.total().mean).toBeCloseTo(d + m, 9);
  });
});
