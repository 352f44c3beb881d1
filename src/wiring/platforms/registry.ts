import type { Platform } from "../../scenario/schema.js";
import { runAppRunner } from "./app-runner.js";
import { runEcsEc2 } from "./ecs-ec2.js";
import { runEcsFargate } from "./ecs-fargate.js";
import { runEventBridgeTasks } from "./eventbridge-tasks.js";
import { runSqsWorker } from "./sqs-worker.js";
import type { PlatformRunInput } from "./ecs-service.js";
import { runEks } from "./eks.js";
import type { PlatformResult } from "../../models/platform/result.js";

type Runner<K extends Platform["kind"]> = (
  input: PlatformRunInput<Extract<Platform, { kind: K }>>,
) => PlatformResult;

/** One runner per platform kind. Add a kind here and in src/scenario/platforms/index.ts. */
const RUNNERS: { [K in Platform["kind"]]: Runner<K> } = {
  "ecs-fargate": runEcsFargate,
  "ecs-ec2": runEcsEc2,
  "app-runner": runAppRunner,
  eks: runEks,
  "sqs-worker": runSqsWorker,
  "eventbridge-tasks": runEventBridgeTasks,
};

export function runPlatform(input: PlatformRunInput<Platform>): PlatformResult {
  const runner = RUNNERS[input.platform.kind] as Runner<Platform["kind"]>;
  return runner(input as never);
}
