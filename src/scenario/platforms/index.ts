import { AppRunnerPlatform } from "./app-runner.js";
import { Ec2Platform } from "./ecs-ec2.js";
import { FargatePlatform } from "./ecs-fargate.js";
import { EventBridgeTasksPlatform } from "./eventbridge-tasks.js";
import { SqsWorkerPlatform } from "./sqs-worker.js";
import { EksPlatform } from "./eks.js";

/** Every platform kind a scenario may hold, discriminated by `kind`. Add a kind here and in the model registry. */
export const PLATFORM_SCHEMAS = [
  FargatePlatform,
  Ec2Platform,
  AppRunnerPlatform,
  EksPlatform,
  SqsWorkerPlatform,
  EventBridgeTasksPlatform,
] as const;

export {
  AppRunnerPlatform,
  Ec2Platform,
  EksPlatform,
  EventBridgeTasksPlatform,
  FargatePlatform,
  SqsWorkerPlatform,
};
