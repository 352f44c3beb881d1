import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type AlarmConfig,
  type AlarmState,
  evaluateAlarm,
  evaluationRangeSize,
  explainAlarm,
  isBreaching,
  type TreatMissingData,
  validateAlarmConfig,
} from "../../../src/models/aas/alarm.js";

// Source of every table below: "How alarm state is evaluated when data is missing",
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarms-and-missing-data.html
// (= AlarmThatSendsEmail.html#alarms-evaluating-missing-data). Datapoints oldest -> newest:
// 0 = not breaching, X = breaching, - = missing. Evaluation range 5 for 3 evaluation periods.

const THRESHOLD = 50;
function points(s: string): (number | null)[] {
  return s.split(" ").map((c) => (c === "-" ? null : c === "X" ? 90 : 10));
}
function cfg(m: number, n: number, treat: TreatMissingData): AlarmConfig {
  return {
    periodSeconds: 300,
    evaluationPeriods: n,
    datapointsToAlarm: m,
    threshold: THRESHOLD,
    comparisonOperator: "GreaterThanThreshold",
    treatMissingData: treat,
  };
}
const TREATS: TreatMissingData[] = ["missing", "ignore", "breaching", "notBreaching"];
type Expected = AlarmState | "retain";
const PREVIOUS: AlarmState[] = ["OK", "ALARM", "INSUFFICIENT_DATA"];

function checkRow(m: number, n: number, data: string, expected: Expected[]) {
  TREATS.forEach((treat, i) => {
    for (const previous of PREVIOUS) {
      const want = expected[i] === "retain" ? previous : expected[i];
      expect(
        evaluateAlarm(cfg(m, n, treat), points(data), previous),
        `${data} ${treat} prev=${previous}`,
      ).toBe(want);
    }
  });
}

describe("evaluateAlarm: documented tables (columns MISSING, IGNORE, BREACHING, NOT BREACHING)", () => {
  describe("3 out of 3, current edition of the page", () => {
    it.each<[string, Expected[]]>([
      ["0 - X - X", ["OK", "OK", "OK", "OK"]],
      ["0 - - - -", ["OK", "OK", "OK", "OK"]],
      ["- - - - -", ["INSUFFICIENT_DATA", "retain", "ALARM", "OK"]],
      ["0 X X - X", ["ALARM", "ALARM", "ALARM", "ALARM"]],
      ["- - X - -", ["ALARM", "retain", "ALARM", "OK"]],
    ])("%s", (data, expected) => checkRow(3, 3, data, expected));
  });

  describe("2 out of 3, current edition of the page", () => {
    it.each<[string, Expected[]]>([
      ["0 - X - X", ["ALARM", "ALARM", "ALARM", "ALARM"]],
      ["0 0 X 0 X", ["ALARM", "ALARM", "ALARM", "ALARM"]],
      ["0 - X - -", ["OK", "OK", "ALARM", "OK"]],
      ["- - - - 0", ["OK", "OK", "ALARM", "OK"]],
      ["- - - X -", ["ALARM", "retain", "ALARM", "OK"]],
    ])("%s", (data, expected) => checkRow(2, 3, data, expected));
  });

  // Rows that only the earlier edition of the same section lists
  // (awsdocs/amazon-cloudwatch-user-guide, doc_source/AlarmThatSendsEmail.md).
  describe("rows of the earlier edition", () => {
    it.each<[number, string, Expected[]]>([
      [3, "- - - - X", ["INSUFFICIENT_DATA", "retain", "ALARM", "OK"]],
      [3, "X - - - -", ["ALARM", "retain", "ALARM", "OK"]],
      [2, "- - - - X", ["INSUFFICIENT_DATA", "retain", "ALARM", "OK"]],
    ])("%i of 3: %s", (m, data, expected) => checkRow(m, 3, data, expected));
  });

  it("premature-transition text: '- - - X -' does not alarm for 3 of 3, and '- - - X 0' is OK", () => {
    expect(evaluateAlarm(cfg(3, 3, "missing"), points("- - - X -"), "OK")).toBe("INSUFFICIENT_DATA");
    expect(evaluateAlarm(cfg(3, 3, "missing"), points("- - - X 0"), "INSUFFICIENT_DATA")).toBe("OK");
  });

  it("row 2 note: once the non-breaching point leaves the range, missing-as-breaching alarms", () => {
    const c = cfg(3, 3, "breaching");
    expect(evaluateAlarm(c, points("0 - - - -"), "OK")).toBe("OK");
    expect(evaluateAlarm(c, points("0 - - - - -"), "OK")).toBe("ALARM");
  });

  it("W16 (aws-semantics.md): 3/3 on '- - - - -' and '0 - - - -'", () => {
    checkRow(3, 3, "- - - - -", ["INSUFFICIENT_DATA", "retain", "ALARM", "OK"]);
    checkRow(3, 3, "0 - - - -", ["OK", "OK", "OK", "OK"]);
  });

  it("figure of 'Evaluating an alarm': threshold 3, 3 of 3 -> ALARM in period 5, OK at 6, a single breach at 9 stays OK", () => {
    const c: AlarmConfig = {
      periodSeconds: 60,
      evaluationPeriods: 3,
      threshold: 3,
      comparisonOperator: "GreaterThanThreshold",
    };
    const series = [1, 2, 4, 5, 4, 2, 1, 2, 4, 2];
    let state: AlarmState = "INSUFFICIENT_DATA";
    const states: AlarmState[] = [];
    for (let i = 1; i <= series.length; i++) {
      state = evaluateAlarm(c, series.slice(0, i), state);
      states.push(state);
    }
    expect(states.slice(2)).toEqual(["OK", "OK", "ALARM", "OK", "OK", "OK", "OK", "OK"]);
  });
});

