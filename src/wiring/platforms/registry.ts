import type { PlatformResult } from "../../models/platform/result.js";
import type { Platform } from "../../scenario/schema.js";
import { appRunnerKind } from "./app-runner.js";
import { ecsServiceKind } from "./ecs-service.js";
import { eksKind } from "./eks.js";
import { eventBridgeTasksKind } from "./eventbridge-tasks.js";
import { type PlatformRunInput, runPlatformKind } from "./skeleton.js";
import { sqsWorkerKind } from "./sqs-worker.js";

type Runner<K extends Platform["kind"]> = (
  input: PlatformRunInput<Extract<Platform, { kind: K }>>,
) => PlatformResult;

/**
 * One skeleton filling per platform kind (skeleton.ts). A new kind is its schema (add it to
 * src/scenario/platforms/index.ts), its parts (a module here exporting a `PlatformKind`) and one line below.
 */
const KINDS: { [K in Platform["kind"]]: Runner<K> } = {
  "ecs-fargate": (input) => runPlatformKind(ecsServiceKind, input),
  "ecs-ec2": (input) => runPlatformKind(ecsServiceKind, input),
  "app-runner": (input) => runPlatformKind(appRunnerKind, input),
  eks: (input) => runPlatformKind(eksKind, input),
  "sqs-worker": (input) => runPlatformKind(sqsWorkerKind, input),
  "eventbridge-tasks": (input) => runPlatformKind(eventBridgeTasksKind, input),
};

export function runPlatform(input: PlatformRunInput<Platform>): PlatformResult {
  const runner = KINDS[input.platform.kind] as Runner<Platform["kind"]>;
  return runner(input as never);
}
