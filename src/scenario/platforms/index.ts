import { FargatePlatform } from "./ecs-fargate.js";

/** Every platform kind a scenario may hold, discriminated by `kind`. Add a kind here and in the model registry. */
export const PLATFORM_SCHEMAS = [FargatePlatform] as const;

export { FargatePlatform };
