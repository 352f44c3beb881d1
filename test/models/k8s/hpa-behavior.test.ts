// Table tests ported from kubernetes/kubernetes pkg/controller/podautoscaler/horizontal_test.go
// (https://github.com/kubernetes/kubernetes/blob/master/pkg/controller/podautoscaler/horizontal_test.go)
// and the HPA documentation's behavior examples
// (https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/#configurable-scaling-behavior).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type Behavior,
  calculateScaleDownLimitWithBehaviors,
  combineMetricProposals,
  convertDesiredReplicasWithBehaviorRate,
  convertDesiredReplicasWithRules,
  generateScaleDownRules,
  generateScaleUpRules,
  type HpaState,
  normalizeDesiredReplicasWithBehaviors,
  reconcileReplicas,
  type ScaleEvent,
  type ScalingPolicy,
  type ScalingRules,
  stabilizeRecommendation,
  stabilizeRecommendationWithBehaviors,
  storeScaleEvent,
  tolerancesFor,
} from "../../../src/models/k8s/hpa-behavior.js";
import {
  getResourceReplicas,
  type HpaPod,
  type PodMetricSample,
} from "../../../src/models/k8s/replica-calculator.js";

const NOW = 1_700_000_000_000;
const MIN = 60_000;

/** horizontal_test.go generateScalingRules(pods, podsPeriod, percent, percentPeriod, stabilizationWindow). */
function rules(
  pods: number,
  podsPeriod: number,
  percent: number,
  percentPeriod: number,
  window: number,
): ScalingRules {
  const policies: ScalingPolicy[] = [];
  if (pods !== 0) policies.push({ type: "Pods", value: pods, periodSeconds: podsPeriod });
  if (percent !== 0) policies.push({ type: "Percent", value: percent, periodSeconds: percentPeriod });
  return { stabilizationWindowSeconds: window, selectPolicy: "Max", policies };
}

/** horizontal_test.go generateEventsUniformDistribution: events centred in equal segments of the period. */
function events(raw: number[], periodSeconds: number): ScaleEvent[] {
  const seg = periodSeconds / raw.length;
  return raw.map((change, idx) => ({
    replicaChange: change,
    // time.Duration(float) truncates to whole seconds before multiplying by time.Second.
    timestampMs: NOW - Math.trunc(periodSeconds - seg * (idx + 1) + seg / 2) * 1000,
    outdated: false,
  }));
}

interface RulesRow {
  name: string;
  up?: ScaleEvent[];
  down?: ScaleEvent[];
  min: number;
  max: number;
  upRules?: ScalingRules;
  downRules?: ScalingRules;
  current: number;
  desired: number;
  expected: number;
  condition: string;
}

