import * as z from "zod";
import { Ec2Platform } from "./ecs-ec2.js";
import { FargatePlatform } from "./ecs-fargate.js";

/**
 * Where the tasks of a queue-worker service or of scheduled/event-driven jobs run: the fields of an
 * `ecs-fargate` or `ecs-ec2` platform, written as for that kind (its `loadBalancer` is not used).
 */
export const EcsCompute = z.discriminatedUnion("kind", [FargatePlatform, Ec2Platform]);
export type EcsCompute = z.output<typeof EcsCompute>;

/** Compute for standalone tasks (RunTask): no service, so an empty one is implied. */
export const TaskCompute = z.preprocess(
  (v) =>
    v !== null && typeof v === "object" && !Array.isArray(v) && !("service" in v)
      ? { ...v, service: { desiredCount: 0, minCapacity: 0, maxCapacity: 0 } }
      : v,
  EcsCompute,
);
