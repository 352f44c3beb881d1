import { describe, expect, it } from "vitest";
import {
  nearestWeekdayOfMonth,
  nextAwsCronFire,
  ScheduleExpressionError,
  translateAwsCron,
} from "../../../src/rules/aws-cron.js";

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
function fires(fields: string, after: string, n: number, tz = "UTC"): (string | null)[] {
  const c = translateAwsCron(fields);
  const out: (string | null)[] = [];
  let t = Date.parse(after);
  for (let i = 0; i < n; i++) {
    const x = nextAwsCronFire(c, t, tz);
    out.push(iso(x));
    if (x === null) break;
    t = x;
  }
  return out;
}

describe("Application Auto Scaling cron examples", () => {
  // https://docs.aws.amazon.com/autoscaling/application/userguide/scheduled-scaling-using-cron-expressions.html
  it("`30 6 ? * MON *` (the guide's example) and `30 6 ? * 2 *` are Monday 06:30", () => {
    // 2024-01-03 is a Wednesday; the next Mondays are 8th and 15th.
    expect(fires("30 6 ? * MON *", "2024-01-03T00:00:00Z", 2)).toEqual([
      "2024-01-08T06:30:00.000Z",
      "2024-01-15T06:30:00.000Z",
    ]);
    expect(fires("30 6 ? * 2 *", "2024-01-03T00:00:00Z", 2)).toEqual([
      "2024-01-08T06:30:00.000Z",
      "2024-01-15T06:30:00.000Z",
    ]);
    expect(translateAwsCron("30 6 ? * 2 *").parserExpression).toBe("0 30 6 * * 1");
  });

  // Examples table of the same guide (archived: awsdocs/application-auto-scaling-user-guide,
  // doc_source/scheduled-scaling-using-cron-expressions.md).
  it.each<[string, string, string, string[]]>([
    [
      "0 10 * * ? *",
      "Run at 10:00 am (UTC) every day",
      "2024-01-01T11:00:00Z",
      ["2024-01-02T10:00:00.000Z", "2024-01-03T10:00:00.000Z"],
    ],
    [
      "15 12 * * ? *",
      "Run at 12:15 pm (UTC) every day",
      "2024-01-01T00:00:00Z",
      ["2024-01-01T12:15:00.000Z", "2024-01-02T12:15:00.000Z"],
    ],
    [
      "0 18 ? * MON-FRI *",
      "Run at 6:00 pm (UTC) every Monday through Friday",
      "2024-01-05T18:00:00Z", // Friday 18:00 -> next is Monday
      ["2024-01-08T18:00:00.000Z", "2024-01-09T18:00:00.000Z"],
    ],
    [
      "0 8 1 * ? *",
      "Run at 8:00 am (UTC) the 1st day of every month",
      "2024-01-01T08:00:00Z",
      ["2024-02-01T08:00:00.000Z", "2024-03-01T08:00:00.000Z"],
    ],
    [
      "0/15 * * * ? *",
      "Run every 15 minutes",
      "2024-01-01T00:07:00Z",
      ["2024-01-01T00:15:00.000Z", "2024-01-01T00:30:00.000Z"],
    ],
    [
      "0/10 * ? * MON-FRI *",
      "Run every 10 minutes Monday through Friday",
      "2024-01-05T23:55:00Z",
      ["2024-01-08T00:00:00.000Z", "2024-01-08T00:10:00.000Z"],
    ],
    [
      "0/5 8-17 ? * MON-FRI *",
      "Run every 5 minutes Monday through Friday between 8:00 am and 5:55 pm (UTC)",
      "2024-01-05T17:50:00Z",
      ["2024-01-05T17:55:00.000Z", "2024-01-08T08:00:00.000Z"],
    ],
  ])("%s: %s", (fields, _meaning, after, want) => {
    expect(fires(fields, after, want.length)).toEqual(want);
  });
});

