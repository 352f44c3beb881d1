import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { readAlbLogs, splitAlbLogLine } from "../../src/trace/alb-logs.js";
import { parseScenario } from "../../src/scenario/load.js";
import { simulate } from "../../src/simulate.js";
import { writeAlbLogs } from "../helpers/alb-logs.js";

// The six entries of aws-doc-examples.log are the access-log examples of the ALB guide (HTTP, HTTPS,
// HTTP/2, WebSockets, secured WebSockets, and an entry whose target did not answer: -1 times):
// https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-access-logs.html
const DOC = "test/fixtures/alb-logs/aws-doc-examples.log";
const at = (iso: string) => Date.parse(iso);

describe("ALB access log entries", () => {
  it("splits an entry into its documented fields, quoted ones whole", () => {
    const f = splitAlbLogLine(
      'h2 2018-07-02T22:23:00.186641Z app/my-loadbalancer/50dc6c495c0c9188 10.0.1.252:48160 10.0.0.66:9000 0.000 0.002 0.000 200 200 5 257 "GET https://10.0.2.105:773/ HTTP/2.0" "curl/7.46.0" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/my-targets/73e2d6bc24d8a067 "Root=1-58337327-72bd00b0343d75b906739c42" "-" "-" 1 2018-07-02T22:22:48.364000Z "redirect" "https://example.com:80/" "-" "10.0.0.66:9000" "200" "-" "-" TID_1234abcd5678ef90',
    );
    expect(f?.[0]).toBe("h2");
    expect(f?.[6]).toBe("0.002"); // target_processing_time
    expect(f?.[12]).toBe("GET https://10.0.2.105:773/ HTTP/2.0"); // request
    expect(f?.[21]).toBe("2018-07-02T22:22:48.364000Z"); // request_creation_time
    expect(f?.[22]).toBe("redirect"); // actions_executed
  });

  it("keeps an escaped quote inside a quoted field, and refuses an unclosed one", () => {
    expect(splitAlbLogLine('http t "GET /a\\"b HTTP/1.1" "agent" x')).toEqual([
      "http",
      "t",
      'GET /a"b HTTP/1.1',
      "agent",
      "x",
    ]);
    expect(splitAlbLogLine('http t "GET /a HTTP/1.1')).toBeNull();
  });

  it("replays every request type at request_creation_time, not at the response time", async () => {
    const s = await readAlbLogs(DOC, { perRequest: true, serviceTimes: true });
    expect(s.startMs).toBe(at("2018-07-02T22:22:48Z"));
    // Five entries created at 22:22:48.364 (responses logged at 22:23:00.186641), one in November.
    expect(s.counts[0]).toBe(5);
    expect(s.counts[s.counts.length - 1]).toBe(1);
    expect(Array.from(s.requestTimesMs!.slice(0, 5))).toEqual([364, 364, 364, 364, 364]);
    expect(s.requestTimesMs![5]).toBe(at("2018-11-30T22:22:48.364Z") - s.startMs);
    // target_processing_time in seconds → ms; the -1 entry takes the previous answered request's time.
    expect(Array.from(s.requestServiceMs!)).toEqual([1, 48, 2, 3, 1, 1]);
    expect(s.notes?.join(" ")).toContain("1 request(s) without a target response");
  });
});

