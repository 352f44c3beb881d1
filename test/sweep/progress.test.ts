import { describe, expect, it } from "vitest";
import { createProgress, linesProgress, progressMode } from "../../src/sweep/progress.js";

describe("sweep progress", () => {
  it("chooses a bar on a terminal, lines otherwise, nothing when quiet", () => {
    expect(progressMode({ isTty: true })).toBe("bar");
    expect(progressMode({ isTty: false })).toBe("lines");
    expect(progressMode({ isTty: true, quiet: true })).toBe("none");
  });

  it("prints plain lines at most once per interval, with rate and ETA from this session's runs", () => {
    let t = 0;
    const out: string[] = [];
    const p = linesProgress(
      (s) => out.push(s),
      5000,
      () => t,
    );
    p.start({ done: 10, total: 40, failed: 0 }); // 10 resumed
    t = 1000;
    p.update({ done: 12, total: 40, failed: 0 }); // within the interval: silent
    t = 6000;
    p.update({ done: 22, total: 40, failed: 1 }); // 12 runs in 6 s = 2/s; 18 left → 9 s
    t = 15_000;
    p.stop({ done: 40, total: 40, failed: 1 });
    expect(out).toEqual([
      "sweep: 10/40 runs (25%), 0 failed, ETA ?\n",
      "sweep: 22/40 runs (55%), 1 failed, 120.0 runs/min, ETA 9 s\n",
      "sweep: 40/40 runs (100%), 1 failed, done in 15 s\n",
    ]);
  });

  it("writes nothing in quiet mode", () => {
    const chunks: string[] = [];
    const sink = { write: (s: string) => chunks.push(s) } as unknown as NodeJS.WritableStream;
    const p = createProgress("none", sink);
    p.start({ done: 0, total: 3, failed: 0 });
    p.update({ done: 3, total: 3, failed: 0 });
    p.stop({ done: 3, total: 3, failed: 0 });
    expect(chunks).toEqual([]);
  });
});