const scalingWithRules: RulesRow[] = [
  {
    name: "prenormalized desired replicas within range",
    current: 5,
    desired: 7,
    min: 3,
    max: 8,
    expected: 7,
    condition: "DesiredWithinRange",
  },
  {
    name: "prenormalized desired replicas < minReplicas",
    current: 3,
    desired: 1,
    min: 2,
    max: 8,
    expected: 2,
    condition: "TooFewReplicas",
  },
  {
    name: "prenormalized desired replicas within range when minReplicas is 0",
    current: 1,
    desired: 0,
    min: 0,
    max: 10,
    expected: 0,
    condition: "DesiredWithinRange",
  },
  {
    name: "maxReplicas is the limit because maxReplicas < scaleUpLimit",
    current: 20,
    desired: 1000,
    min: 1,
    max: 10,
    expected: 10,
    condition: "TooManyReplicas",
  },
  {
    name: "desired replica count is more than the maximum replica count",
    current: 100,
    desired: 1000,
    min: 100,
    max: 150,
    expected: 150,
    condition: "TooManyReplicas",
  },
  {
    name: "scaleUpLimit is the limit because scaleUpLimit < maxReplicas with user policies",
    current: 3,
    desired: 1000,
    min: 1,
    max: 2000,
    upRules: rules(0, 0, 1, 60, 0),
    expected: 4,
    condition: "ScaleUpLimit",
  },
  {
    name: "scaleDownLimit is the limit because scaleDownLimit > minReplicas with user defined policies",
    current: 1000,
    desired: 3,
    min: 3,
    max: 2000,
    downRules: rules(20, 60, 0, 0, 0),
    expected: 980,
    condition: "ScaleDownLimit",
  },
  {
    name: "scaleUp with default behavior",
    min: 1,
    max: 1000,
    current: 10,
    desired: 50,
    expected: 20,
    condition: "ScaleUpLimit",
  },
  {
    name: "scaleUp with pods policy larger than percent policy",
    min: 1,
    max: 1000,
    upRules: rules(100, 60, 100, 60, 0),
    current: 10,
    desired: 500,
    expected: 110,
    condition: "ScaleUpLimit",
  },
  {
    name: "scaleUp with percent policy larger than pods policy",
    min: 1,
    max: 1000,
    upRules: rules(2, 60, 100, 60, 0),
    current: 10,
    desired: 500,
    expected: 20,
    condition: "ScaleUpLimit",
  },
  {
    name: "scaleUp with spec MaxReplicas limitation with large pod policy",
    min: 1,
    max: 1000,
    upRules: rules(100, 60, 0, 0, 0),
    current: 10,
    desired: 50,
    expected: 50,
    condition: "DesiredWithinRange",
  },
  {
    name: "scaleUp with pod policy limitation",
    min: 1,
    max: 1000,
    upRules: rules(30, 60, 0, 0, 0),
    current: 10,
    desired: 50,
    expected: 40,
    condition: "ScaleUpLimit",
  },
  {
    name: "scaleUp with percent policy limitation",
    min: 1,
    max: 1000,
    upRules: rules(0, 0, 200, 60, 0),
    current: 10,
    desired: 50,
    expected: 30,
    condition: "ScaleUpLimit",
  },
  {
    name: "scaleDown with percent policy larger than pod policy",
    min: 1,
    max: 1000,
    downRules: rules(20, 60, 1, 60, 300),
    current: 100,
    desired: 2,
    expected: 80,
    condition: "ScaleDownLimit",
  },
  {
    name: "scaleDown with pod policy larger than percent policy",
    min: 1,
    max: 1000,
    downRules: rules(2, 60, 1, 60, 300),
    current: 100,
    desired: 2,
    expected: 98,
    condition: "ScaleDownLimit",
  },
  {
    name: "scaleDown with spec MinReplicas limitation with large pod policy",
    min: 1,
    max: 1000,
    downRules: rules(100, 60, 0, 0, 300),
    current: 10,
    desired: 0,
    expected: 1,
    condition: "TooFewReplicas",
  },
  {
    name: "scaleDown with spec MinReplicas limitation with large percent policy",
    min: 5,
    max: 1000,
    downRules: rules(0, 0, 100, 60, 300),
    current: 10,
    desired: 2,
    expected: 5,
    condition: "TooFewReplicas",
  },
  {
    name: "scaleDown with pod policy limitation",
    min: 1,
    max: 1000,
    downRules: rules(5, 60, 0, 0, 300),
    current: 10,
    desired: 2,
    expected: 5,
    condition: "ScaleDownLimit",
  },
  {
    name: "scaleDown with percent policy limitation",
    min: 1,
    max: 1000,
    downRules: rules(0, 0, 50, 60, 300),
    current: 10,
    desired: 5,
    expected: 5,
    condition: "DesiredWithinRange",
  },
  {
    name: "scaleUp with spec MaxReplicas limitation with large pod policy and events",
    up: events([1, 5, 9], 120),
    min: 1,
    max: 200,
    upRules: rules(300, 60, 0, 0, 0),
    current: 100,
    desired: 500,
    expected: 200,
    condition: "TooManyReplicas",
  },
  {
    name: "scaleUp with currentReplicas limitation with rate.PeriodSeconds with a lot of recent scale up events",
    up: events([1, 5, 9], 120),
    min: 1,
    max: 1000,
    upRules: rules(5, 120, 0, 0, 0),
    current: 100,
    desired: 500,
    expected: 100,
    condition: "ScaleUpLimit",
  },
  {
    name: "scaleUp with pod policy and previous scale up events",
    up: events([1, 5, 9], 120),
    min: 1,
    max: 1000,
    upRules: rules(150, 120, 0, 0, 0),
    current: 100,
    desired: 500,
    expected: 235,
    condition: "ScaleUpLimit",
  },
  {
    name: "scaleUp with percent policy and previous scale up events",
    up: events([1, 5, 9], 120),
    min: 1,
    max: 1000,
    upRules: rules(0, 0, 200, 120, 0),
    current: 100,
    desired: 500,
    expected: 255,
    condition: "ScaleUpLimit",
  },
  {
    name: "scaleUp with percent policy and previous scale up and down events",
    up: events([4], 120),
    down: events([2], 120),
    min: 1,
    max: 1000,
    upRules: rules(0, 0, 300, 300, 0),
    current: 6,
    desired: 24,
    expected: 16,
    condition: "ScaleUpLimit",
  },
  {
    name: "scaleDown with default policy and previous events",
    down: events([1, 5, 9], 120),
    min: 1,
    max: 1000,
    current: 10,
    desired: 5,
    expected: 5,
    condition: "DesiredWithinRange",
  },
  {
    name: "scaleDown with spec MinReplicas limitation with large pod policy and previous events",
    down: events([1, 5, 9], 120),
    min: 5,
    max: 1000,
    downRules: rules(130, 120, 0, 0, 300),
    current: 100,
    desired: 0,
    expected: 5,
    condition: "TooFewReplicas",
  },
  {
    name: "scaleDown with pod policy limitation and previous events",
    down: events([1, 5, 9], 120),
    min: 1,
    max: 1000,
    downRules: rules(5, 120, 0, 0, 300),
    current: 100,
    desired: 2,
    expected: 100,
    condition: "ScaleDownLimit",
  },
  {
    name: "scaleDown with percent policy limitation and previous events",
    down: events([2, 4, 6], 120),
    min: 1,
    max: 1000,
    downRules: rules(0, 0, 50, 120, 300),
    current: 100,
    desired: 0,
    expected: 56,
    condition: "ScaleDownLimit",
  },
  {
    name: "scaleDown with percent policy and previous scale up and down events",
    up: events([2], 120),
    down: events([4], 120),
    min: 1,
    max: 1000,
    downRules: rules(0, 0, 50, 180, 0),
    current: 10,
    desired: 1,
    expected: 6,
    condition: "ScaleDownLimit",
  },
  {
    name: "scaleDown with previous events preventing further scale down",
    down: events([10, 10, 10], 120),
    min: 1,
    max: 1000,
    downRules: rules(0, 0, 10, 120, 300),
    current: 100,
    desired: 0,
    expected: 100,
    condition: "ScaleDownLimit",
  },
  {
    name: "scaleDown with with previous events still allowing more scale down",
    down: events([10, 10, 10], 120),
    min: 1,
    max: 1000,
    downRules: rules(0, 0, 1000, 120, 300),
    current: 10,
    desired: 5,
    expected: 5,
    condition: "DesiredWithinRange",
  },
  {
    name: "check that events were marked 'outdated' for two different policies in the behavior for up",
    up: events([8, 12, 9, 11], 120),
    min: 1,
    max: 1000,
    upRules: rules(1000, 30, 100, 60, 0),
    current: 100,
    desired: 200,
    expected: 200,
    condition: "DesiredWithinRange",
  },
];

