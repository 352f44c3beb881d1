import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

/**
 * Writes ALB access logs in the documented format, as AWS delivers them to S3: one file per 5 minutes,
 * entries in completion order (`time`), named `<account>_elasticloadbalancing_<region>_app.<lb>.<id>_<end>_<ip>_<random>.log.gz`
 * under AWSLogs/<account>/elasticloadbalancing/<region>/yyyy/mm/dd/.
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-access-logs.html
 * Arrivals and service times come from a seeded generator, so every test knows exactly what it wrote.
 */
export interface WrittenLogs {
  /** request_creation_time of every entry, epoch ms, in arrival order. */
  createdMs: number[];
  /** target_processing_time in ms, -1 where the target did not answer. */
  targetMs: number[];
  files: string[];
}

export function writeAlbLogs(
  dir: string,
  o: {
    startMs: number;
    minutes: number;
    ratePerSecond: (minute: number) => number;
    seed?: number;
    gzip?: boolean;
    failEvery?: number;
  },
): WrittenLogs {
  let state = o.seed ?? 12345;
  const rand = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return (state + 0.5) / 4294967296;
  };
  const entries: { created: number; done: number; target: number; line: string }[] = [];
  const createdMs: number[] = [];
  const targetMs: number[] = [];
  const types = ["https", "https", "https", "h2", "h2", "http", "wss"];
  let n = 0;
  for (let m = 0; m < o.minutes; m++) {
    const rate = o.ratePerSecond(m);
    let t = o.startMs + m * 60_000 + (-Math.log(rand()) / rate) * 1000;
    while (t < o.startMs + (m + 1) * 60_000) {
      const created = Math.round(t);
      const fail = o.failEvery !== undefined && ++n % o.failEvery === 0;
      // Lognormal-shaped target time around 40 ms, in seconds with millisecond resolution as in the logs.
      const target = fail ? -1 : Math.round(Math.exp(Math.log(0.03) + 0.7 * gauss(rand)) * 1000) / 1000;
      const done = created + (fail ? 5_000 : Math.ceil(target * 1000)) + 1;
      const type = types[Math.floor(rand() * types.length)];
      createdMs.push(created);
      targetMs.push(fail ? -1 : target * 1000);
      entries.push({ created, done, target, line: entry(type, created, done, target, fail) });
      t += (-Math.log(rand()) / rate) * 1000;
    }
  }
  entries.sort((a, b) => a.done - b.done || a.created - b.created);
  const files: string[] = [];
  const byFile = new Map<number, string[]>();
  for (const e of entries) {
    const end = Math.ceil((e.done + 1) / 300_000) * 300_000;
    const list = byFile.get(end) ?? [];
    list.push(e.line);
    byFile.set(end, list);
  }
  for (const [end, lines] of [...byFile].sort((a, b) => a[0] - b[0])) {
    const d = new Date(end);
    const day = join(
      dir,
      "AWSLogs/123456789012/elasticloadbalancing/eu-west-1",
      d.toISOString().slice(0, 10).replace(/-/g, "/"),
    );
    mkdirSync(day, { recursive: true });
    const stamp = d.toISOString().replace(/[-:]/g, "").slice(0, 13) + "Z";
    const name = `123456789012_elasticloadbalancing_eu-west-1_app.shop-alb.50dc6c495c0c9188_${stamp}_52.208.10.1_${(end / 300_000).toString(36)}.log`;
    const text = `${lines.join("\n")}\n`;
    const file = join(day, o.gzip === false ? name : `${name}.gz`);
    writeFileSync(file, o.gzip === false ? text : gzipSync(text));
    files.push(file);
  }
  return { createdMs, targetMs, files };
}

function gauss(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(rand())) * Math.cos(2 * Math.PI * rand());
}

function iso(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 23)}000Z`;
}

function entry(type: string, created: number, done: number, target: number, fail: boolean): string {
  const tls = type === "http" ? "- -" : "ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2";
  const scheme = type === "http" ? "http" : type === "wss" ? "https" : "https";
  const proto = type === "h2" ? "HTTP/2.0" : "HTTP/1.1";
  const status = fail ? "504 -" : type === "wss" ? "101 101" : "200 200";
  const targetTimes = fail ? "0.000 -1 -1" : `0.001 ${target.toFixed(3)} 0.000`;
  const tg = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/shop-api/73e2d6bc24d8a067";
  return [
    type,
    iso(done),
    "app/shop-alb/50dc6c495c0c9188",
    "203.0.113.7:51234",
    fail ? "10.0.1.17:8080" : "10.0.1.17:8080",
    targetTimes,
    status,
    "512",
    "2048",
    `"GET ${scheme}://shop.example.com:443/api/cart?id=42 ${proto}"`,
    '"Mozilla/5.0 (X11; Linux x86_64)"',
    tls,
    tg,
    '"Root=1-58337262-36d228ad5d99923122bbe354"',
    '"shop.example.com"',
    '"-"',
    "1",
    iso(created),
    '"forward"',
    '"-"',
    fail ? '"TargetResponseTimeout"' : '"-"',
    '"10.0.1.17:8080"',
    fail ? '"-"' : '"200"',
    '"-"',
    '"-"',
    "TID_1234abcd5678ef90",
  ].join(" ");
}
