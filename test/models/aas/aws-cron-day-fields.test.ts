import { describe, expect, it } from "vitest";
import { nextAwsCronFire, ScheduleExpressionError, translateAwsCron } from "../../../src/rules/aws-cron.js";

/**
 * The Day-of-month / Day-of-week rule of the AWS cron dialect: exactly one of them is `?`.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cron-expressions.html (Wildcards, Limitations)
 * https://docs.aws.amazon.com/autoscaling/application/userguide/scheduled-scaling-using-cron-expressions.html
 */
describe("Day-of-month and Day-of-week: one of them is ?", () => {
  // Every example of the two guides puts ? in exactly one of the fields.
  it.each([
    "0 10 * * ? *",
    "15 12 * * ? *",
    "0 18 ? * MON-FRI *",
    "0 8 1 * ? *",
    "0/15 * * * ? *",
    "0/10 * ? * MON-FRI *",
    "0/5 8-17 ? * MON-FRI *",
    "30 6 ? * MON *",
    "0 8 ? * 3#2 *",
  ])("the documented example %s is accepted", (fields) => {
    expect(() => translateAwsCron(fields)).not.toThrow();
  });

  it.each([
    ["30 6 * * 2 *", /can't both be specified; use \? in one of them/], // the 2023 guide's wording, since replaced
    ["0 10 * * * *", /\* can't be used in both/], // "You can't use * in both"
    ["55 7-23 * * * *", /\* can't be used in both/], // rejected by AWS (serverless/serverless#2781)
    ["0 8 1 * * *", /can't both be specified/], // "a value … in one … you must use a ? in the other"
    ["0 8 * * MON *", /can't both be specified/],
    ["0 8 1 * 2 *", /can't both be specified/],
    ["0 8 ? * ? *", /can't both be \?/],
  ])("%s is rejected", (fields, msg) => {
    expect(() => translateAwsCron(fields)).toThrow(ScheduleExpressionError);
    expect(() => translateAwsCron(fields)).toThrow(msg);
  });

  it("? in one field means any: `0 10 * * ? *` and `0 10 ? * * *` fire at the same instants", () => {
    const a = translateAwsCron("0 10 * * ? *");
    const b = translateAwsCron("0 10 ? * * *");
    let t = Date.parse("2024-02-27T00:00:00Z");
    for (let i = 0; i < 5; i++) {
      const x = nextAwsCronFire(a, t);
      expect(nextAwsCronFire(b, t)).toBe(x);
      t = x!;
    }
    expect(new Date(t).toISOString()).toBe("2024-03-02T10:00:00.000Z");
  });
});