describe("TestScalingWithRules (convertDesiredReplicasWithBehaviorRate)", () => {
  it.each(scalingWithRules)("$name", (r) => {
    const out = convertDesiredReplicasWithBehaviorRate({
      currentReplicas: r.current,
      desiredReplicas: r.desired,
      minReplicas: r.min,
      maxReplicas: r.max,
      scaleUp: generateScaleUpRules(r.upRules),
      scaleDown: generateScaleDownRules(r.downRules),
      scaleUpEvents: r.up ?? [],
      scaleDownEvents: r.down ?? [],
      nowMs: NOW,
    });
    expect(out.replicas).toBe(r.expected);
    expect(out.reason).toBe(r.condition);
  });

  it("TestCalculateScaleDownLimitWithBehaviors with selectPolicy Min (2 pods vs 50% of 5)", () => {
    const got = calculateScaleDownLimitWithBehaviors(
      5,
      [],
      [],
      generateScaleDownRules({
        stabilizationWindowSeconds: 300,
        selectPolicy: "Min",
        policies: [
          { type: "Pods", value: 2, periodSeconds: 60 },
          { type: "Percent", value: 50, periodSeconds: 60 },
        ],
      }),
      NOW,
    );
    expect(got).toBe(3);
  });

  it("selectPolicy Disabled keeps the current count", () => {
    const out = convertDesiredReplicasWithBehaviorRate({
      currentReplicas: 10,
      desiredReplicas: 2,
      minReplicas: 1,
      maxReplicas: 100,
      scaleUp: generateScaleUpRules(),
      scaleDown: generateScaleDownRules({ selectPolicy: "Disabled" }),
      scaleUpEvents: [],
      scaleDownEvents: [],
      nowMs: NOW,
    });
    expect(out).toMatchObject({ replicas: 10, reason: "ScaleDownLimit" });
  });
});

