import { describe, expect, it } from "vitest";
import { zonedWallTimeToUtc } from "../../../src/rules/aws-cron.js";
import { parseSchedule, ScheduleExpressionError } from "../../../src/rules/schedule.js";

const T = (s: string) => Date.parse(s);
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
function fires(
  expr: string,
  opts: Parameters<typeof parseSchedule>[1],
  after: string,
  n: number,
): (string | null)[] {
  const s = parseSchedule(expr, opts);
  const out: (string | null)[] = [];
  let t = T(after);
  for (let i = 0; i < n; i++) {
    const x = s.nextFire(t);
    out.push(iso(x));
    if (x === null) break;
    t = x;
  }
  return out;
}

describe("at()", () => {
  // PutScheduledAction: "At and cron expressions use Universal Coordinated Time (UTC) by default";
  // Timezone is used "when setting a scheduled action by using an at or cron expression".
  it("is UTC by default and fires once", () => {
    expect(fires("at(2024-06-01T12:00:00)", {}, "2024-01-01T00:00:00Z", 2)).toEqual([
      "2024-06-01T12:00:00.000Z",
      null,
    ]);
  });
  it("is a wall-clock time in Timezone", () => {
    expect(
      fires("at(2024-06-01T12:00:00)", { timezone: "America/New_York" }, "2024-01-01T00:00:00Z", 1),
    ).toEqual(["2024-06-01T16:00:00.000Z"]);
    expect(
      fires("at(2024-01-15T12:00:00)", { timezone: "Europe/Berlin" }, "2024-01-01T00:00:00Z", 1),
    ).toEqual(["2024-01-15T11:00:00.000Z"]);
    expect(fires("at(2024-01-15T12:00:00)", { timezone: "Etc/GMT+9" }, "2024-01-01T00:00:00Z", 1)).toEqual([
      "2024-01-15T21:00:00.000Z",
    ]);
  });
  it("DST: a skipped time shifts forward, a repeated time takes its first occurrence", () => {
    // America/New_York 2024-03-10: 02:00 EST -> 03:00 EDT; 2024-11-03: 02:00 EDT -> 01:00 EST.
    expect(iso(parseSchedule("at(2024-03-10T02:30:00)", { timezone: "America/New_York" }).nextFire(0))).toBe(
      "2024-03-10T07:30:00.000Z",
    );
    expect(iso(parseSchedule("at(2024-11-03T01:30:00)", { timezone: "America/New_York" }).nextFire(0))).toBe(
      "2024-11-03T05:30:00.000Z",
    );
    // Europe/Berlin 2024-03-31: 02:00 CET -> 03:00 CEST; 2024-10-27: 03:00 CEST -> 02:00 CET.
    expect(iso(zonedWallTimeToUtc(2024, 3, 31, 2, 30, 0, "Europe/Berlin"))).toBe("2024-03-31T01:30:00.000Z");
    expect(iso(zonedWallTimeToUtc(2024, 10, 27, 2, 30, 0, "Europe/Berlin"))).toBe("2024-10-27T00:30:00.000Z");
  });
  it("does not fire when the time has passed", () => {
    expect(parseSchedule("at(2024-06-01T12:00:00)").nextFire(T("2024-06-01T12:00:00Z"))).toBeNull();
  });
});

describe("rate()", () => {
  it("with StartTime fires at StartTime and every period after it, until EndTime", () => {
    const opts = { startTimeMs: T("2024-01-01T00:10:00Z"), endTimeMs: T("2024-01-01T00:40:00Z") };
    expect(fires("rate(15 minutes)", opts, "2024-01-01T00:00:00Z", 5)).toEqual([
      "2024-01-01T00:10:00.000Z",
      "2024-01-01T00:25:00.000Z",
      "2024-01-01T00:40:00.000Z",
      null,
    ]);
  });
  it("without StartTime counts from the rate anchor (the simulation start)", () => {
    const opts = { rateAnchorMs: T("2024-01-01T00:07:00Z") };
    expect(fires("rate(1 hour)", opts, "2024-01-01T00:07:00Z", 2)).toEqual([
      "2024-01-01T01:07:00.000Z",
      "2024-01-01T02:07:00.000Z",
    ]);
    expect(fires("rate(1 hour)", opts, "2024-01-01T00:00:00Z", 1)).toEqual(["2024-01-01T01:07:00.000Z"]);
  });
  it("without any anchor is aligned to the epoch (UTC periods) and ignores Timezone", () => {
    expect(fires("rate(2 days)", { timezone: "Europe/Berlin" }, "2024-01-01T05:00:00Z", 1)).toEqual([
      "2024-01-02T00:00:00.000Z",
    ]);
    expect(fires("rate(1 minute)", {}, "2024-01-01T05:00:30Z", 1)).toEqual(["2024-01-01T05:01:00.000Z"]);
  });
});

