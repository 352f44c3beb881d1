import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ENUMERATION_LIMIT, expandMatrix, MatrixError, sampleIndices } from "../../src/sweep/matrix.js";

const plain = (combos: ReturnType<typeof expandMatrix>) =>
  combos.map((c) => Object.fromEntries(c.map((a) => [a.key, a.value])));

// https://docs.github.com/en/actions/writing-workflows/choosing-what-your-workflow-does/running-variations-of-jobs-in-a-workflow
describe("expandMatrix follows GitHub Actions matrix semantics", () => {
  it("orders combinations with the first key varying slowest (the docs' version × os example)", () => {
    const combos = plain(
      expandMatrix({
        matrix: { version: [10, 12, 14], os: ["ubuntu-latest", "windows-latest"] },
        include: [],
        exclude: [],
      }),
    );
    expect(combos).toEqual([
      { version: 10, os: "ubuntu-latest" },
      { version: 10, os: "windows-latest" },
      { version: 12, os: "ubuntu-latest" },
      { version: 12, os: "windows-latest" },
      { version: 14, os: "ubuntu-latest" },
      { version: 14, os: "windows-latest" },
    ]);
  });

  it("expands include exactly as the docs' fruit/animal example", () => {
    const combos = plain(
      expandMatrix({
        matrix: { fruit: ["apple", "pear"], animal: ["cat", "dog"] },
        include: [
          { color: "green" },
          { color: "pink", animal: "cat" },
          { fruit: "apple", shape: "circle" },
          { fruit: "banana" },
          { fruit: "banana", animal: "cat" },
        ],
        exclude: [],
      }),
    );
    expect(combos).toEqual([
      { fruit: "apple", animal: "cat", color: "pink", shape: "circle" },
      { fruit: "apple", animal: "dog", color: "green", shape: "circle" },
      { fruit: "pear", animal: "cat", color: "pink" },
      { fruit: "pear", animal: "dog", color: "green" },
      { fruit: "banana" },
      { fruit: "banana", animal: "cat" },
    ]);
  });

  it("drops partial matches of exclude (the docs' os × version × environment example: 12 − 3 = 9)", () => {
    const combos = plain(
      expandMatrix({
        matrix: {
          os: ["macos-latest", "windows-latest"],
          version: [12, 14, 16],
          environment: ["staging", "production"],
        },
        include: [],
        exclude: [
          { os: "macos-latest", version: 12, environment: "production" },
          { os: "windows-latest", version: 16 },
        ],
      }),
    );
    expect(combos).toHaveLength(9);
    expect(combos).not.toContainEqual({ os: "macos-latest", version: 12, environment: "production" });
    expect(combos.filter((c) => c.os === "windows-latest" && c.version === 16)).toEqual([]);
    expect(combos).toContainEqual({ os: "macos-latest", version: 12, environment: "staging" });
  });

  it("matches object values by content, and keeps 18 and '18' apart", () => {
    const task = [
      { cpu: 512, memory: 1024 },
      { cpu: 1024, memory: 2048 },
    ];
    const combos = plain(
      expandMatrix({
        matrix: { task, v: [18, "18"] },
        include: [],
        exclude: [{ task: { memory: 1024, cpu: 512 }, v: "18" }],
      }),
    );
    expect(combos).toHaveLength(3);
    expect(combos).toContainEqual({ task: task[0], v: 18 });
  });

  it("rejects an exclude key that is not a matrix key, pointing at it", () => {
    const e = (() => {
      try {
        expandMatrix({ matrix: { a: [1] }, include: [], exclude: [{ b: 1 }] });
      } catch (x) {
        return x as MatrixError;
      }
    })();
    expect(e).toBeInstanceOf(MatrixError);
    expect(e?.at).toEqual(["exclude", 0, "b"]);
  });

  it("records where each value came from", () => {
    const [first] = expandMatrix({ matrix: { a: [1, 2] }, include: [{ b: 3 }], exclude: [] });
    expect(first.map((x) => x.origin)).toEqual([
      { from: "matrix", key: "a", index: 0 },
      { from: "include", entry: 0, key: "b" },
    ]);
  });

  it("asks for sampling when the space is too large to enumerate", () => {
    const ten = Array.from({ length: 10 }, (_, i) => i);
    const matrix = Object.fromEntries(Array.from({ length: 7 }, (_, k) => [`k${k}`, ten]));
    expect(() => expandMatrix({ matrix, include: [], exclude: [] })).toThrow(/sample/);
    const sampled = expandMatrix({ matrix, include: [], exclude: [], sample: { count: 5, seed: 1 } });
    expect(sampled).toHaveLength(5);
  });
});

describe("seeded sampling", () => {
  it("is a property: distinct, ascending, not excluded, min(count, available) long, same for the same seed", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 300 }),
        fc.integer({ min: 1, max: 400 }),
        fc.integer({ min: 0, max: 1e6 }),
        fc.integer({ min: 2, max: 7 }),
        (size, count, seed, mod) => {
          const excluded = (i: number) => i % mod === 0;
          const got = sampleIndices(size, { count, seed }, excluded);
          const available = Array.from({ length: size }, (_, i) => i).filter((i) => !excluded(i)).length;
          expect(got).toHaveLength(Math.min(count, available));
          for (let i = 1; i < got.length; i++) expect(got[i]).toBeGreaterThan(got[i - 1]);
          for (const i of got) expect(excluded(i) || i < 0 || i >= size).toBe(false);
          expect(sampleIndices(size, { count, seed }, excluded)).toEqual(got);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("draws beyond the enumeration limit by rejection, uniformly enough to hit both halves", () => {
    const size = ENUMERATION_LIMIT * 1000;
    const got = sampleIndices(size, { count: 200, seed: 9 });
    expect(new Set(got).size).toBe(200);
    const low = got.filter((i) => i < size / 2).length;
    // Binomial(200, 0.5): 60 … 140 holds with probability > 1 − 1e-8.
    expect(low).toBeGreaterThan(60);
    expect(low).toBeLessThan(140);
  });

  it("different seeds give different samples", () => {
    expect(sampleIndices(10_000, { count: 10, seed: 1 })).not.toEqual(
      sampleIndices(10_000, { count: 10, seed: 2 }),
    );
  });
});
