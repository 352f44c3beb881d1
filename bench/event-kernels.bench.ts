/**
 * The engine's two event lists on request mode's workload: a heap of a few thousand pending events
 * (one per request in service), each pop followed by a push a random service time later. EventHeap
 * (typed arrays, two integer payloads, real-ms times) against EventQueue (closures or any item, one
 * record allocated per pop) holding the same two payloads, median of 5 runs each. This is why request
 * mode keeps its own heap rather than the engine's queue (src/engine/event-heap.ts).
 *
 *   npx tsx bench/event-kernels.bench.ts
 */
import { EventHeap } from "../src/engine/event-heap.js";
import { EventQueue } from "../src/engine/queue.js";
import { stream } from "../src/engine/rng.js";
import { median, printBenchHeader } from "./env.js";

printBenchHeader("event-kernels");

const PENDING = 4096;
const OPS = 4_000_000;
const RUNS = 5;
const rng = stream(1, "bench.event-kernels");
const delays = new Float64Array(OPS);
for (let i = 0; i < OPS; i++) delays[i] = -Math.log(1 - rng.next()) * 800;

function heapRun(): number {
  const h = new EventHeap();
  for (let i = 0; i < PENDING; i++) h.push(delays[i], i, 0);
  let check = 0;
  for (let i = 0; i < OPS; i++) {
    const t = h.pop();
    check += h.poppedA;
    h.push(t + delays[i], h.poppedA, h.poppedB);
  }
  return check;
}

function queueRun(): number {
  const q = new EventQueue<{ a: number; b: number }>();
  for (let i = 0; i < PENDING; i++) q.push(delays[i], 0, { a: i, b: 0 });
  let check = 0;
  for (let i = 0; i < OPS; i++) {
    const e = q.pop()!;
    check += e.item.a;
    q.push(e.time + delays[i], 0, e.item);
  }
  return check;
}

function rate(body: () => number): number {
  const check = body(); // warm-up, and both must pop the same events
  const rates: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const t0 = performance.now();
    if (body() !== check) throw new Error("runs differ");
    rates.push(OPS / ((performance.now() - t0) / 1000));
  }
  return median(rates);
}

const heap = rate(heapRun);
const queue = rate(queueRun);
console.log(`EventHeap: median ${(heap / 1e6).toFixed(2)} M pop+push/s of ${RUNS} runs (${PENDING} pending)`);
console.log(
  `EventQueue: median ${(queue / 1e6).toFixed(2)} M pop+push/s of ${RUNS} runs (${PENDING} pending)`,
);
console.log(`ratio: EventHeap is ${(heap / queue).toFixed(2)}× EventQueue`);
if (heapRun() !== queueRun()) throw new Error("the two lists popped different events");
