import type { TimeMs } from "./time.js";

/**
 * Priority queue of pending events ordered by (time, phase, sequence). The sequence number is assigned
 * at insertion, so events at the same time and phase run in the order they were scheduled: never by
 * object identity or heap accident. Keys live in parallel typed arrays to keep comparisons cheap.
 */
export class EventQueue<T> {
  private times = new Float64Array(64);
  private phases = new Int32Array(64);
  private seqs = new Float64Array(64);
  private items: (T | undefined)[] = new Array(64);
  private n = 0;
  private nextSeq = 0;

  get size(): number {
    return this.n;
  }

  /** Time of the earliest event, or +Infinity when empty. */
  peekTime(): TimeMs {
    return this.n > 0 ? this.times[0] : Number.POSITIVE_INFINITY;
  }

  push(time: TimeMs, phase: number, item: T): void {
    if (this.n === this.times.length) this.grow();
    let i = this.n++;
    const seq = this.nextSeq++;
    // Sift up.
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(time, phase, seq, p)) break;
      this.move(p, i);
      i = p;
    }
    this.times[i] = time;
    this.phases[i] = phase;
    this.seqs[i] = seq;
    this.items[i] = item;
  }

  /** Remove and return the earliest event; `undefined` when empty. */
  pop(): { time: TimeMs; phase: number; item: T } | undefined {
    if (this.n === 0) return undefined;
    const out = { time: this.times[0], phase: this.phases[0], item: this.items[0] as T };
    const last = --this.n;
    if (last > 0) {
      const t = this.times[last];
      const ph = this.phases[last];
      const sq = this.seqs[last];
      const it = this.items[last];
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= last) break;
        const r = l + 1;
        const c = r < last && this.lessIdx(r, l) ? r : l;
        if (!this.less(this.times[c], this.phases[c], this.seqs[c], i, t, ph, sq)) break;
        this.move(c, i);
        i = c;
      }
      this.times[i] = t;
      this.phases[i] = ph;
      this.seqs[i] = sq;
      this.items[i] = it;
    }
    this.items[last] = undefined;
    return out;
  }

  /** (t, ph, sq) < key at index j — or, with the optional triple, < that triple. */
  private less(
    t: number,
    ph: number,
    sq: number,
    j: number,
    tj?: number,
    phj?: number,
    sqj?: number,
  ): boolean {
    const bt = tj ?? this.times[j];
    if (t !== bt) return t < bt;
    const bp = phj ?? this.phases[j];
    if (ph !== bp) return ph < bp;
    return sq < (sqj ?? this.seqs[j]);
  }

  private lessIdx(a: number, b: number): boolean {
    return this.less(this.times[a], this.phases[a], this.seqs[a], b);
  }

  private move(from: number, to: number): void {
    this.times[to] = this.times[from];
    this.phases[to] = this.phases[from];
    this.seqs[to] = this.seqs[from];
    this.items[to] = this.items[from];
  }

  private grow(): void {
    const cap = this.times.length * 2;
    const t = new Float64Array(cap);
    t.set(this.times);
    const p = new Int32Array(cap);
    p.set(this.phases);
    const s = new Float64Array(cap);
    s.set(this.seqs);
    this.times = t;
    this.phases = p;
    this.seqs = s;
    this.items.length = cap;
  }
}
