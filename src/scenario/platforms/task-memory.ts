import type { z } from "zod";
import { TaskMemory } from "../fields.js";

/**
 * The soft memory limit of a task (the containers' `memoryReservation`, summed), shared by the ECS launch
 * types. When set it is the denominator of the service's MemoryUtilization, else the hard `memory` is:
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/cloudwatch-metrics.html#service_utilization
 * Placement and billing keep using the task-level `memory` (the amount ECS reserves for the task).
 */
export const MemoryReservation = TaskMemory.optional().meta({
  description: "Soft limit summed over the containers; the MemoryUtilization denominator when set.",
});

/** "memoryReservation … must be lower than the memory" of the container (task_definition_parameters.html). */
export function checkMemoryReservation(
  task: { memory: number; memoryReservation?: number },
  ctx: z.core.$RefinementCtx,
): void {
  if (task.memoryReservation !== undefined && task.memoryReservation > task.memory) {
    ctx.addIssue({
      code: "custom",
      path: ["task", "memoryReservation"],
      message: "memoryReservation must not exceed memory",
    });
  }
}
