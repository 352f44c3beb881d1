import * as z from "zod";
import { Duration } from "../fields.js";
import { EcsCompute } from "./ecs-compute.js";

/**
 * An ECS service of queue workers polling an SQS standard queue fed by the scenario's traffic (each
 * arrival is one message). Queue attributes and ReceiveMessage parameters keep AWS's names and defaults:
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SetQueueAttributes.html
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ReceiveMessage.html
 */
export const SqsWorkerPlatform = z
  .strictObject({
    kind: z.literal("sqs-worker"),
    compute: EcsCompute.meta({
      description:
        "The worker service: an ecs-fargate or ecs-ec2 platform (task, service, scalingPolicies, …).",
    }),
    queue: z
      .strictObject({
        type: z
          .enum(["standard", "fifo"])
          .default("standard")
          .meta({ description: "Queue type (prices only)." }),
        // VisibilityTimeout: 0–43,200 s, default 30.
        VisibilityTimeout: z.number().int().min(0).max(43_200).default(30),
        // ReceiveMessageWaitTimeSeconds: 0–20 s, default 0 (short polling).
        ReceiveMessageWaitTimeSeconds: z.number().int().min(0).max(20).default(0),
        // RedrivePolicy maxReceiveCount (1–1,000); absent: no dead-letter queue.
        maxReceiveCount: z.number().int().min(1).max(1000).optional(),
        messageSizeBytes: z.number().int().min(1).max(1_048_576).default(1024).meta({
          description: "Payload of one message; each 64 KB chunk of a call's payload is billed as a request.",
        }),
        sendBatchSize: z.number().int().min(1).max(10).default(1).meta({
          description:
            "Messages per send call: 1 = SendMessage, 2–10 = SendMessageBatch of the messages sent in the same engine tick.",
        }),
        pricePerMillionRequests: z.number().min(0).optional().meta({
          description:
            "Request price; default: the region's pinned price for the queue type (src/data/sqs.ts).",
        }),
      })
      .default({
        type: "standard",
        VisibilityTimeout: 30,
        ReceiveMessageWaitTimeSeconds: 0,
        messageSizeBytes: 1024,
        sendBatchSize: 1,
      }),
    worker: z
      .strictObject({
        pollers: z.number().int().min(1).max(256).default(1).meta({ description: "Receive loops per task." }),
        // ReceiveMessage MaxNumberOfMessages: 1–10, default 1.
        MaxNumberOfMessages: z.number().int().min(1).max(10).default(1),
        // ReceiveMessage WaitTimeSeconds: 0–20; default: the queue's ReceiveMessageWaitTimeSeconds.
        WaitTimeSeconds: z.number().int().min(0).max(20).optional(),
        emptyReceiveDelay: Duration.default(1000).meta({
          description: "Sleep after an empty short-poll answer.",
        }),
        failureRate: z
          .number()
          .min(0)
          .max(1)
          .default(0)
          .meta({ description: "Share of processing attempts that fail (message not deleted)." }),
        deleteBatch: z.boolean().default(false).meta({
          description: "DeleteMessageBatch once per batch instead of one DeleteMessage per message.",
        }),
        // Container stopTimeout: default 30 s, at most 120 s on Fargate.
        stopTimeout: Duration.default(30_000),
      })
      .default({
        pollers: 1,
        MaxNumberOfMessages: 1,
        emptyReceiveDelay: 1000,
        failureRate: 0,
        deleteBatch: false,
        stopTimeout: 30_000,
      }),
    slo: z
      .strictObject({
        ageOfOldestMessage: Duration.meta({
          description: "Per-minute ApproximateAgeOfOldestMessage must stay at or below this.",
        }),
      })
      .optional(),
  })
  .superRefine((p, ctx) => {
    if (p.compute.kind === "ecs-fargate" && p.worker.stopTimeout > 120_000)
      ctx.addIssue({
        code: "custom",
        path: ["worker", "stopTimeout"],
        message: "Fargate allows a stopTimeout of at most 120s",
      });
  });
export type SqsWorkerPlatform = z.output<typeof SqsWorkerPlatform>;
