import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { run } from "../../src/api.js";
import { InputError } from "../../src/errors.js";
import { loadScenario, parseScenario } from "../../src/scenario/load.js";

const EXAMPLE = new URL("../../scenarios/fargate-spot.yaml", import.meta.url).pathname;
const TEXT = readFileSync(EXAMPLE, "utf8");
const DIR = new URL("../../scenarios/", import.meta.url).pathname;

function errorOf(text: string): string {
  try {
    parseScenario(text, "fargate-spot.yaml", DIR);
  } catch (e) {
    if (e instanceof InputError) return e.message;
    throw e;
  }
  return "no error";
}

/** 1-based line and column of the first occurrence of `needle` in `text`. */
function pos(text: string, needle: string): string {
  const i = text.indexOf(needle);
  const before = text.slice(0, i).split("\n");
  return `${before.length}:${before[before.length - 1].length + 1}`;
}

describe("ecs-fargate capacityProviderStrategy: scenario validation", () => {
  it("loads the issue's strategy with the API defaults (base 0, weight 0 when omitted)", () => {
    const p = loadScenario(EXAMPLE).platforms["fargate-spot"];
    expect(p.kind === "ecs-fargate" && p.capacityProviderStrategy).toEqual([
      { capacityProvider: "FARGATE", base: 1, weight: 1 },
      { capacityProvider: "FARGATE_SPOT", base: 0, weight: 3 },
    ]);
  });

  it("a strategy may not mix Fargate and Auto Scaling group providers: error at the item, with line:col", () => {
    const bad = TEXT.replace(
      "{ capacityProvider: FARGATE_SPOT, weight: 3 }",
      "{ capacityProvider: on-demand, weight: 3 }",
    );
    const msg = errorOf(bad);
    // The error points at the item's position (the flow mapping holding the bad capacityProvider).
    expect(msg).toMatch(
      /^fargate-spot\.yaml:\d+:\d+: platforms\.fargate-spot\.capacityProviderStrategy\[1\]\.capacityProvider: "on-demand" is not a Fargate capacity provider.*may not mix Fargate and Auto Scaling group providers/,
    );
    const [line] = pos(bad, "capacityProvider: on-demand").split(":");
    expect(msg.split(":")[1]).toBe(line);
  });

  it("FARGATE_SPOT in an ecs-ec2 strategy is the same mix, reported on that platform", () => {
    const ec2 = readFileSync(new URL("../../scenarios/ec2-vs-fargate.yaml", import.meta.url), "utf8").replace(
      "capacityProviderStrategy: [ { capacityProvider: on-demand, base: 0, weight: 1 } ]",
      "capacityProviderStrategy: [ { capacityProvider: on-demand, base: 0, weight: 1 }, { capacityProvider: FARGATE_SPOT, weight: 1 } ]",
    );
    expect(errorOf(ec2)).toMatch(
      /platforms\.ec2\.capacityProviderStrategy\[1\]\.capacityProvider: a strategy may not mix Fargate and Auto Scaling group providers: FARGATE_SPOT belongs on an ecs-fargate platform/,
    );
  });

  it.each([
    [
      "two bases",
      "{ capacityProvider: FARGATE_SPOT, weight: 3 }",
      "{ capacityProvider: FARGATE_SPOT, base: 2, weight: 3 }",
      /only one capacity provider in a strategy can have a base/,
    ],
    [
      "a provider twice",
      "{ capacityProvider: FARGATE_SPOT, weight: 3 }",
      "{ capacityProvider: FARGATE, weight: 3 }",
      /capacityProviderStrategy\[1\]\.capacityProvider: capacity provider FARGATE appears twice/,
    ],
    [
      "all weights 0",
      "{ capacityProvider: FARGATE, base: 1, weight: 1 },",
      "{ capacityProvider: FARGATE, base: 1, weight: 0 },",
      /must have a weight greater than 0/,
    ],
    [
      "a weight above 1,000",
      "{ capacityProvider: FARGATE_SPOT, weight: 3 }",
      "{ capacityProvider: FARGATE_SPOT, weight: 3000 }",
      /capacityProviderStrategy\[1\]\.weight/,
    ],
  ])("rejects %s", (_name, from, to, want) => {
    const bad = TEXT.replace(from, to);
    if (to.includes("weight: 0 },")) {
      // Both weights 0.
      expect(errorOf(bad.replace("FARGATE_SPOT, weight: 3 }", "FARGATE_SPOT, weight: 0 }"))).toMatch(want);
      return;
    }
    expect(errorOf(bad)).toMatch(want);
  });

  it("fargateSpot needs FARGATE_SPOT in the strategy, and takes a discount or a price series, not both", () => {
    const noSpot = TEXT.replace(
      "capacityProviderStrategy: [ { capacityProvider: FARGATE_SPOT, weight: 1 } ]",
      "capacityProviderStrategy: [ { capacityProvider: FARGATE, weight: 1 } ]",
    );
    expect(errorOf(noSpot)).toMatch(
      /platforms\.spot-only\.fargateSpot: fargateSpot applies to tasks on FARGATE_SPOT/,
    );
    const both = TEXT.replace("fargateSpot:\n", "fargateSpot:\n      discount: 0.6\n");
    expect(errorOf(both)).toMatch(
      /fargateSpot\.priceSeries: give either fargateSpot\.discount or fargateSpot\.priceSeries/,
    );
  });
});