interface StabRow {
  name: string;
  recs: [number, number][]; // [recommendation, age ms]
  current: number;
  desired: number;
  expected: number;
  expectedRecs?: number[];
  up?: number;
  down?: number;
}

const stabRows: StabRow[] = [
  {
    name: "empty recommendations for scaling down",
    recs: [],
    current: 100,
    desired: 5,
    expected: 5,
    expectedRecs: [5],
  },
  {
    name: "simple scale down stabilization",
    recs: [
      [4, 2 * MIN],
      [5, MIN],
    ],
    current: 100,
    desired: 3,
    expected: 5,
    expectedRecs: [4, 5, 3],
    down: 180,
  },
  {
    name: "simple scale up stabilization",
    recs: [
      [4, 2 * MIN],
      [5, MIN],
    ],
    current: 1,
    desired: 7,
    expected: 4,
    expectedRecs: [4, 5, 7],
    up: 300,
  },
  {
    name: "no scale down stabilization",
    recs: [
      [1, 2 * MIN],
      [2, MIN],
    ],
    current: 100,
    desired: 3,
    expected: 3,
    expectedRecs: [1, 2, 3],
    up: 300,
  },
  {
    name: "no scale up stabilization",
    recs: [
      [4, 2 * MIN],
      [5, MIN],
    ],
    current: 1,
    desired: 3,
    expected: 3,
    expectedRecs: [4, 5, 3],
    down: 300,
  },
  {
    name: "no scale down stabilization, reuse recommendation element",
    recs: [
      [10, 10 * MIN],
      [9, 9 * MIN],
    ],
    current: 100,
    desired: 3,
    expected: 3,
    expectedRecs: [10, 3],
  },
  {
    name: "no scale up stabilization, reuse recommendation element",
    recs: [
      [10, 10 * MIN],
      [9, 9 * MIN],
    ],
    current: 1,
    desired: 100,
    expected: 100,
    expectedRecs: [10, 100],
  },
  {
    name: "scale down stabilization, reuse one of obsolete recommendation element",
    recs: [
      [10, 10 * MIN],
      [4, MIN],
      [5, 2 * MIN],
      [9, 9 * MIN],
    ],
    current: 100,
    desired: 3,
    expected: 5,
    expectedRecs: [10, 4, 5, 3],
    down: 180,
  },
  {
    name: "scale up stabilization, reuse one of obsolete recommendation element",
    recs: [
      [10, 100 * MIN],
      [6, MIN],
      [5, 2 * MIN],
      [9, 3 * MIN],
    ],
    current: 1,
    desired: 100,
    expected: 5,
    expectedRecs: [100, 6, 5, 9],
    up: 300,
  },
  {
    name: "scale up and down stabilization, do not scale up when prenormalized rec goes down",
    recs: [
      [2, 100 * MIN],
      [3, 3 * MIN],
    ],
    current: 2,
    desired: 1,
    expected: 2,
    up: 300,
    down: 300,
  },
  {
    name: "scale up and down stabilization, do not scale down when prenormalized rec goes up",
    recs: [
      [2, 100 * MIN],
      [1, 3 * MIN],
    ],
    current: 2,
    desired: 3,
    expected: 2,
    up: 300,
    down: 300,
  },
];

