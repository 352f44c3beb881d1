import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalJson, formatPath, parsePath, setPath } from "../../src/sweep/path.js";

describe("scenario paths", () => {
  it("parses AWS-shaped paths with list indexes", () => {
    const p = parsePath(
      "platforms.fargate.scalingPolicies[0].TargetTrackingScalingPolicyConfiguration.TargetValue",
    );
    expect(p).toEqual({
      ok: true,
      path: [
        "platforms",
        "fargate",
        "scalingPolicies",
        0,
        "TargetTrackingScalingPolicyConfiguration",
        "TargetValue",
      ],
    });
  });

  it("quotes keys with dots", () => {
    expect(parsePath('platforms["api.v2"].task.cpu')).toEqual({
      ok: true,
      path: ["platforms", "api.v2", "task", "cpu"],
    });
    expect(formatPath(["platforms", "api.v2", "task"])).toBe('platforms["api.v2"].task');
  });

  it.each(["", "a..b", "a.", ".a", "a[x]", "a[0", "a]b", "a[0]b"])("rejects %j", (text) => {
    expect(parsePath(text).ok).toBe(false);
  });

  it("round-trips through formatPath (property)", () => {
    const seg = fc.oneof(fc.string({ minLength: 1, maxLength: 6 }), fc.nat({ max: 20 }));
    fc.assert(
      fc.property(
        fc.array(seg, { minLength: 1, maxLength: 6 }).filter((p) => typeof p[0] === "string"),
        (path) => {
          const back = parsePath(formatPath(path));
          expect(back).toEqual({ ok: true, path });
        },
      ),
    );
  });

  it("sets values, creating missing mappings but not missing list entries", () => {
    const root: Record<string, unknown> = { a: { list: [{ x: 1 }] } };
    expect(setPath(root, ["a", "list", 0, "x"], 2)).toBeUndefined();
    expect(setPath(root, ["a", "new", "deep"], 3)).toBeUndefined();
    expect(root).toEqual({ a: { list: [{ x: 2 }], new: { deep: 3 } } });
    expect(setPath(root, ["a", "list", 3, "x"], 1)).toMatch(/a\.list has 1 entry; index 3 is out of range/);
    expect(setPath(root, ["a", "list", "x"], 1)).toMatch(/is a list, not a mapping/);
    expect(setPath(root, ["a", "missing", 0], 1)).toMatch(/does not exist/);
  });

  it("canonical JSON ignores key order", () => {
    expect(canonicalJson({ b: 1, a: [{ d: 1, c: 2 }] })).toBe(canonicalJson({ a: [{ c: 2, d: 1 }], b: 1 }));
    expect(canonicalJson({ a: 18 })).not.toBe(canonicalJson({ a: "18" }));
  });
});