describe("scenarios/fargate-spot.yaml", () => {
  it("one day: Spot cheaper in proportion to its share, meters per provider, every invariant holds, same bytes twice", async () => {
    const s = loadScenario(EXAMPLE);
    s.traffic.window = { start: s.traffic.window?.start, duration: 86_400_000 };
    const a = await run(s);
    const b = await run(s);
    expect(a.files["summary.json"]).toBe(b.files["summary.json"]);
    expect(a.files["series.csv"]).toBe(b.files["series.csv"]);
    const p = a.summary.platforms;
    for (const x of Object.values(p))
      for (const c of x.checks) expect(c, c.detail).toMatchObject({ ok: true });
    const meters = (n: string) => Object.fromEntries(p[n].cost.meters.map((m) => [m.name, m.usd]));
    expect(Object.keys(meters("fargate"))).toEqual([
      "alb.hours",
      "alb.lcu",
      "fargate.memory",
      "fargate.vcpu",
    ]);
    expect(Object.keys(meters("fargate-spot"))).toEqual([
      "alb.hours",
      "alb.lcu",
      "fargate.memory",
      "fargate.vcpu",
      "fargateSpot.memory",
      "fargateSpot.vcpu",
    ]);
    const spot = p["fargate-spot"];
    if (spot.kind !== "ecs-fargate") throw new Error(`fargate-spot is ${spot.kind}`);
    const d = spot.details?.capacityProviders as Record<string, { billedTaskHours: number; usd: number }>;
    // FARGATE at the list rate, FARGATE_SPOT at the pinned us-east-1 Spot rates (0.01264355 per vCPU-hour,
    // 0.00138835 per GB-hour: 68.8 % off; data/fargate-prices.json).
    const perHour = 0.04048 + 2 * 0.004445;
    const spotPerHour = 0.01264355 + 2 * 0.00138835;
    expect(d.FARGATE.usd).toBeCloseTo(d.FARGATE.billedTaskHours * perHour, 4);
    expect(d.FARGATE_SPOT.usd).toBeCloseTo(d.FARGATE_SPOT.billedTaskHours * spotPerHour, 4);
    // The base task stays on FARGATE the whole day.
    expect(d.FARGATE.billedTaskHours).toBeCloseTo(24, 6);
    expect(p["fargate-spot"].cost.totalUsd).toBeLessThan(p.fargate.cost.totalUsd);
    expect(p["spot-only"].cost.totalUsd).toBeLessThan(p["fargate-spot"].cost.totalUsd);
  });
});