describe("TestNormalizeDesiredReplicasWithBehavior (stabilizeRecommendationWithBehaviors)", () => {
  it.each(stabRows)("$name", (r) => {
    const out = stabilizeRecommendationWithBehaviors({
      currentReplicas: r.current,
      desiredReplicas: r.desired,
      scaleUp: generateScaleUpRules({ stabilizationWindowSeconds: r.up ?? 0 }),
      scaleDown: generateScaleDownRules({ stabilizationWindowSeconds: r.down ?? 0 }),
      recommendations: r.recs.map(([recommendation, age]) => ({ recommendation, timestampMs: NOW - age })),
      nowMs: NOW,
    });
    expect(out.recommendation).toBe(r.expected);
    if (r.expectedRecs) expect(out.recommendations.map((x) => x.recommendation)).toEqual(r.expectedRecs);
  });
});

describe("TestNormalizeDesiredReplicas (legacy stabilizeRecommendation, 5 min window)", () => {
  const rows: { name: string; recs: [number, number][]; desired: number; expected: number; len: number }[] = [
    { name: "empty log", recs: [], desired: 5, expected: 5, len: 1 },
    {
      name: "stabilize",
      recs: [
        [4, 2 * MIN],
        [5, MIN],
      ],
      desired: 3,
      expected: 5,
      len: 3,
    },
    {
      name: "no stabilize",
      recs: [
        [1, 2 * MIN],
        [2, MIN],
      ],
      desired: 3,
      expected: 3,
      len: 3,
    },
    {
      name: "no stabilize - old recommendations",
      recs: [
        [10, 10 * MIN],
        [9, 9 * MIN],
      ],
      desired: 3,
      expected: 3,
      len: 2,
    },
    {
      name: "stabilize - old recommendations",
      recs: [
        [10, 10 * MIN],
        [4, MIN],
        [5, 2 * MIN],
        [9, 9 * MIN],
      ],
      desired: 3,
      expected: 5,
      len: 4,
    },
  ];
  it.each(rows)("$name", (r) => {
    const out = stabilizeRecommendation(
      r.recs.map(([recommendation, age]) => ({ recommendation, timestampMs: NOW - age })),
      r.desired,
      NOW,
      300,
    );
    expect(out.recommendation).toBe(r.expected);
    expect(out.recommendations).toHaveLength(r.len);
  });
});

describe("TestConvertDesiredReplicasWithRules (legacy)", () => {
  it("(current 5, desired 7, min 3, max 8) -> 7 DesiredWithinRange", () => {
    expect(convertDesiredReplicasWithRules(5, 7, 3, 8)).toMatchObject({
      replicas: 7,
      reason: "DesiredWithinRange",
    });
  });
  it("(current 3, desired 1, min 2, max 8) -> 2 TooFewReplicas", () => {
    expect(convertDesiredReplicasWithRules(3, 1, 2, 8)).toMatchObject({
      replicas: 2,
      reason: "TooFewReplicas",
    });
  });
  it("default cap is max(2 x current, 4)", () => {
    expect(convertDesiredReplicasWithRules(3, 100, 1, 100)).toMatchObject({
      replicas: 6,
      reason: "ScaleUpLimit",
    });
    expect(convertDesiredReplicasWithRules(1, 100, 1, 100)).toMatchObject({
      replicas: 4,
      reason: "ScaleUpLimit",
    });
  });
});