describe("isBreaching", () => {
  it.each([
    ["GreaterThanThreshold", 50, false],
    ["GreaterThanThreshold", 50.1, true],
    ["GreaterThanOrEqualToThreshold", 50, true],
    ["GreaterThanOrEqualToThreshold", 49.9, false],
    ["LessThanThreshold", 50, false],
    ["LessThanThreshold", 49.9, true],
    ["LessThanOrEqualToThreshold", 50, true],
    ["LessThanOrEqualToThreshold", 50.1, false],
  ] as const)("%s at %d -> %s", (op, v, want) => {
    expect(isBreaching({ threshold: 50, comparisonOperator: op }, v)).toBe(want);
  });
});

describe("evaluation range and defaults", () => {
  it("reads only the last N+2 periods by default and treats NaN as missing", () => {
    const c = cfg(3, 3, "missing");
    expect(evaluationRangeSize(c)).toBe(5);
    // An old breaching run outside the range is not seen.
    expect(evaluateAlarm(c, [90, 90, 90, null, null, null, null, null], "ALARM")).toBe("INSUFFICIENT_DATA");
    expect(evaluateAlarm(c, [Number.NaN, Number.NaN, Number.NaN, Number.NaN, Number.NaN], "OK")).toBe(
      "INSUFFICIENT_DATA",
    );
    expect(
      evaluateAlarm({ ...c, evaluationRange: 8 }, [90, 90, 90, null, null, null, null, null], "OK"),
    ).toBe("ALARM");
  });

  it("datapointsToAlarm defaults to evaluationPeriods and treatMissingData to missing", () => {
    const c: AlarmConfig = {
      periodSeconds: 60,
      evaluationPeriods: 3,
      threshold: 50,
      comparisonOperator: "LessThanThreshold",
    };
    expect(evaluateAlarm(c, [10, 10, 90], "OK")).toBe("OK");
    expect(evaluateAlarm(c, [10, 10, 10], "OK")).toBe("ALARM");
    expect(evaluateAlarm(c, [null, null, null], "OK")).toBe("INSUFFICIENT_DATA");
  });

  it("explains its decision", () => {
    const e = explainAlarm(cfg(3, 3, "missing"), points("0 X X - X"), "OK");
    expect(e.state).toBe("ALARM");
    expect(e.reason).toBe("3 of the 3 most recent datapoints breach (3 needed)");
  });

  it("validates PutMetricAlarm constraints", () => {
    expect(validateAlarmConfig(cfg(3, 3, "missing"))).toEqual([]);
    expect(validateAlarmConfig(cfg(4, 3, "missing")).map((i) => i.field)).toEqual(["datapointsToAlarm"]);
    expect(validateAlarmConfig({ ...cfg(1, 0, "missing") }).map((i) => i.field)).toContain(
      "evaluationPeriods",
    );
  });
});

describe("evaluateAlarm properties", () => {
  const datum = fc.oneof(fc.constant(null), fc.integer({ min: 0, max: 100 }));
  const shape = fc
    .integer({ min: 1, max: 6 })
    .chain((n) =>
      fc.tuple(fc.constant(n), fc.integer({ min: 1, max: n }), fc.array(datum, { maxLength: 12 })),
    );
  const prev = fc.constantFrom<AlarmState>("OK", "ALARM", "INSUFFICIENT_DATA");

  it("with N real datapoints in the range, the state is the M-of-N count, whatever the missing-data setting", () => {
    fc.assert(
      fc.property(shape, fc.constantFrom(...TREATS), prev, ([n, m, data], treat, previous) => {
        const c = cfg(m, n, treat);
        const window = data.slice(-evaluationRangeSize(c)).filter((v): v is number => v !== null);
        fc.pre(window.length >= n);
        const breaching = window.slice(-n).filter((v) => v > THRESHOLD).length;
        expect(evaluateAlarm(c, data, previous)).toBe(breaching >= m ? "ALARM" : "OK");
      }),
    );
  });

  it("missing treated as breaching alarms whenever missing treated as not breaching does", () => {
    fc.assert(
      fc.property(shape, prev, ([n, m, data], previous) => {
        if (evaluateAlarm(cfg(m, n, "notBreaching"), data, previous) === "ALARM") {
          expect(evaluateAlarm(cfg(m, n, "breaching"), data, previous)).toBe("ALARM");
        }
      }),
    );
  });

  it("breaching / notBreaching never give INSUFFICIENT_DATA; only ignore keeps a previous state", () => {
    fc.assert(
      fc.property(
        shape,
        fc.constantFrom<TreatMissingData>("breaching", "notBreaching", "missing"),
        ([n, m, data], t) => {
          const a = evaluateAlarm(cfg(m, n, t), data, "ALARM");
          const b = evaluateAlarm(cfg(m, n, t), data, "OK");
          expect(a).toBe(b);
          if (t !== "missing") expect(a).not.toBe("INSUFFICIENT_DATA");
        },
      ),
    );
  });

  it("explainAlarm agrees with evaluateAlarm", () => {
    fc.assert(
      fc.property(shape, fc.constantFrom(...TREATS), prev, ([n, m, data], treat, previous) => {
        const c = cfg(m, n, treat);
        expect(explainAlarm(c, data, previous).state).toBe(evaluateAlarm(c, data, previous));
      }),
    );
  });
});
