/**
 * Request mode against closed-form M/M/c (Erlang C): P(wait > 0) and E[Wq], and M/M/1 processor sharing
 * E[T] = 1/(μ − λ). Each case runs R independent replications (seeds 1..R) of one warm task after a
 * warm-up of 30 relaxation times 1/(cμ(1 − √ρ)²); the closed form must lie inside the 99.9 % Student-t
 * confidence interval of the replication means, and the interval must be narrow (half-width ≤ 25 % of
 * the value, or 0.001 for the tiny M/M/4 one), so a biased or a noisy model both fail. Closed forms: shared/reference/anchors.md §4.4.
 */
import { describe, expect, it } from "vitest";
import { Deterministic, Exponential, Lognormal } from "../../../src/models/latency/distributions.js";
import { mm1PsMeanResponse, mmc } from "../../../src/models/latency/queueing.js";
import { confidenceInterval, steadyState } from "./request-harness.js";

const R = 12;
/** Student t quantile 0.9995 for R − 1 = 11 degrees of freedom. */
const T_9995_11 = 4.437;
const MEAN_MS = 100;
const CUSTOMERS = 150_000;

function warmupMs(lambda: number, mu: number, c: number): number {
  const rho = lambda / (c * mu);
  const relax = 1 / (c * mu * (1 - Math.sqrt(rho)) ** 2);
  return Math.ceil(Math.max(60, 30 * relax) / 60) * 60_000;
}

// (λ, μ, c) from anchors.md §4.4, plus M/M/1 at ρ = 0.9; ρ ≥ 0.9 in three rows.
const CASES: [number, number, number][] = [
  [3, 5, 1],
  [9, 10, 1],
  [2, 3, 2],
  [5, 10, 2],
  [2, 3, 4],
  [0.9, 1, 3],
  [10, 1, 12],
  [100, 1, 110],
  [100, 1, 105],
];

describe("request mode reproduces M/M/c (worker pool, one task)", () => {
  it.each(CASES)("λ=%s μ=%s c=%s", (lambda, mu, c) => {
    // Time is scaled so one mean service is 100 ms; waits are compared in units of the mean service.
    const lam = (lambda / mu) * (1000 / MEAN_MS);
    const th = mmc(lambda, mu, c);
    const warm = warmupMs(lam, 1000 / MEAN_MS, c);
    const duration = warm + Math.ceil(CUSTOMERS / lam / 60) * 60_000;
    const pw: number[] = [];
    const wq: number[] = [];
    for (let seed = 1; seed <= R; seed++) {
      const r = steadyState(
        {
          seed,
          lambda: lam,
          service: new Exponential(MEAN_MS),
          concurrency: c,
          model: "worker-pool",
          tasks: 1,
          durationMs: duration,
        },
        warm,
      );
      pw.push(r.probWait);
      wq.push(r.meanWaitMs / MEAN_MS);
    }
    const p = confidenceInterval(pw, T_9995_11);
    const w = confidenceInterval(wq, T_9995_11);
    const wqTh = th.meanWait * mu;
    expect(Math.abs(p.mean - th.probWait)).toBeLessThanOrEqual(p.half);
    expect(Math.abs(w.mean - wqTh)).toBeLessThanOrEqual(w.half);
    expect(p.half).toBeLessThanOrEqual(Math.max(0.25 * th.probWait, 0.001));
    expect(w.half).toBeLessThanOrEqual(Math.max(0.25 * wqTh, 0.001));
  });
});

describe("request mode reproduces processor sharing", () => {
  const ps = (lambda: number, mu: number, vcpu: number, service: (mean: number) => { mean: number }) => {
    const xs: number[] = [];
    const warm = warmupMs(lambda, mu * Math.min(1, vcpu), Math.max(1, vcpu));
    for (let seed = 1; seed <= R; seed++) {
      const r = steadyState(
        {
          seed,
          lambda,
          service: service(1000 / mu) as Exponential,
          concurrency: 100_000,
          model: "processor-sharing",
          tasks: 1,
          vcpu,
          durationMs: warm + Math.ceil(CUSTOMERS / lambda / 60) * 60_000,
        },
        warm,
      );
      xs.push(r.meanResponseMs / 1000);
    }
    return confidenceInterval(xs, T_9995_11);
  };
  /**
   * The closed form lies inside the interval AND the interval is narrow (≤ 25 % of the value): without the
   * second check a noisy estimate (a wide interval) passes while biased.
   */
  const expectClose = (ci: { mean: number; half: number }, th: number) => {
    expect(Math.abs(ci.mean - th)).toBeLessThanOrEqual(ci.half);
    expect(ci.half).toBeLessThanOrEqual(0.25 * th);
  };

  it.each([
    [5, 10],
    [8, 10],
    [9, 10],
  ])("M/M/1-PS λ=%s μ=%s: E[T] = 1/(μ − λ)", (lambda, mu) => {
    expectClose(
      ps(lambda, mu, 1, (m) => new Exponential(m)),
      mm1PsMeanResponse(lambda, mu),
    );
  });

  it.each([
    ["deterministic", (m: number) => new Deterministic(m)],
    ["lognormal cv 2", (m: number) => new Lognormal(m, 2)],
  ] as const)("M/G/1-PS is insensitive to the service distribution (%s): E[T] = 1/(μ − λ)", (_name, make) => {
    expectClose(ps(8, 10, 1, make), mm1PsMeanResponse(8, 10));
  });

  it("4 vCPUs, a request uses at most one: the M/M/4 birth–death, E[T] = W of M/M/4", () => {
    expectClose(
      ps(30, 10, 4, (m) => new Exponential(m)),
      mmc(30, 10, 4).meanResponse,
    );
  });

  it("half a vCPU serves at half speed: E[T] = 1/(vμ − λ)", () => {
    expectClose(
      ps(3, 10, 0.5, (m) => new Exponential(m)),
      1 / (0.5 * 10 - 3),
    );
  });
});