describe("TestStoreScaleEvents", () => {
  const at = (change: number, ageSeconds: number, outdated = false): ScaleEvent => ({
    replicaChange: change,
    timestampMs: NOW - ageSeconds * 1000,
    outdated,
  });
  const rows: { name: string; prev: ScaleEvent[]; next: [number, boolean][]; rules?: ScalingRules }[] = [
    { name: "empty entries with default behavior", prev: [], next: [] },
    {
      name: "empty entries with two-policy-behavior",
      prev: [],
      next: [[5, false]],
      rules: rules(10, 60, 100, 60, 0),
    },
    {
      name: "one outdated entry to be kept untouched without behavior",
      prev: [at(7, 61)],
      next: [[7, false]],
    },
    {
      name: "one outdated entry to be replaced with behavior",
      prev: [at(7, 61)],
      next: [[5, false]],
      rules: rules(10, 60, 100, 60, 0),
    },
    {
      name: "one actual entry to be not touched with behavior",
      prev: [at(7, 58)],
      next: [
        [7, false],
        [5, false],
      ],
      rules: rules(10, 60, 100, 60, 0),
    },
    {
      name: "two entries, one of them to be replaced",
      prev: [at(7, 61), at(6, 59)],
      next: [
        [5, false],
        [6, false],
      ],
      rules: rules(10, 60, 0, 0, 0),
    },
    {
      name: "replace one entry, use policies with different periods",
      prev: [at(8, 29), at(6, 59), at(7, 61), at(9, 61)],
      next: [
        [8, false],
        [6, false],
        [7, true],
        [5, false],
      ],
      rules: rules(10, 60, 100, 30, 0),
    },
    {
      name: "two entries, both actual",
      prev: [at(7, 58), at(6, 59)],
      next: [
        [7, false],
        [6, false],
        [5, false],
      ],
      rules: rules(10, 120, 100, 30, 0),
    },
  ];
  it.each(rows)("$name", (r) => {
    const up = storeScaleEvent(
      r.rules ? { scaleUp: r.rules } : undefined,
      { scaleUp: r.prev, scaleDown: [] },
      10,
      15,
      NOW,
    );
    expect(up.scaleUp.map((e) => [e.replicaChange, e.outdated])).toEqual(r.next);
    const down = storeScaleEvent(
      r.rules ? { scaleDown: r.rules } : undefined,
      { scaleUp: [], scaleDown: r.prev },
      10,
      5,
      NOW,
    );
    expect(down.scaleDown.map((e) => [e.replicaChange, e.outdated])).toEqual(r.next);
  });
});

// Controller-level cases: the replica calculator feeds the normalisation as reconcileAutoscaler does.
function cpuPods(requests: number[]): HpaPod[] {
  return requests.map((cpu, i) => ({
    name: `p${i}`,
    phase: "Running",
    ready: true,
    startTimeMs: NOW - 10 * MIN,
    readyTransitionMs: NOW - 10 * MIN,
    requests: { cpu },
  }));
}
function cpuMetrics(levels: number[]): Map<string, PodMetricSample> {
  return new Map(levels.map((v, i) => [`p${i}`, { value: v, timestampMs: NOW, windowMs: MIN }]));
}

