import type { TimeMs } from "../../engine/time.js";

/**
 * An SQS standard queue holding messages as cohorts: messages that became visible at the same instant with
 * the same send time and receive count. Cohorts are appended when they become visible (sent, or returned
 * after their visibility timeout), so the deque is in order of visibility and a receive takes the
 * longest-visible messages first (standard queues promise best-effort order only).
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/standard-queues.html
 */
export class SqsQueue {
  private sentAt: number[] = [];
  private count: number[] = [];
  private receives: number[] = [];
  private head = 0;
  /** Messages available for retrieval (ApproximateNumberOfMessagesVisible). */
  visible = 0;
  /** Messages received and neither deleted nor visible again (ApproximateNumberOfMessagesNotVisible). */
  inFlight = 0;
  // Counters over the run (CloudWatch NumberOf* metrics are their per-minute differences).
  sent = 0;
  received = 0;
  deleted = 0;
  deadLettered = 0;
  /** Messages made visible again by a visibility timeout (failed, abandoned or too slow). */
  redelivered = 0;

  /** `n` new messages sent at `now`. */
  send(now: TimeMs, n: number): void {
    if (n <= 0) return;
    this.sent += n;
    this.append(now, n, 0);
  }

  /**
   * A received message's visibility timeout expired before it was deleted: it is visible again, or, when
   * it has been received `maxReceiveCount` times, moved to the dead-letter queue.
   * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-dead-letter-queues.html
   */
  returnMessage(sentAt: TimeMs, receiveCount: number, maxReceiveCount: number): void {
    this.inFlight--;
    if (maxReceiveCount > 0 && receiveCount >= maxReceiveCount) {
      this.deadLettered++;
      return;
    }
    this.redelivered++;
    this.append(sentAt, 1, receiveCount);
  }

  /** A received message was deleted. */
  deleteMessage(): void {
    this.inFlight--;
    this.deleted++;
  }

  /**
   * Receive up to `max` messages; their send times and receive counts (after this receive) go into the
   * given arrays. Returns how many were received.
   */
  receive(max: number, outSentAt: Float64Array, outReceives: Int32Array): number {
    let k = 0;
    while (k < max && this.visible > 0) {
      const i = this.head;
      const take = Math.min(max - k, this.count[i]);
      for (let j = 0; j < take; j++) {
        outSentAt[k] = this.sentAt[i];
        outReceives[k++] = this.receives[i] + 1;
      }
      this.count[i] -= take;
      this.visible -= take;
      if (this.count[i] === 0) this.head++;
    }
    if (this.head > 4096 && this.head * 2 > this.sentAt.length) this.compact();
    this.received += k;
    this.inFlight += k;
    return k;
  }

  /**
   * Send time of the oldest visible message received fewer than `skipAfterReceives` times, or null.
   * "After a message is received three times (or more) and not processed, the message is moved to the back
   * of the queue and the ApproximateAgeOfOldestMessage metric points at the second-oldest message that
   * hasn't been received more than three times."
   * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-available-cloudwatch-metrics.html
   */
  oldestSentAt(skipAfterReceives = 3): TimeMs | null {
    let oldest: number | null = null;
    for (let i = this.head; i < this.sentAt.length; i++) {
      if (this.count[i] === 0 || this.receives[i] >= skipAfterReceives) continue;
      // Fresh cohorts are in send order: the first one bounds every later fresh cohort.
      if (oldest === null || this.sentAt[i] < oldest) oldest = this.sentAt[i];
      if (this.receives[i] === 0 && this.redeliveredCohorts === 0) break;
    }
    return oldest;
  }

  private redeliveredCohorts = 0;

  private append(sentAt: TimeMs, n: number, receives: number): void {
    const last = this.sentAt.length - 1;
    if (last >= this.head && this.sentAt[last] === sentAt && this.receives[last] === receives) {
      this.count[last] += n;
    } else {
      this.sentAt.push(sentAt);
      this.count.push(n);
      this.receives.push(receives);
      if (receives > 0) this.redeliveredCohorts++;
    }
    this.visible += n;
  }

  private compact(): void {
    this.sentAt = this.sentAt.slice(this.head);
    this.count = this.count.slice(this.head);
    this.receives = this.receives.slice(this.head);
    this.head = 0;
    let r = 0;
    for (let i = 0; i < this.receives.length; i++) if (this.receives[i] > 0 && this.count[i] > 0) r++;
    this.redeliveredCohorts = r;
  }
}
