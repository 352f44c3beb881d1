import { describe, expect, it } from "vitest";
import {
  formatDuration,
  parseCpuUnits,
  parseDuration,
  parseK8sMemory,
  parseMilliCpu,
  parseSize,
} from "../../src/scenario/units.js";

const ok = (value: number) => ({ ok: true, value });

describe("durations", () => {
  it.each([
    ["300ms", 300],
    ["5s", 5000],
    ["1.5s", 1500],
    ["5m", 300_000],
    ["1h", 3_600_000],
    ["1d", 86_400_000],
    ["3d", 259_200_000],
    ["1h30m", 5_400_000],
    [" 10s ", 10_000],
    [0, 0],
  ])("%s → %d ms", (input, ms) => expect(parseDuration(input)).toEqual(ok(ms)));

  it.each([[10], ["10"], ["10 parsecs"], ["-5s"], [null], [true]])("refuses %s with a message", (input) => {
    const r = parseDuration(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message.length).toBeGreaterThan(10);
  });

  it("suggests the unit for a bare number", () => {
    const r = parseDuration(60);
    expect(r.ok === false && r.message).toMatch(/"60s"/);
  });

  it.each([
    [300, "300ms"],
    [5000, "5s"],
    [300_000, "5m"],
    [86_400_000, "1d"],
  ])("formats %d ms as %s", (ms, text) => expect(formatDuration(ms)).toBe(text));
});

describe("sizes (MiB)", () => {
  it.each([
    ["512MiB", 512],
    ["2GiB", 2048],
    ["2GB", 2048],
    ["0.5GiB", 512],
    ["1024KiB", 1],
  ])("%s → %d MiB", (input, mib) => expect(parseSize(input)).toEqual(ok(mib)));

  it("reads a bare number as MiB only for task memory", () => {
    expect(parseSize(2048, true)).toEqual(ok(2048));
    expect(parseSize(2048).ok).toBe(false);
    expect(parseSize("2048").ok).toBe(false);
  });
});

describe("ECS CPU units", () => {
  it.each([
    [1024, 1024],
    ["1024", 1024],
    ["1 vCPU", 1024],
    ["0.25vcpu", 256],
    ["2 VCPU", 2048],
  ])("%s → %d units", (input, units) => expect(parseCpuUnits(input)).toEqual(ok(units)));
  it("refuses zero and words", () => {
    expect(parseCpuUnits(0).ok).toBe(false);
    expect(parseCpuUnits("lots").ok).toBe(false);
  });
});

describe("Kubernetes quantities", () => {
  // https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/
  it.each([
    ["500m", 500],
    ["1", 1000],
    [0.5, 500],
    ["2.5", 2500],
  ])("cpu %s → %d millicores", (input, m) => expect(parseMilliCpu(input)).toEqual(ok(m)));
  it.each([
    ["1Gi", 1024],
    ["512Mi", 512],
    ["128974848", 123],
    ["1G", 1e9 / 1048576],
  ])("memory %s → %d MiB", (input, mib) => expect(parseK8sMemory(input)).toEqual(ok(mib)));
});
