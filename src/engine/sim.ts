import { EventQueue } from "./queue.js";
import { type Rng, stream } from "./rng.js";
import type { TimeMs } from "./time.js";

/**
 * Order of events that fall on the same millisecond. Lower runs first: a task that becomes ready at
 * 60 000 ms is counted by the metric published at 60 000 ms, and the controller reads that datapoint in
 * the same instant.
 */
export const Phase = {
  lifecycle: 0,
  metrics: 10,
  control: 20,
  schedule: 30,
  record: 40,
} as const;

export type Handler = (now: TimeMs) => void;

/**
 * A process integrated over time between discrete events (the fluid traffic model), or one with events
 * of its own on a finer clock (request mode, on an EventHeap).
 *
 * Contract: `advanceTo(t)` is called before any Simulation event at `t` runs, with `t` never decreasing,
 * and once more with the run's end. The process handles its own events strictly before `t`; its events
 * at exactly `t` wait for the next call, so at an equal instant the Simulation's events (all phases) run
 * first and the process sees their effect.
 */
export interface Continuous {
  /** Advance internal state up to `t` (own events strictly before `t`); called before any event at `t` runs. */
  advanceTo(t: TimeMs): void;
}

/**
 * A discrete-event simulation kernel: one clock, one event queue, named random streams, and continuous
 * processes advanced to each event's time before it runs.
 */
export class Simulation {
  now: TimeMs = 0;
  private readonly queue = new EventQueue<Handler>();
  private readonly continuous: Continuous[] = [];
  private readonly streams = new Map<string, Rng>();
  private stopped = false;

  constructor(readonly seed: number) {}

  /** The random stream named `name`, shared by every caller asking for that name. */
  rng(name: string): Rng {
    let r = this.streams.get(name);
    if (!r) {
      r = stream(this.seed, name);
      this.streams.set(name, r);
    }
    return r;
  }

  at(time: TimeMs, handler: Handler, phase: number = Phase.lifecycle): void {
    if (!Number.isInteger(time)) throw new Error(`event time must be an integer ms, got ${time}`);
    if (time < this.now) throw new Error(`event scheduled in the past: ${time} < ${this.now}`);
    this.queue.push(time, phase, handler);
  }

  after(delay: TimeMs, handler: Handler, phase: number = Phase.lifecycle): void {
    this.at(this.now + Math.max(0, Math.round(delay)), handler, phase);
  }

  /** Run `handler` at `start`, `start + period`, … for as long as the simulation runs. */
  every(period: TimeMs, handler: Handler, phase: number, start: TimeMs = this.now + period): void {
    if (period <= 0) throw new Error("period must be positive");
    const tick: Handler = (now) => {
      handler(now);
      this.at(now + period, tick, phase);
    };
    this.at(start, tick, phase);
  }

  addContinuous(p: Continuous): void {
    this.continuous.push(p);
  }

  stop(): void {
    this.stopped = true;
  }

  /** Run every event with time ≤ `until`, then advance continuous processes to `until`. */
  run(until: TimeMs): void {
    this.stopped = false;
    const q = this.queue;
    while (!this.stopped && q.peekTime() <= until) {
      const t = q.peekTime();
      for (let i = 0; i < this.continuous.length; i++) this.continuous[i].advanceTo(t);
      const ev = q.pop()!;
      this.now = ev.time;
      ev.item(ev.time);
    }
    if (!this.stopped) {
      for (let i = 0; i < this.continuous.length; i++) this.continuous[i].advanceTo(until);
      this.now = until;
    }
  }

  get pendingEvents(): number {
    return this.queue.size;
  }
}
