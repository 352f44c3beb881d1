/**
 * ALB request routing over the healthy targets of one target group, per request (request mode).
 * Targets are small integer slots owned by the caller; `outstanding[slot]` is the caller's count of
 * requests in progress at the target (for least outstanding requests).
 *
 * Algorithms (load_balancing.algorithm.type):
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/edit-target-group-attributes.html#modify-routing-algorithm
 *  - round_robin: targets in turn, in registration order.
 *  - least_outstanding_requests: "routes requests to the targets with the lowest number of in progress
 *    requests". AWS does not say how ties break: assumption `alb.lorTieBreak` = rotate (the scan starts one
 *    target further on each request, so equal targets share the load in turn).
 *
 * Slow start (round robin only):
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/edit-target-group-attributes.html#slow-start-mode
 * A target that becomes healthy enters slow start only if at least one healthy target is not in slow
 * start; "the load balancer linearly increases the number of requests that it can send to a target in
 * slow start mode" until the duration elapses; deregistering a target ends its slow start. The linear
 * share is realised deterministically: each turn adds the target's weight w = elapsed / duration to a
 * credit, and the target takes the request when its credit reaches 1 (so it receives w of a full share).
 */
export type RoutingAlgorithm = "round_robin" | "least_outstanding_requests";

export class Router {
  /** Routable slots in registration order. */
  private list = new Int32Array(16);
  private m = 0;
  private ptr = 0;
  /** Per slot: slow-start start and end time (ms); end ≤ now means a full share. */
  private ssStart = new Float64Array(16);
  private ssEnd = new Float64Array(16);
  private credit = new Float64Array(16);
  /** Routable targets in slow start (may be stale by time; refreshed on demand). */
  private inSlowStart = 0;

  constructor(
    readonly algorithm: RoutingAlgorithm,
    /** slow_start.duration_seconds in ms; 0 = off. */
    readonly slowStartMs: number,
    private outstanding: Int32Array,
  ) {}

  /** The caller replaced its outstanding-count array (it grew). */
  setOutstanding(outstanding: Int32Array): void {
    this.outstanding = outstanding;
  }

  get count(): number {
    return this.m;
  }

  /**
   * A target passed its health checks at `now`. `allowSlowStart` is false for targets registered with
   * the group (the service's initial tasks), which do not enter slow start.
   */
  add(slot: number, now: number, allowSlowStart = true): void {
    if (this.m === this.list.length) this.list = grow(this.list);
    while (slot >= this.ssStart.length) {
      this.ssStart = growF(this.ssStart);
      this.ssEnd = growF(this.ssEnd);
      this.credit = growF(this.credit);
    }
    let slow = false;
    if (this.slowStartMs > 0 && allowSlowStart) {
      // Only when at least one healthy target is not in slow start.
      for (let i = 0; i < this.m; i++) {
        if (this.ssEnd[this.list[i]] <= now) {
          slow = true;
          break;
        }
      }
    }
    this.ssStart[slot] = now;
    this.ssEnd[slot] = slow ? now + this.slowStartMs : now;
    this.credit[slot] = 0;
    if (slow) this.inSlowStart++;
    this.list[this.m++] = slot;
  }

  /** Stop routing to `slot` (deregistration or health failure); it leaves slow start. */
  remove(slot: number): void {
    let i = 0;
    while (i < this.m && this.list[i] !== slot) i++;
    if (i === this.m) return;
    for (let k = i + 1; k < this.m; k++) this.list[k - 1] = this.list[k];
    this.m--;
    if (this.ptr > i) this.ptr--;
    if (this.ptr >= this.m) this.ptr = 0;
    if (this.ssEnd[slot] > this.ssStart[slot]) {
      this.ssEnd[slot] = this.ssStart[slot];
      this.inSlowStart--;
    }
  }

  /** Whether `slot` is routable. */
  has(slot: number): boolean {
    for (let i = 0; i < this.m; i++) if (this.list[i] === slot) return true;
    return false;
  }

  /** The target for a request arriving at `now`; −1 when no target is healthy. Allocation-free. */
  pick(now: number): number {
    const m = this.m;
    if (m === 0) return -1;
    if (this.algorithm === "least_outstanding_requests") {
      const start = this.ptr;
      this.ptr = start + 1 >= m ? 0 : start + 1;
      const out = this.outstanding;
      let best = this.list[start];
      let bestN = out[best];
      for (let k = 1; k < m && bestN > 0; k++) {
        let i = start + k;
        if (i >= m) i -= m;
        const s = this.list[i];
        if (out[s] < bestN) {
          best = s;
          bestN = out[s];
        }
      }
      return best;
    }
    if (this.inSlowStart === 0) {
      const s = this.list[this.ptr];
      this.ptr = this.ptr + 1 >= m ? 0 : this.ptr + 1;
      return s;
    }
    return this.pickSlowStart(now);
  }

  private pickSlowStart(now: number): number {
    const m = this.m;
    // Guard: with every routable target in slow start (the full-share ones left), route in turn.
    let full = 0;
    for (let i = 0; i < m; i++) {
      const s = this.list[i];
      if (this.ssEnd[s] <= now) {
        if (this.ssEnd[s] > this.ssStart[s]) {
          // Slow start just ended.
          this.ssStart[s] = this.ssEnd[s];
          this.inSlowStart--;
        }
        full++;
      }
    }
    for (;;) {
      const s = this.list[this.ptr];
      this.ptr = this.ptr + 1 >= m ? 0 : this.ptr + 1;
      if (full === 0 || this.ssEnd[s] <= now) return s;
      this.credit[s] += (now - this.ssStart[s]) / (this.ssEnd[s] - this.ssStart[s]);
      if (this.credit[s] >= 1) {
        this.credit[s] -= 1;
        return s;
      }
    }
  }

  /** Weight of `slot` at `now`: 1 at full share, linear from 0 during slow start. */
  weight(slot: number, now: number): number {
    const end = this.ssEnd[slot];
    const start = this.ssStart[slot];
    return end <= now || end <= start ? 1 : Math.max(0, (now - start) / (end - start));
  }
}

function grow(a: Int32Array): Int32Array<ArrayBuffer> {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}
function growF(a: Float64Array): Float64Array<ArrayBuffer> {
  const b = new Float64Array(a.length * 2);
  b.set(a);
  return b;
}