describe("controller cases (horizontal_test.go)", () => {
  const calc = (requests: number[], levels: number[], target: number, current: number) => {
    const r = getResourceReplicas({
      nowMs: NOW,
      currentReplicas: current,
      targetUtilization: target,
      resource: "cpu",
      pods: cpuPods(requests),
      metrics: cpuMetrics(levels),
    });
    if (!r.ok) throw new Error(r.error);
    return r.replicas;
  };
  const fresh: HpaState = { scaleUpEvents: [], scaleDownEvents: [] };
  const upCap: Behavior = { scaleUp: rules(0, 0, 700, 60, 0) };

  it("TestUpscaleCap: raw 60 capped to 24 by a 700%/60 s rule (ScaleUpLimit)", () => {
    const metric = calc([100, 100, 100], [100, 200, 300], 10, 3);
    expect(metric).toBe(60);
    const r = reconcileReplicas({
      currentReplicas: 3,
      metricDesiredReplicas: metric,
      minReplicas: 1,
      maxReplicas: 100,
      behavior: upCap,
      state: fresh,
      nowMs: NOW,
    });
    expect(r.desiredReplicas).toBe(24);
    expect(r.scalingLimited).toMatchObject({ status: true, reason: "ScaleUpLimit" });
  });
  it("TestUpscaleCap (legacy path, scaleUpLimitFactor = 8)", () => {
    const r = reconcileReplicas({
      currentReplicas: 3,
      metricDesiredReplicas: 60,
      minReplicas: 1,
      maxReplicas: 100,
      state: fresh,
      nowMs: NOW,
      scaleUpLimitFactor: 8,
    });
    expect(r.desiredReplicas).toBe(24);
    expect(r.scalingLimited).toMatchObject({ status: true, reason: "ScaleUpLimit" });
  });
  it("TestUpscaleCapGreaterThanMaxReplicas: maxReplicas 20 wins (TooManyReplicas)", () => {
    const r = reconcileReplicas({
      currentReplicas: 3,
      metricDesiredReplicas: 60,
      minReplicas: 1,
      maxReplicas: 20,
      behavior: upCap,
      state: fresh,
      nowMs: NOW,
    });
    expect(r.desiredReplicas).toBe(20);
    expect(r.scalingLimited).toMatchObject({ status: true, reason: "TooManyReplicas" });
    const legacy = reconcileReplicas({
      currentReplicas: 3,
      metricDesiredReplicas: 60,
      minReplicas: 1,
      maxReplicas: 20,
      state: fresh,
      nowMs: NOW,
      scaleUpLimitFactor: 8,
    });
    expect(legacy.desiredReplicas).toBe(20);
    expect(legacy.scalingLimited?.reason).toBe("TooManyReplicas");
  });
  it("TestMissingReports: 4 replicas, one pod reporting 200m of 200m, target 50% -> 2", () => {
    const metric = calc([200], [200], 50, 4);
    const r = reconcileReplicas({
      currentReplicas: 4,
      metricDesiredReplicas: metric,
      minReplicas: 1,
      maxReplicas: 5,
      state: { ...fresh, recommendations: [] },
      nowMs: NOW,
    });
    expect(r.desiredReplicas).toBe(2);
  });
  it("target at zero replicas with minReplicas > 0 disables scaling", () => {
    const r = reconcileReplicas({
      currentReplicas: 0,
      metricDesiredReplicas: 5,
      minReplicas: 1,
      maxReplicas: 5,
      state: fresh,
      nowMs: NOW,
    });
    expect(r).toMatchObject({ rescale: false, skipped: "ScalingDisabled", desiredReplicas: 0 });
  });
  it("computeReplicasForMetrics: max wins; a failed metric blocks scale-down only", () => {
    expect(combineMetricProposals([3, 7, 5], 5)).toBe(7);
    expect(combineMetricProposals([7, null], 5)).toBe(7);
    expect(combineMetricProposals([3, null], 5)).toBeNull();
    expect(combineMetricProposals([null, null], 5)).toBeNull();
  });
  it("per-HPA tolerances override the cluster default per direction", () => {
    expect(tolerancesFor({ scaleUp: { tolerance: 0 } })).toEqual({ scaleUp: 0, scaleDown: 0.1 });
    expect(tolerancesFor(undefined, 0.05)).toEqual({ scaleUp: 0.05, scaleDown: 0.05 });
  });
});

describe("HPA docs behavior examples", () => {
  // W10: scale-down policies {4 pods/60 s, 10%/60 s}, selectPolicy Max, 80 replicas heading to 10.
  const w10: Behavior = {
    scaleDown: {
      stabilizationWindowSeconds: 0,
      policies: [
        { type: "Pods", value: 4, periodSeconds: 60 },
        { type: "Percent", value: 10, periodSeconds: 60 },
      ],
    },
  };
  function run(behavior: Behavior, current0: number, goal: number, seconds: number) {
    let state: HpaState = { scaleUpEvents: [], scaleDownEvents: [] };
    let current = current0;
    const byMinute: number[] = [];
    // The controller syncs every 15 s (--horizontal-pod-autoscaler-sync-period).
    for (let t = 0; t <= seconds; t += 15) {
      const r = reconcileReplicas({
        currentReplicas: current,
        metricDesiredReplicas: goal,
        minReplicas: 1,
        maxReplicas: 100,
        behavior,
        state,
        nowMs: NOW + t * 1000,
      });
      state = r.state;
      current = r.desiredReplicas;
      if (t % 60 === 0) byMinute.push(current);
    }
    return byMinute;
  }

  it("W10: -8 (10% of 80) -> 72, then 10% of 72 = 7.2 -> 8 -> 64; below 40 the 4-pod policy sets the pace", () => {
    const seq = run(w10, 80, 10, 20 * 60);
    expect(seq[0]).toBe(72);
    expect(seq[1]).toBe(64);
    for (let i = 1; i < seq.length; i++) {
      const prev = seq[i - 1];
      if (prev === 10) {
        expect(seq[i]).toBe(10);
        continue;
      }
      // Max policy = largest removal: ceil(10% of prev) vs 4 pods, never below the goal.
      const removal = Math.max(4, Math.ceil(prev * 0.1 - 1e-9));
      expect(seq[i]).toBe(Math.max(10, prev - removal));
      if (prev < 40) expect(Math.min(prev - 10, 4)).toBe(prev - seq[i]);
    }
    expect(seq[seq.length - 1]).toBe(10);
  });

  it("default scale-down stabilisation (300 s) holds the first scale-down for 5 minutes", () => {
    const seq = run({ scaleDown: { policies: w10.scaleDown?.policies } }, 80, 10, 6 * 60);
    expect(seq.slice(0, 5)).toEqual([80, 80, 80, 80, 80]);
    expect(seq[5]).toBe(72);
  });

  it("default scale-up: max(4 pods, 100%) per 15 s, no stabilisation", () => {
    const r = normalizeDesiredReplicasWithBehaviors({
      currentReplicas: 3,
      desiredReplicas: 50,
      minReplicas: 1,
      maxReplicas: 100,
      behavior: {},
      recommendations: [],
      scaleUpEvents: [],
      scaleDownEvents: [],
      nowMs: NOW,
    });
    expect(r.desiredReplicas).toBe(7);
    expect(r.scalingLimited.reason).toBe("ScaleUpLimit");
  });
});