describe("cron()", () => {
  // EventBridge Scheduler: "When the time shifts forward in Spring, your schedule invocation gets skipped if
  // the cron expression falls on a non-existent date and time. When the time shifts back in the Fall, your
  // schedule runs only once" (repost.aws/knowledge-center/eventbridge-scheduler-adjust-dst); the default
  // of Application Auto Scaling's assumption schedule.cronDstGap.
  it("Timezone and DST, America/New_York: 02:30 does not exist on spring-forward day and is skipped; 01:30 on fall-back day once", () => {
    const ny = { timezone: "America/New_York" };
    expect(fires("cron(30 2 * * ? *)", ny, "2024-03-09T12:00:00Z", 3)).toEqual([
      "2024-03-11T06:30:00.000Z",
      "2024-03-12T06:30:00.000Z",
      "2024-03-13T06:30:00.000Z",
    ]);
    expect(fires("cron(30 1 * * ? *)", ny, "2024-11-02T12:00:00Z", 3)).toEqual([
      "2024-11-03T05:30:00.000Z",
      "2024-11-04T06:30:00.000Z",
      "2024-11-05T06:30:00.000Z",
    ]);
  });
  it("Timezone and DST, Europe/Berlin: 08:00 local moves from 07:00 to 06:00 UTC; 02:30 skipped in spring, once in autumn", () => {
    const be = { timezone: "Europe/Berlin" };
    expect(fires("cron(0 8 * * ? *)", be, "2024-03-30T00:00:00Z", 2)).toEqual([
      "2024-03-30T07:00:00.000Z",
      "2024-03-31T06:00:00.000Z",
    ]);
    // 2024-03-31: 02:00 CET -> 03:00 CEST, so 02:30 does not exist that day.
    expect(fires("cron(30 2 * * ? *)", be, "2024-03-30T12:00:00Z", 2)).toEqual([
      "2024-04-01T00:30:00.000Z",
      "2024-04-02T00:30:00.000Z",
    ]);
    expect(fires("cron(30 2 * * ? *)", be, "2024-10-26T12:00:00Z", 2)).toEqual([
      "2024-10-27T00:30:00.000Z",
      "2024-10-28T01:30:00.000Z",
    ]);
    // Every hour at :30: the skipped hour alone is missing, 01:30 CET is followed by 03:30 CEST.
    expect(fires("cron(30 * * * ? *)", be, "2024-03-31T00:00:00Z", 2)).toEqual([
      "2024-03-31T00:30:00.000Z",
      "2024-03-31T01:30:00.000Z",
    ]);
  });
  it("dstGap shift (assumption schedule.cronDstGap=shift): the skipped 02:30 fires at 03:30 instead", () => {
    const ny = { timezone: "America/New_York", dstGap: "shift" as const };
    expect(fires("cron(30 2 * * ? *)", ny, "2024-03-09T12:00:00Z", 2)).toEqual([
      "2024-03-10T07:30:00.000Z",
      "2024-03-11T06:30:00.000Z",
    ]);
  });
  it("StartTime fires, then the recurrence; nothing after EndTime", () => {
    const opts = { startTimeMs: T("2024-01-01T09:30:00Z"), endTimeMs: T("2024-01-03T10:00:00Z") };
    expect(fires("cron(0 10 * * ? *)", opts, "2024-01-01T00:00:00Z", 5)).toEqual([
      "2024-01-01T09:30:00.000Z",
      "2024-01-01T10:00:00.000Z",
      "2024-01-02T10:00:00.000Z",
      "2024-01-03T10:00:00.000Z",
      null,
    ]);
  });
  it("tolerates blanks inside the parentheses", () => {
    expect(parseSchedule(" cron( 0 10 * * ? * ) ").kind).toBe("cron");
  });
});

describe("invalid expressions", () => {
  it.each([
    ["every 5 minutes", {}, /expected at\(yyyy-mm-ddThh:mm:ss\), rate\(value unit\) or cron\(fields\)/],
    ["at(2024-02-30T10:00:00)", {}, /not a valid date and time/],
    ["at(2024-02-01 10:00)", {}, /expected at\(yyyy-mm-ddThh:mm:ss\)/],
    ["rate(0 minutes)", {}, /positive integer/],
    ["rate(5 weeks)", {}, /unit "weeks" is not one of/],
    ["rate(five minutes)", {}, /expected rate\(value unit\)/],
    ["cron(0 8 ? * 9 *)", {}, /Day-of-week/],
    ["cron(0 8 * * ? *)", { timezone: "Mars/Olympus" }, /unknown time zone "Mars\/Olympus"/],
    ["cron(0 8 * * ? *)", { startTimeMs: 10, endTimeMs: 5 }, /EndTime is before StartTime/],
  ] as const)("%s", (expr, opts, msg) => {
    expect(() => parseSchedule(expr, opts)).toThrow(ScheduleExpressionError);
    expect(() => parseSchedule(expr, opts)).toThrow(msg);
  });
});
