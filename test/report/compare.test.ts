import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { choosePair, compare, comparisonText, costBreakdown } from "../../src/analysis/compare.js";
import { readReportDir } from "../../src/analysis/input.js";
import type { PlatformSummary, Summary } from "../../src/analysis/summary.js";

const summary = readReportDir(new URL("./fixtures/two-platforms", import.meta.url).pathname).summary!;

/** A platform summary with the fields the comparison reads, the rest from the fixture. */
function platform(
  kind: PlatformSummary["kind"],
  totalUsd: number,
  cpuPercentOfPaid: number,
  taskHours: number,
  billedTaskHours: number,
): PlatformSummary {
  const base = summary.platforms.x86;
  return {
    ...base,
    kind,
    cost: {
      ...base.cost,
      totalUsd,
      monthlyUsd: totalUsd * 100,
      meters: [{ name: "x", unit: "h", quantity: 1, usd: totalUsd }],
    },
    capacity: { ...base.capacity, taskHours, billedTaskHours },
    utilisation: { cpuPercentOfPaid },
  } as PlatformSummary;
}

describe("costBreakdown", () => {
  it("splits cost into used, idle and billing overhead that sum to the total", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1e4, noNaN: true }),
        fc.double({ min: 0, max: 100, noNaN: true }),
        fc.double({ min: 0.01, max: 1e3, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (total, util, billed, runningShare) => {
          const b = costBreakdown(
            "p",
            platform("ecs-fargate", total, util * runningShare, billed * runningShare, billed),
          );
          expect(b.usedUsd + b.idleUsd + b.billingOverheadUsd).toBeCloseTo(total, 6);
          for (const part of [b.usedUsd, b.idleUsd, b.billingOverheadUsd])
            expect(part).toBeGreaterThanOrEqual(-1e-9);
        },
      ),
    );
  });

  it("billing overhead is the billed-but-not-running share; used is the CPU share", () => {
    const b = costBreakdown("p", platform("ecs-fargate", 100, 40, 9, 10));
    expect(b.billingOverheadUsd).toBeCloseTo(10, 9);
    expect(b.usedUsd).toBeCloseTo(40, 9);
    expect(b.idleUsd).toBeCloseTo(50, 9);
  });

  it("reads Spot meters and platform-reported idle cost when present", () => {
    const p = platform("ecs-ec2", 100, 50, 10, 10);
    p.cost.meters = [
      { name: "ec2.on-demand", unit: "instance-hours", quantity: 1, usd: 70 },
      { name: "ec2.spot", unit: "instance-hours", quantity: 1, usd: 30 },
    ];
    (p.cost as Record<string, unknown>).idleUsd = 12.5;
    const b = costBreakdown("ec2", p);
    expect(b.spotUsd).toBe(30);
    expect(b.unreservedUsd).toBe(12.5);
  });
});

describe("compare", () => {
  const two = (a: PlatformSummary, b: PlatformSummary): Summary => ({
    ...summary,
    platforms: { ec2: a, fargate: b },
  });

  it("break-even: at u* the dearer platform's cost, scaled as 1/u, equals the cheaper one's", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1, max: 1e3, noNaN: true }),
        fc.double({ min: 1, max: 1e3, noNaN: true }),
        fc.double({ min: 1, max: 100, noNaN: true }),
        (costA, costB, utilA) => {
          const c = compare(
            two(platform("ecs-ec2", costA, utilA, 10, 10), platform("ecs-fargate", costB, 50, 10, 10)),
            "ec2",
            "fargate",
          );
          const dear = costA >= costB ? c.a : c.b;
          const cheap = costA >= costB ? c.b : c.a;
          expect(c.breakEven.platform).toBe(dear.name);
          // Same CPU work at utilisation u* costs dear.total × dear.u / u*.
          expect((dear.totalUsd * dear.utilisation) / c.breakEven.utilisation).toBeCloseTo(cheap.totalUsd, 6);
          expect(c.breakEven.reachable).toBe(c.breakEven.utilisation <= 1);
        },
      ),
    );
  });

  it("the parts of the difference add up to the difference", () => {
    const c = compare(summary, "x86", "arm");
    const d = c.differenceUsd;
    expect(d.used + d.idle + d.billingOverhead).toBeCloseTo(d.total, 9);
    expect(c.cheaper).toBe("arm");
  });

  it("says when only one platform meets the SLO", () => {
    const text = comparisonText(compare(summary, "x86", "arm"));
    expect(text).toContain("only x86 meets the SLO");
    expect(text).toContain("arm is cheaper by $0.89 over the run");
  });
});

describe("choosePair", () => {
  it("puts the non-Fargate platform against the Fargate one by default", () => {
    const s: Summary = {
      ...summary,
      platforms: {
        fargate: summary.platforms.x86,
        ec2: { ...summary.platforms.arm, kind: "ecs-ec2" } as PlatformSummary,
      },
    };
    expect(choosePair(s)).toEqual(["ec2", "fargate"]);
  });
  it("takes the names given, and explains a wrong one or a single platform", () => {
    expect(choosePair(summary, "arm", "x86")).toEqual(["arm", "x86"]);
    expect(choosePair(summary, "nope")).toContain('no platform named "nope"');
    expect(choosePair({ ...summary, platforms: { x86: summary.platforms.x86 } })).toContain(
      "needs two platforms",
    );
  });
});