describe("wildcards of the cron expressions reference", () => {
  // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cron-expressions.html
  it("3#2 is the second Tuesday of the month", () => {
    expect(fires("0 8 ? * 3#2 *", "2024-01-01T00:00:00Z", 2)).toEqual([
      "2024-01-09T08:00:00.000Z",
      "2024-02-13T08:00:00.000Z",
    ]);
  });
  it("L in Day-of-month is the last day of the month; 6L in Day-of-week the last Friday; L alone Saturday", () => {
    expect(fires("0 8 L * ? *", "2024-02-01T00:00:00Z", 1)).toEqual(["2024-02-29T08:00:00.000Z"]);
    expect(fires("0 8 ? * 6L *", "2024-01-01T00:00:00Z", 1)).toEqual(["2024-01-26T08:00:00.000Z"]);
    expect(fires("0 8 ? * L *", "2024-01-01T00:00:00Z", 1)).toEqual(["2024-01-06T08:00:00.000Z"]);
  });
  it("3W is the weekday closest to the 3rd; LW the last weekday", () => {
    // 2024-02-03 is a Saturday -> Friday 2nd; 2024-03-03 is a Sunday -> Monday 4th.
    expect(fires("0 8 3W * ? *", "2024-02-01T00:00:00Z", 2)).toEqual([
      "2024-02-02T08:00:00.000Z",
      "2024-03-04T08:00:00.000Z",
    ]);
    // 2024-03-31 is a Sunday -> Friday 29th.
    expect(fires("0 8 LW * ? *", "2024-03-01T00:00:00Z", 1)).toEqual(["2024-03-29T08:00:00.000Z"]);
  });
  it("names, ranges and lists in Month", () => {
    expect(fires("0 8 1 JAN,JUL ? *", "2024-01-02T00:00:00Z", 2)).toEqual([
      "2024-07-01T08:00:00.000Z",
      "2025-01-01T08:00:00.000Z",
    ]);
  });
  it("Year field: single years, ranges and steps", () => {
    expect(fires("0 10 1 1 ? 2025-2026", "2024-06-01T00:00:00Z", 3)).toEqual([
      "2025-01-01T10:00:00.000Z",
      "2026-01-01T10:00:00.000Z",
      null,
    ]);
    expect(fires("0 10 1 1 ? 2024/2", "2024-06-01T00:00:00Z", 2)).toEqual([
      "2026-01-01T10:00:00.000Z",
      "2028-01-01T10:00:00.000Z",
    ]);
    expect(fires("0 8 29 2 ? 2025", "2024-01-01T00:00:00Z", 1)).toEqual([null]);
  });
  it("seven fields: a leading Seconds field", () => {
    expect(translateAwsCron("30 0 10 * * ? *").parserExpression).toBe("30 0 10 * * *");
    expect(fires("30 0 10 * * ? *", "2024-01-01T00:00:00Z", 1)).toEqual(["2024-01-01T10:00:30.000Z"]);
  });
  it("fires strictly after the given instant", () => {
    expect(fires("0 10 * * ? *", "2024-01-01T10:00:00Z", 1)).toEqual(["2024-01-02T10:00:00.000Z"]);
    expect(fires("0 10 * * ? *", "2024-01-01T09:59:59.999Z", 1)).toEqual(["2024-01-01T10:00:00.000Z"]);
  });
});

describe("nearestWeekdayOfMonth (Quartz W: never leaves the month)", () => {
  it.each([
    [2024, 6, 1, 3], // Sat 1st -> Monday 3rd
    [2024, 6, 15, 14], // Sat -> Friday
    [2024, 9, 15, 16], // Sun -> Monday
    [2024, 3, 31, 29], // Sun on the last day -> Friday
    [2024, 1, 15, 15], // weekday stays
    [2024, 4, 31, null], // April has no 31st
  ] as const)("%i-%i day %i -> %s", (y, m, d, want) => {
    expect(nearestWeekdayOfMonth(y, m, d)).toBe(want);
  });
});

describe("errors", () => {
  it.each([
    ["0 8 * *", /expected 6 fields/],
    ["0 8 1 * 2 *", /can't both be specified/],
    ["0 8 ? * 8 *", /"8" is not 1-7/],
    ["0 8 ? * 0 *", /"0" is not 1-7/],
    ["0 8 ? * 2/2 *", /\/ is not allowed in Day-of-week/],
    ["0 8 ? * 1#2,3 *", /# takes one day/],
    ["0 8 1W,15 * ? *", /W takes a single day/],
    ["0 8 * XYZ ? *", /unknown month name "XYZ"/],
    ["0 8 * * ? 1969", /outside 1970-2199/],
    ["0 8 * * ? 2030-2025", /runs backwards/],
    ["0 25 * * ? *", /expected range 0-23/],
    ["0 8 30 2 ? *", /day of month/i],
    ["H 8 * * ? *", /Minutes field/],
  ])("%s", (fields, msg) => {
    expect(() => translateAwsCron(fields)).toThrow(ScheduleExpressionError);
    expect(() => translateAwsCron(fields)).toThrow(msg);
  });
});
