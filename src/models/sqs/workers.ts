import type { Rng } from "../../engine/rng.js";
import type { Simulation } from "../../engine/sim.js";
import type { TimeMs } from "../../engine/time.js";
import type { Task } from "../ecs/task.js";
import type { ServiceTimeDistribution } from "../latency/distributions.js";
import { billedRequests } from "./backlog.js";
import type { SqsQueue } from "./queue.js";

/**
 * Queue workers: each running task runs `pollers` receive loops. A loop calls ReceiveMessage for up to
 * MaxNumberOfMessages (1–10), processes the batch one message after the other, deletes each message it
 * processed, and polls again.
 *   - Long polling (WaitTimeSeconds 1–20) queries all the servers and returns as soon as a message is
 *     available, or empty when the wait ends; short polling (0) "queries only a subset of the servers" and
 *     returns at once — with fewer than 1,000 messages it "most likely" returns fewer than asked, possibly
 *     none (`shortPollFound`) — and the loop sleeps `emptyReceiveDelay` after an empty answer.
 *     https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-short-and-long-polling.html
 *   - A received message is invisible for VisibilityTimeout; if it is not deleted by then (processing failed,
 *     the worker died or was interrupted, processing took too long) it becomes visible again and is
 *     delivered again; a delete with the stale receipt of a slow worker does not remove the redelivered copy.
 *     https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-visibility-timeout.html
 *   - On SIGTERM a worker stops polling and finishes its batch, if that fits in the container's stopTimeout;
 *     what is unfinished at SIGKILL is abandoned (and redelivered after its visibility timeout). A worker
 *     exits because its last message is done, so a completion at the very instant of the exit counts:
 *     "messages that are not deleted ... become visible again" — only what is not deleted in time returns.
 *     https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html (stopTimeout)
 *   - DeleteMessage removes one message as soon as it is processed; DeleteMessageBatch (`deleteBatch`)
 *     removes the batch's processed messages in one request once the batch is done, so until then they are
 *     still in flight (and return if the worker dies or the visibility timeout ends first).
 *     https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_DeleteMessageBatch.html
 */
export interface WorkerOptions {
  pollers: number;
  maxMessages: number;
  /** WaitTimeSeconds in ms; 0 = short polling. */
  waitTimeMs: TimeMs;
  emptyReceiveDelayMs: TimeMs;
  visibilityTimeoutMs: TimeMs;
  /** RedrivePolicy maxReceiveCount; 0 = no dead-letter queue. */
  maxReceiveCount: number;
  /** Probability that processing a message fails (it is not deleted). */
  failureRate: number;
  /** Share of the servers a short poll samples (assumption `sqs.shortPollSampledShare`). */
  shortPollSampledShare: number;
  /** Draws of which visible messages a short poll finds. */
  shortPollRng: Rng;
  /** DeleteMessageBatch once per batch instead of DeleteMessage per message. */
  deleteBatch: boolean;
  /** Payload of one message (a receive's payload is billed per 64 KB chunk). */
  messageSizeBytes: number;
  processing: ServiceTimeDistribution;
  /** vCPU-ms one message costs (for CPU accounting). */
  cpuPerMessageMs: number;
  /** Container stopTimeout: SIGKILL this long after SIGTERM. */
  stopTimeoutMs: TimeMs;
  /** Exit time of a worker with nothing in hand (assumption `ecs.stopDuration`). */
  idleExitMs: TimeMs;
  rng: Rng;
  /** A message was processed and deleted: its end-to-end latency. */
  onDeleted(latencyMs: number, now: TimeMs): void;
}

/** A queue this small is answered from a sample of its servers ("fewer than 1,000" messages). */
export const SHORT_POLL_SMALL_QUEUE = 1000;

/**
 * Messages one short poll returns: from a queue of 1,000 messages or more, as many as asked; from a smaller
 * one, each visible message is on a sampled server with probability `share` (AWS's figure: the servers
 * sampled hold messages A, C, D and B, and E "isn't returned for this request, but is returned for a
 * subsequent request"), at most `max`.
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-short-and-long-polling.html
 */
export function shortPollFound(visible: number, max: number, share: number, rng: Rng): number {
  if (visible >= SHORT_POLL_SMALL_QUEUE || share >= 1) return Math.min(max, visible);
  let found = 0;
  for (let i = 0; i < visible && found < max; i++) if (rng.next() < share) found++;
  return found;
}