describe("behavior invariants", () => {
  const policy = fc.record({
    type: fc.constantFrom("Pods" as const, "Percent" as const),
    value: fc.integer({ min: 1, max: 300 }),
    periodSeconds: fc.integer({ min: 1, max: 600 }),
  });
  const ruleArb = fc.record({
    selectPolicy: fc.constantFrom("Max" as const, "Min" as const, "Disabled" as const),
    policies: fc.array(policy, { minLength: 1, maxLength: 3 }),
  });
  const eventsArb = fc.array(
    fc.record({ replicaChange: fc.integer({ min: 0, max: 50 }), age: fc.integer({ min: 0, max: 900 }) }),
    { maxLength: 5 },
  );

  it("the rate-limited result lies between current and desired and inside [min, max]", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 50 }),
        fc.integer({ min: 0, max: 100 }),
        fc.integer({ min: 0, max: 500 }),
        fc.integer({ min: 0, max: 300 }),
        ruleArb,
        ruleArb,
        eventsArb,
        eventsArb,
        (min, span, currentRaw, desired, up, down, ue, de) => {
          const max = min + span;
          const current = min + (currentRaw % (span + 1));
          const toEvents = (es: { replicaChange: number; age: number }[]) =>
            es.map((e) => ({
              replicaChange: e.replicaChange,
              timestampMs: NOW - e.age * 1000,
              outdated: false,
            }));
          const out = convertDesiredReplicasWithBehaviorRate({
            currentReplicas: current,
            desiredReplicas: desired,
            minReplicas: min,
            maxReplicas: max,
            scaleUp: generateScaleUpRules(up),
            scaleDown: generateScaleDownRules(down),
            scaleUpEvents: toEvents(ue),
            scaleDownEvents: toEvents(de),
            nowMs: NOW,
          });
          expect(out.replicas).toBeGreaterThanOrEqual(Math.max(min, Math.min(current, desired)));
          expect(out.replicas).toBeLessThanOrEqual(Math.min(max, Math.max(current, desired)));
        },
      ),
    );
  });

  it("stabilisation never moves past the new recommendation nor away from it", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 100 }),
        fc.integer({ min: 0, max: 100 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 1200 })), {
          maxLength: 8,
        }),
        fc.integer({ min: 0, max: 600 }),
        fc.integer({ min: 0, max: 600 }),
        (current, desired, recs, up, down) => {
          const input = recs.map(([recommendation, age]) => ({
            recommendation,
            timestampMs: NOW - age * 1000,
          }));
          const out = stabilizeRecommendationWithBehaviors({
            currentReplicas: current,
            desiredReplicas: desired,
            scaleUp: generateScaleUpRules({ stabilizationWindowSeconds: up }),
            scaleDown: generateScaleDownRules({ stabilizationWindowSeconds: down }),
            recommendations: input,
            nowMs: NOW,
          });
          expect(out.recommendation).toBeGreaterThanOrEqual(Math.min(current, desired));
          expect(out.recommendation).toBeLessThanOrEqual(Math.max(current, desired));
          expect(out.recommendations.length - input.length).toBeLessThanOrEqual(1);
          expect(input.length).toBe(recs.length); // the input history is not mutated
        },
      ),
    );
  });
});
