/**
 * Backlog-per-task scaling for queue workers, as AWS documents it for SQS:
 *   backlog per task            = ApproximateNumberOfMessagesVisible / running capacity
 *   acceptable backlog per task = acceptable latency / average processing time per message  (the target)
 * Worked example: 10 instances, 1,500 visible messages → backlog 150 per instance; 0.1 s per message and
 * 10 s acceptable latency → target 100; target tracking then scales out by 5 to 15.
 * https://docs.aws.amazon.com/autoscaling/ec2/userguide/as-using-sqs-queue.html
 * For ECS the backlog is a metric-math expression e1 = m1 / m2 of a target-tracking policy, m1 = AWS/SQS
 * ApproximateNumberOfMessagesVisible (Sum), m2 = ECS/ContainerInsights RunningTaskCount (Average).
 * https://docs.aws.amazon.com/autoscaling/application/userguide/application-auto-scaling-target-tracking-metric-math.html
 */

/** Messages waiting per running task; null (no datapoint) with no running task, as m1 / 0 is. */
export function backlogPerTask(visibleMessages: number, runningTasks: number): number | null {
  return runningTasks > 0 ? visibleMessages / runningTasks : null;
}

/** The target value of a backlog-per-task policy. */
export function acceptableBacklogPerTask(
  acceptableLatencySeconds: number,
  processingSecondsPerMessage: number,
): number {
  if (processingSecondsPerMessage <= 0) throw new Error("processing time per message must be positive");
  return acceptableLatencySeconds / processingSecondsPerMessage;
}

/**
 * SQS request pricing: every API action is a request (SendMessage, ReceiveMessage — empty ones included —,
 * DeleteMessage, each batch call counting once), and "each 64 KB chunk of a payload is billed as 1 request
 * (for example, an API action with a 256 KB payload is billed as 4 requests)". Prices per region:
 * src/data/sqs.ts.
 * https://aws.amazon.com/sqs/pricing/
 */
export const SQS_BILLING_CHUNK_BYTES = 64 * 1024;

/** Requests billed for one API call carrying `messages` messages of `bytesPerMessage` each (at least 1). */
export function billedRequests(messages: number, bytesPerMessage: number): number {
  return Math.max(1, Math.ceil((messages * bytesPerMessage) / SQS_BILLING_CHUNK_BYTES));
}

/** Requests billed for sending `messages` messages in calls of at most `perCall` (SendMessageBatch: 10). */
export function billedSendRequests(messages: number, perCall: number, bytesPerMessage: number): number {
  if (messages <= 0) return 0;
  const full = Math.floor(messages / perCall);
  const rest = messages - full * perCall;
  return (
    full * billedRequests(perCall, bytesPerMessage) + (rest > 0 ? billedRequests(rest, bytesPerMessage) : 0)
  );
}

export function sqsRequestsUsd(requests: number, pricePerMillion: number): number {
  return (requests / 1e6) * pricePerMillion;
}