const PENDING = 0;
const DELETED = 1;
const FAILED = 2;
const RETURNED = 3;
/** Processed, waiting for the batch's DeleteMessageBatch. */
const PROCESSED = 4;

interface Batch {
  n: number;
  sentAt: Float64Array;
  receives: Int32Array;
  durations: Float64Array;
  state: Uint8Array;
  /** Index of the message being processed. */
  next: number;
  /** When the batch's last message finishes, as drawn at receive time. */
  endsAt: TimeMs;
}

interface Poller {
  task: Task;
  batch: Batch | null;
  /** Start of the current long poll, or −1. */
  waitingSince: TimeMs;
  /** SIGTERM received: finish the batch, poll no more. */
  stopping: boolean;
  /** SIGKILLed or exited: completions after `diedAt` are lost. */
  dead: boolean;
  diedAt: TimeMs;
}

export class QueueWorkers {
  private readonly byTask = new Map<number, Poller[]>();
  private readonly waiters: Poller[] = [];
  private readonly tmpSent: Float64Array;
  private readonly tmpReceives: Int32Array;
  receiveRequests = 0;
  /** Receive requests billed beyond one per call for payloads over 64 KB. */
  receivePayloadChunks = 0;
  emptyReceives = 0;
  deleteRequests = 0;
  /** Messages processed again after their first delivery's visibility expired. */
  duplicates = 0;
  failures = 0;
  /** vCPU-seconds of message processing. */
  cpuSeconds = 0;

  constructor(
    private readonly sim: Simulation,
    private readonly queue: SqsQueue,
    private readonly o: WorkerOptions,
  ) {
    this.tmpSent = new Float64Array(o.maxMessages);
    this.tmpReceives = new Int32Array(o.maxMessages);
  }

  /** A task reached RUNNING: start its receive loops. */
  taskStarted(task: Task, now: TimeMs): void {
    if (this.byTask.has(task.id)) return;
    const ps: Poller[] = [];
    for (let i = 0; i < this.o.pollers; i++)
      ps.push({ task, batch: null, waitingSince: -1, stopping: false, dead: false, diedAt: -1 });
    this.byTask.set(task.id, ps);
    for (const p of ps) this.poll(p, now);
  }

  /**
   * SIGTERM: the task's loops stop polling; returns how long the task takes to exit (its batches finish,
   * at most stopTimeout).
   */
  sigterm(task: Task, now: TimeMs): TimeMs {
    const ps = this.byTask.get(task.id);
    if (!ps) return this.o.idleExitMs;
    let busyUntil = now;
    for (const p of ps) {
      p.stopping = true;
      if (p.waitingSince >= 0) this.stopWaiting(p, now);
      if (p.batch) busyUntil = Math.max(busyUntil, p.batch.endsAt);
    }
    const left = busyUntil - now;
    return left > 0 ? Math.min(this.o.stopTimeoutMs, left) : this.o.idleExitMs;
  }

  /** The task stopped (exited or SIGKILLed): what its loops still held is abandoned. */
  taskStopped(task: Task, now: TimeMs): void {
    const ps = this.byTask.get(task.id);
    if (!ps) return;
    for (const p of ps) {
      if (p.waitingSince >= 0) this.stopWaiting(p, now);
      p.dead = true;
      p.diedAt = now;
    }
    this.byTask.delete(task.id);
  }

  /** Messages became visible: waiting long polls return with them, oldest wait first. */
  messagesAvailable(now: TimeMs): void {
    while (this.waiters.length > 0 && this.queue.visible > 0) {
      const p = this.waiters.shift()!;
      this.countExpiredWaits(p, now);
      p.waitingSince = -1;
      this.startBatch(p, now, this.o.maxMessages);
    }
  }

  /** Close the books at the end of the run: long polls still waiting count their empty answers. */
  finish(now: TimeMs): void {
    for (const p of this.waiters) this.countExpiredWaits(p, now);
  }

  private poll(p: Poller, now: TimeMs): void {
    if (p.stopping || p.dead) return;
    this.receiveRequests++;
    if (this.o.waitTimeMs > 0 && this.queue.visible > 0) {
      this.startBatch(p, now, this.o.maxMessages);
      return;
    }
    if (this.o.waitTimeMs === 0 && this.queue.visible > 0) {
      const found = shortPollFound(
        this.queue.visible,
        this.o.maxMessages,
        this.o.shortPollSampledShare,
        this.o.shortPollRng,
      );
      if (found > 0) {
        this.startBatch(p, now, found);
        return;
      }
    }
    if (this.o.waitTimeMs > 0) {
      p.waitingSince = now;
      this.waiters.push(p);
      return;
    }
    this.emptyReceives++;
    this.sim.after(this.o.emptyReceiveDelayMs, (t) => this.poll(p, t));
  }

