// Table tests ported from kubernetes/autoscaler cluster-autoscaler/expander/<name>/<name>_test.go
// (https://github.com/kubernetes/autoscaler/tree/master/cluster-autoscaler/expander).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stream } from "../../../src/engine/rng.js";
import {
  chooseOption,
  type ExpanderNode,
  type ExpanderPod,
  type ExpansionOption,
  leastWasteFilter,
  mostPodsFilter,
  priceBestOption,
  priorityFilter,
  type PricingModel,
  randomOption,
  simpleNodeUnfitness,
  simplePreferredNode,
} from "../../../src/models/k8s/expander.js";

describe("TestLeastWaste (waste_test.go)", () => {
  const cpuPerPod = 500;
  const memPerPod = 1000 * 1024 * 1024;
  const p: ExpanderPod = { cpuMilli: cpuPerPod, memoryBytes: memPerPod };
  const infos = new Map<string, ExpanderNode>([
    ["balanced", { cpuMilli: 16 * cpuPerPod, memoryBytes: 16 * memPerPod }],
    ["highmem", { cpuMilli: 16 * cpuPerPod, memoryBytes: 32 * memPerPod }],
    ["lowcpu", { cpuMilli: 8 * cpuPerPod, memoryBytes: 16 * memPerPod }],
  ]);
  const opt = (id: string, pods: ExpanderPod[]): ExpansionOption => ({ nodeGroupId: id, nodeCount: 1, pods });
  it("without any pods, one node info", () => {
    expect(leastWasteFilter([opt("balanced", [])], infos)).toEqual([opt("balanced", [])]);
  });
  it("one pod, one node info", () => {
    expect(leastWasteFilter([opt("balanced", [p])], infos)).toEqual([opt("balanced", [p])]);
  });
  it("one pod, balanced vs highmem -> balanced", () => {
    expect(
      leastWasteFilter([opt("balanced", [p]), opt("highmem", [p])], infos).map((o) => o.nodeGroupId),
    ).toEqual(["balanced"]);
  });
  it("one pod, balanced vs highmem vs lowcpu -> lowcpu", () => {
    const r = leastWasteFilter([opt("balanced", [p]), opt("highmem", [p]), opt("lowcpu", [p])], infos);
    expect(r.map((o) => o.nodeGroupId)).toEqual(["lowcpu"]);
  });
  it("ties are all kept for the random fallback; options without node info are skipped", () => {
    const r = leastWasteFilter(
      [opt("balanced", [p]), opt("missing", [p]), { ...opt("balanced", [p]), debug: "twin" }],
      infos,
    );
    expect(r).toHaveLength(2);
  });
});

describe("most-pods", () => {
  const pod: ExpanderPod = { cpuMilli: 100, memoryBytes: 100 };
  const a: ExpansionOption = { nodeGroupId: "a", nodeCount: 1, pods: [pod] };
  const b: ExpansionOption = { nodeGroupId: "b", nodeCount: 3, pods: [pod, pod, pod] };
  const c: ExpansionOption = { nodeGroupId: "c", nodeCount: 1, pods: [pod, pod, pod] };
  it("keeps the options that schedule the most pods (mostpods.go)", () => {
    expect(mostPodsFilter([a, b, c])).toEqual([b, c]);
    expect(mostPodsFilter([a])).toEqual([a]);
    expect(mostPodsFilter([])).toEqual([]);
  });
  it("ties fall back to a uniform random choice", () => {
    expect(chooseOption([a, b, c], [mostPodsFilter], () => 0)).toBe(b);
    expect(chooseOption([a, b, c], [mostPodsFilter], () => 0.999)).toBe(c);
  });
});

