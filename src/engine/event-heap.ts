/**
 * The engine's fine-grained event list, for request mode: a binary min-heap of (time, sequence) keys
 * with two integer payloads, held in parallel typed arrays so pushing and popping a request event
 * allocates nothing (the engine's EventQueue holds closures and returns a record per pop: fine for
 * lifecycle events, too heavy per request).
 *
 * Ordering contract (test/engine/event-heap.test.ts):
 * 1. Earlier time first. Times are real milliseconds, not whole ones (requests need sub-millisecond
 *    resolution to reproduce queueing results).
 * 2. At equal times, insertion order: the event pushed first pops first, whatever the payloads and the
 *    heap's layout. That is the EventQueue's (time, phase, sequence) order with a single phase.
 * An event pushed while others are pending takes its place in that same total order, so pop order is
 * the sort of all pushed events by (time, push number).
 *
 * How these events interleave with the Simulation's own events is the Continuous contract
 * (src/engine/sim.ts): the owner pops only events strictly before the instant it is advanced to, so at
 * an equal instant the Simulation's events run first.
 */
export class EventHeap {
  private time = new Float64Array(1024);
  private seq = new Float64Array(1024);
  private a = new Int32Array(1024);
  private b = new Int32Array(1024);
  private n = 0;
  private nextSeq = 0;
  /** Payloads of the last popped event. */
  poppedA = 0;
  poppedB = 0;

  get size(): number {
    return this.n;
  }

  /** Time of the earliest event; +Infinity when empty. */
  peekTime(): number {
    return this.n > 0 ? this.time[0] : Number.POSITIVE_INFINITY;
  }

  push(t: number, a: number, b: number): void {
    if (this.n === this.time.length) this.grow();
    const s = this.nextSeq++;
    let i = this.n++;
    const time = this.time;
    const seq = this.seq;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const tp = time[p];
      if (tp < t || (tp === t && seq[p] < s)) break;
      time[i] = tp;
      seq[i] = seq[p];
      this.a[i] = this.a[p];
      this.b[i] = this.b[p];
      i = p;
    }
    time[i] = t;
    seq[i] = s;
    this.a[i] = a;
    this.b[i] = b;
  }

  /** Remove the earliest event; its payloads are left in `poppedA`/`poppedB`. Returns its time. */
  pop(): number {
    const time = this.time;
    const seq = this.seq;
    const out = time[0];
    this.poppedA = this.a[0];
    this.poppedB = this.b[0];
    const last = --this.n;
    if (last > 0) {
      const t = time[last];
      const s = seq[last];
      const pa = this.a[last];
      const pb = this.b[last];
      let i = 0;
      for (;;) {
        let c = 2 * i + 1;
        if (c >= last) break;
        const r = c + 1;
        if (r < last && (time[r] < time[c] || (time[r] === time[c] && seq[r] < seq[c]))) c = r;
        if (t < time[c] || (t === time[c] && s < seq[c])) break;
        time[i] = time[c];
        seq[i] = seq[c];
        this.a[i] = this.a[c];
        this.b[i] = this.b[c];
        i = c;
      }
      time[i] = t;
      seq[i] = s;
      this.a[i] = pa;
      this.b[i] = pb;
    }
    return out;
  }

  private grow(): void {
    const cap = this.time.length * 2;
    const t = new Float64Array(cap);
    t.set(this.time);
    const s = new Float64Array(cap);
    s.set(this.seq);
    const a = new Int32Array(cap);
    a.set(this.a);
    const b = new Int32Array(cap);
    b.set(this.b);
    this.time = t;
    this.seq = s;
    this.a = a;
    this.b = b;
  }
}