  /** Long polls that ended empty while `p` waited, each followed by a new ReceiveMessage. */
  private countExpiredWaits(p: Poller, now: TimeMs): void {
    const expired = Math.floor((now - p.waitingSince) / this.o.waitTimeMs);
    this.emptyReceives += expired;
    this.receiveRequests += expired;
    p.waitingSince += expired * this.o.waitTimeMs;
  }

  private stopWaiting(p: Poller, now: TimeMs): void {
    this.countExpiredWaits(p, now);
    // The long poll in progress returns empty when the process exits.
    this.emptyReceives++;
    const i = this.waiters.indexOf(p);
    if (i >= 0) this.waiters.splice(i, 1);
    p.waitingSince = -1;
  }

  private startBatch(p: Poller, now: TimeMs, max: number): void {
    const n = this.queue.receive(max, this.tmpSent, this.tmpReceives);
    this.receivePayloadChunks += billedRequests(n, this.o.messageSizeBytes) - 1;
    const b: Batch = {
      n,
      sentAt: this.tmpSent.slice(0, n),
      receives: this.tmpReceives.slice(0, n),
      durations: new Float64Array(n),
      state: new Uint8Array(n),
      next: 0,
      endsAt: now,
    };
    let end = now;
    for (let i = 0; i < n; i++) {
      b.durations[i] = Math.max(0, Math.round(this.o.processing.sample(this.o.rng)));
      end += b.durations[i];
    }
    b.endsAt = end;
    p.batch = b;
    // Whatever of this receive is not deleted when the visibility timeout ends is visible again.
    this.sim.after(this.o.visibilityTimeoutMs, (t) => this.visibilityExpired(b, t));
    this.processNext(p, b, now);
  }

  private processNext(p: Poller, b: Batch, now: TimeMs): void {
    if (b.next >= b.n) {
      if (this.o.deleteBatch) this.deleteBatch(b, now);
      p.batch = null;
      this.poll(p, now);
      return;
    }
    const i = b.next;
    this.sim.after(b.durations[i], (t) => {
      // Done at the instant the worker exits: it exits because the work is done, so it counts.
      if (p.dead && t > p.diedAt) return;
      this.complete(b, i, t);
      b.next++;
      this.processNext(p, b, t);
    });
  }

  private complete(b: Batch, i: number, now: TimeMs): void {
    this.cpuSeconds += this.o.cpuPerMessageMs / 1000;
    if (b.state[i] === RETURNED) {
      // Its visibility expired first: the message is back in the queue and this work is wasted.
      this.duplicates++;
      return;
    }
    if (this.o.failureRate > 0 && this.o.rng.next() < this.o.failureRate) {
      b.state[i] = FAILED;
      this.failures++;
      return;
    }
    if (this.o.deleteBatch) {
      b.state[i] = PROCESSED;
      return;
    }
    this.deleteRequests++;
    this.delete(b, i, now);
  }

  /** DeleteMessageBatch: one request for the batch's processed messages (none: no request). */
  private deleteBatch(b: Batch, now: TimeMs): void {
    let any = false;
    for (let i = 0; i < b.n; i++) {
      if (b.state[i] !== PROCESSED) continue;
      this.delete(b, i, now);
      any = true;
    }
    if (any) this.deleteRequests++;
  }

  private delete(b: Batch, i: number, now: TimeMs): void {
    b.state[i] = DELETED;
    this.queue.deleteMessage();
    this.o.onDeleted(now - b.sentAt[i], now);
  }

  private visibilityExpired(b: Batch, now: TimeMs): void {
    let returned = false;
    for (let i = 0; i < b.n; i++) {
      if (b.state[i] === PENDING || b.state[i] === FAILED || b.state[i] === PROCESSED) {
        b.state[i] = RETURNED;
        this.queue.returnMessage(b.sentAt[i], b.receives[i], this.o.maxReceiveCount);
        returned = true;
      }
    }
    if (returned) this.messagesAvailable(now);
  }
}
