import { describe, expect, it } from "vitest";
import { Router } from "../../../src/models/alb/router.js";

describe("ALB routing", () => {
  it("round robin visits targets in registration order", () => {
    const r = new Router("round_robin", 0, new Int32Array(8));
    for (const s of [3, 1, 2]) r.add(s, 0, false);
    expect(Array.from({ length: 6 }, () => r.pick(1))).toEqual([3, 1, 2, 3, 1, 2]);
    r.remove(1);
    expect(Array.from({ length: 4 }, () => r.pick(1))).toEqual([3, 2, 3, 2]);
  });

  it("least outstanding requests picks the target with fewest in progress; ties rotate", () => {
    const out = new Int32Array(8);
    const r = new Router("least_outstanding_requests", 0, out);
    for (const s of [0, 1, 2]) r.add(s, 0, false);
    out.set([5, 2, 7]);
    expect(r.pick(0)).toBe(1);
    out.set([3, 3, 3]);
    expect([r.pick(0), r.pick(0), r.pick(0)]).toEqual([1, 2, 0]);
  });

  it("no healthy target: -1 (the ALB answers 503)", () => {
    expect(new Router("round_robin", 0, new Int32Array(1)).pick(0)).toBe(-1);
  });

  it("slow start: a new target's share rises linearly to a full share over the duration", () => {
    // https://docs.aws.amazon.com/elasticloadbalancing/latest/application/edit-target-group-attributes.html#slow-start-mode
    const r = new Router("round_robin", 100_000, new Int32Array(4));
    r.add(0, 0, false);
    r.add(1, 0, true);
    const share = (t0: number) => {
      let n1 = 0;
      const N = 20_000;
      for (let i = 0; i < N; i++) if (r.pick(t0) === 1) n1++;
      return n1 / N;
    };
    // Weight w gives the new target w/(1 + w) of the requests.
    expect(share(25_000)).toBeCloseTo(0.25 / 1.25, 2);
    expect(share(50_000)).toBeCloseTo(0.5 / 1.5, 2);
    expect(share(100_000)).toBeCloseTo(0.5, 2);
  });

  it("the first target of an empty group does not enter slow start; a later one does", () => {
    const r = new Router("round_robin", 100_000, new Int32Array(4));
    r.add(0, 0, true);
    r.add(1, 0, true);
    // The first had no healthy full-share peer; the second had one, so only it ramps.
    expect(r.weight(0, 10_000)).toBe(1);
    expect(r.weight(1, 10_000)).toBeCloseTo(0.1, 10);
  });
});