describe("a folder of logs as delivered to S3", () => {
  const start = at("2026-11-16T09:00:00Z");
  const perMinute = (w: { createdMs: number[] }, n: number) => {
    const m = new Array(n).fill(0);
    for (const t of w.createdMs) m[Math.floor((t - start) / 60_000)]++;
    return m;
  };

  it("counts every entry of every file, .log.gz or .log, in the bin of its creation time", async () => {
    const dir = mkdtempSync(join(tmpdir(), "scalesim-alb-"));
    const w = writeAlbLogs(dir, {
      startMs: start,
      minutes: 12,
      ratePerSecond: (m) => 3 + m,
      seed: 7,
      failEvery: 50,
    });
    // Folders may mix compressed and plain files: uncompress one of them.
    const f = w.files[1];
    writeFileSync(f.replace(/\.gz$/, ""), gunzipSync(readFileSync(f)));
    rmSync(f);
    const s = await readAlbLogs(dir, { binMs: 60_000 });
    expect(w.files.length).toBeGreaterThan(2);
    expect(s.startMs).toBe(start);
    expect(Array.from(s.counts)).toEqual(perMinute(w, 12));
  });

  it("in request mode keeps every arrival, sorted, with its own service time", async () => {
    const full = mkdtempSync(join(tmpdir(), "scalesim-alb-full-"));
    const w = writeAlbLogs(full, {
      startMs: start,
      minutes: 6,
      ratePerSecond: () => 5,
      seed: 11,
      failEvery: 40,
    });
    const s = await readAlbLogs(full, { perRequest: true, serviceTimes: true, binMs: 60_000 });
    expect(Array.from(s.counts)).toEqual(perMinute(w, 6));
    const times = Array.from(s.requestTimesMs!);
    expect(times).toEqual([...w.createdMs].sort((a, b) => a - b).map((t) => t - s.startMs));
    // Answered requests keep their target_processing_time (compared as (arrival, service) pairs, since
    // requests created in the same millisecond may be logged in either order).
    const key = (t: number, v: number) => `${t}:${v.toFixed(3)}`;
    const got = new Set(times.map((t, k) => key(t + s.startMs, s.requestServiceMs![k])));
    const answered = w.createdMs.map((t, i) => [t, w.targetMs[i]] as const).filter(([, v]) => v >= 0);
    expect(answered.length).toBeGreaterThan(0);
    for (const [t, v] of answered) expect(got.has(key(t, v))).toBe(true);
  });

  it("a broken entry is reported at its file, line and column inside the folder", async () => {
    const bad = mkdtempSync(join(tmpdir(), "scalesim-alb-bad-"));
    const lines = [
      'https 2026-11-16T09:00:01.000000Z app/a/1 1.2.3.4:5 10.0.0.1:80 0.001 0.020 0.000 200 200 1 2 "GET https://x:443/ HTTP/1.1" "-" - - arn "Root=1" "-" "-" 1 2026-11-16T09:00:00.980000Z "forward" "-" "-" "10.0.0.1:80" "200" "-" "-" TID_1',
      'https 2026-11-16T09:00:02.000000Z app/a/1 1.2.3.4:5 10.0.0.1:80 0.001 0.020 0.000 200 200 1 2 "GET https://x:443/ HTTP/1.1" "-" - - arn "Root=1" "-" "-" 1 2026-11-16TXX:00:01.980000Z "forward" "-" "-" "10.0.0.1:80" "200" "-" "-" TID_1',
    ];
    writeFileSync(join(bad, "a.log.gz"), gzipSync(`${lines.join("\n")}\n`));
    const col = lines[1].indexOf("2026-11-16TXX") + 1;
    await expect(readAlbLogs(bad, { displayName: "logs", path: "traffic.trace" })).rejects.toThrowError(
      `logs/a.log.gz:2:${col}: traffic.trace: bad request_creation_time "2026-11-16TXX:00:01.980000Z"`,
    );
    writeFileSync(join(bad, "a.log.gz"), gzipSync("GET / HTTP/1.1 200\n"));
    await expect(readAlbLogs(bad, { displayName: "logs" })).rejects.toThrowError(
      /^logs\/a\.log\.gz:1:1: not an ALB access log entry/,
    );
  });
});

describe("traffic: { format: alb-logs }", () => {
  const dir = mkdtempSync(join(tmpdir(), "scalesim-alb-run-"));
  const w = writeAlbLogs(join(dir, "logs"), {
    startMs: at("2026-11-16T09:00:00Z"),
    minutes: 10,
    ratePerSecond: () => 4,
    seed: 5,
  });
  const scenario = (mode: string) =>
    parseScenario(
      `name: alb
engine: { mode: ${mode} }
traffic: { format: alb-logs, trace: logs, serviceTimeColumn: target_processing_time }
workload: { cpuPerRequest: 10ms, serviceTime: { distribution: empirical }, concurrency: 16, timeout: 10s }
slo: { latency: 300ms }
platforms:
  f: { kind: ecs-fargate, task: { cpu: 512, memory: 1024 }, service: { desiredCount: 2, minCapacity: 2, maxCapacity: 4 } }
`,
      join(dir, "s.yaml"),
      dir,
    );

  it.each(["fluid", "request"])("every logged request arrives in %s mode", async (mode) => {
    const r = await simulate(scenario(mode));
    // The run covers whole minutes from the first bin; entries after the last whole minute are cut off.
    const first = Math.min(...w.createdMs);
    const startMs = Math.floor(first / 1000) * 1000;
    const inRun = w.createdMs.filter((t) => t < startMs + r.durationMs).length;
    expect(r.traffic.totalRequests).toBe(w.createdMs.length);
    expect(r.platforms[0].requests.arrived).toBe(inRun);
  });

  it("takes serviceTimeColumn only as target_processing_time", () => {
    expect(() =>
      parseScenario(
        "name: a\ntraffic: { format: alb-logs, trace: logs, serviceTimeColumn: response_time }\nworkload: { cpuPerRequest: 1ms, serviceTime: { distribution: empirical }, concurrency: 1 }\nslo: { latency: 1s }\nplatforms: { f: { kind: ecs-fargate, task: { cpu: 256, memory: 512 }, service: { desiredCount: 1, minCapacity: 1, maxCapacity: 1 } } }\n",
        "a.yaml",
        dir,
      ),
    ).toThrowError(
      /^a\.yaml:2:\d+: traffic\.serviceTimeColumn: ALB access logs give the service time as target_processing_time/,
    );
  });
});