describe("random", () => {
  const opts: ExpansionOption[] = ["x", "y", "z"].map((id) => ({ nodeGroupId: id, nodeCount: 1, pods: [] }));
  it("maps the uniform draw to an index like rand.Int31n(len)", () => {
    expect(randomOption(opts, () => 0)?.nodeGroupId).toBe("x");
    expect(randomOption(opts, () => 0.5)?.nodeGroupId).toBe("y");
    expect(randomOption(opts, () => 0.9999)?.nodeGroupId).toBe("z");
    expect(randomOption([], () => 0.5)).toBeUndefined();
  });
  it("is roughly uniform over a seeded stream", () => {
    const rng = stream(42, "expander.random");
    const counts = new Map<string, number>();
    for (let i = 0; i < 30_000; i++) {
      const id = randomOption(opts, () => rng.next())!.nodeGroupId;
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    for (const n of counts.values()) expect(Math.abs(n - 10_000)).toBeLessThan(500);
  });
});

describe("priority (priority_test.go)", () => {
  const config = {
    5: [".*t2\\.micro.*"],
    10: [".*t2\\.large.*", ".*t3\\.large.*"],
    50: [".*m4\\.4xlarge.*"],
  };
  const oneEntry = { 10: [".*t2\\.large.*"] };
  const notMatching = { 5: [".*t\\.micro.*"], 10: [".*t\\.large.*"] };
  const wildcard = { 5: [".*"], 10: [".t2\\.large.*"] };
  const o = (id: string): ExpansionOption => ({
    nodeGroupId: `my-asg.${id}`,
    nodeCount: 1,
    pods: [],
    debug: id,
  });
  const [t2Micro, t2Large, t3Large, m4] = [o("t2.micro"), o("t2.large"), o("t3.large"), o("m4.4xlarge")];
  it("TestPriorityExpanderCorrecltyFiltersSingleMatchingOptionOutOfOne", () => {
    expect(priorityFilter([t2Large], config)).toEqual([t2Large]);
  });
  it("TestPriorityExpanderCorrecltyFiltersSingleMatchingOptionOutOfMany", () => {
    expect(priorityFilter([t2Large, m4], config)).toEqual([m4]);
  });
  it("TestPriorityExpanderFiltersToHigherPriorityMatch", () => {
    expect(priorityFilter([t2Large, t2Micro], wildcard)).toEqual([t2Large]);
  });
  it("TestPriorityExpanderCorrecltyFiltersTwoMatchingOptionsOutOfMany", () => {
    expect(priorityFilter([t2Large, t3Large, t2Micro], config)).toEqual([t2Large, t3Large]);
  });
  it("TestPriorityExpanderCorrecltyFallsBackToAllWhenNoMatches", () => {
    expect(priorityFilter([t2Large, t3Large], notMatching)).toEqual([t2Large, t3Large]);
  });
  it("TestPriorityExpanderCorrecltyHandlesConfigUpdate", () => {
    expect(priorityFilter([t2Large, t3Large, m4], oneEntry)).toEqual([t2Large]);
    expect(priorityFilter([t2Large, t3Large, m4], config)).toEqual([m4]);
  });
});

describe("TestPriceExpander (price_test.go)", () => {
  const GiB = 1024 ** 3;
  const infos: Record<string, ExpanderNode> = {
    ng1: { name: "n1", cpuMilli: 1000, memoryBytes: 1000 },
    ng2: { name: "n2", cpuMilli: 4000, memoryBytes: 1000 },
    "autoprovisioned-MT1": { name: "n3", cpuMilli: 4000, memoryBytes: 1000 },
  };
  const p1: ExpanderPod = { name: "p1", cpuMilli: 1000, memoryBytes: 0 };
  const p2: ExpanderPod = { name: "p2", cpuMilli: 500, memoryBytes: 0 };
  const model = (
    nodes: Record<string, number>,
    pods: Record<string, number> = { p1: 20, p2: 10, stabilize: 10 },
  ): PricingModel => ({
    nodePrice: (n) => nodes[n.name ?? ""],
    podPrice: (p) => pods[p.name ?? ""],
  });
  const opt = (id: string, nodeCount: number, pods: ExpanderPod[], exists = true): ExpansionOption => ({
    nodeGroupId: id,
    nodeCount,
    pods,
    exists,
    debug: id,
  });
  const options = [opt("ng1", 2, [p1, p2]), opt("ng2", 1, [p1, p2])];
  const best = (opts: ExpansionOption[], m: PricingModel, preferredCpu: number) =>
    priceBestOption(opts, infos, m, { preferredNode: { cpuMilli: preferredCpu, memoryBytes: GiB } })?.option
      .debug;

  it("first node group is cheaper", () => {
    expect(best(options, model({ n1: 20, n2: 200 }), 2000)).toBe("ng1");
  });
  it("first node group is cheaper, however, the second one is preferred", () => {
    expect(best(options, model({ n1: 50, n2: 200 }), 4000)).toBe("ng2");
  });
  it("first node group is cheaper, the second is preferred, but there are lots of nodes to be created", () => {
    expect(best([opt("ng1", 80, [p1, p2]), opt("ng2", 40, [p1, p2])], model({ n1: 20, n2: 200 }), 4000)).toBe(
      "ng1",
    );
  });
  it("second node group is cheaper", () => {
    expect(best(options, model({ n1: 200, n2: 100 }), 2000)).toBe("ng2");
  });
  const options2 = [opt("ng1", 2, [p1]), opt("ng2", 1, [p1, p2])];
  it("both equally expensive, the second accepts two pods", () => {
    expect(best(options2, model({ n1: 200, n2: 200 }), 2000)).toBe("ng2");
  });
  it("errors are expected: no prices gives no option", () => {
    expect(best(options2, model({}, {}), 2000)).toBeUndefined();
  });
  const options3 = [...options2, opt("autoprovisioned-MT1", 1, [p1, p2], false)];
  it("choose existing group when non-existing has the same price", () => {
    expect(best(options3, model({ n1: 200, n2: 200, n3: 200 }), 2000)).toBe("ng2");
  });
  it("choose non-existing group when non-existing is cheaper", () => {
    expect(best(options3, model({ n1: 200, n2: 200, n3: 90 }), 2000)).toBe("autoprovisioned-MT1");
  });
  it("scores as the pricing proposal: stabilised price ratio times suppressed unfitness", () => {
    const r = priceBestOption([opt("ng1", 2, [p1, p2])], infos, model({ n1: 20 }), {
      preferredNode: { cpuMilli: 2000, memoryBytes: GiB },
    });
    expect(r?.score).toBeCloseTo(((2 - 1) * (1 - Math.tanh(1 / 15)) + 1) * ((40 + 10) / (30 + 10)), 12);
  });
  it("preferred node grows with the cluster; unfitness is symmetric", () => {
    expect(simplePreferredNode(2).cpuMilli).toBe(1000);
    expect(simplePreferredNode(7).cpuMilli).toBe(4000);
    expect(simplePreferredNode(500).cpuMilli).toBe(32000);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e6 }), fc.integer({ min: 1, max: 1e6 }), (a, b) => {
        const x = simpleNodeUnfitness({ cpuMilli: a, memoryBytes: 1 }, { cpuMilli: b, memoryBytes: 1 });
        expect(x).toBeGreaterThanOrEqual(1);
        expect(x).toBeCloseTo(
          simpleNodeUnfitness({ cpuMilli: b, memoryBytes: 1 }, { cpuMilli: a, memoryBytes: 1 }),
          9,
        );
      }),
    );
  });
});

describe("expander chain invariants", () => {
  it("the chosen option is always one of the inputs, and filters only narrow the set", () => {
    const pod: ExpanderPod = { cpuMilli: 100, memoryBytes: 1000 };
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            id: fc.constantFrom("a", "b", "c"),
            n: fc.integer({ min: 1, max: 5 }),
            pods: fc.integer({ min: 0, max: 6 }),
          }),
          { minLength: 1, maxLength: 6 },
        ),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (raw, u) => {
          const infos = {
            a: { cpuMilli: 1000, memoryBytes: 4000 },
            b: { cpuMilli: 2000, memoryBytes: 4000 },
            c: { cpuMilli: 500, memoryBytes: 8000 },
          };
          const opts: ExpansionOption[] = raw.map((r) => ({
            nodeGroupId: r.id,
            nodeCount: r.n,
            pods: Array.from({ length: r.pods }, () => pod),
          }));
          const lw = leastWasteFilter(opts, infos);
          expect(lw.every((o) => opts.includes(o))).toBe(true);
          const chosen = chooseOption(opts, [mostPodsFilter, (o) => leastWasteFilter(o, infos)], () => u);
          expect(chosen === undefined || opts.includes(chosen)).toBe(true);
        },
      ),
    );
  });
});
