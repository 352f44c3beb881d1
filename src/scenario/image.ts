import * as z from "zod";
import { Size } from "./fields.js";

/**
 * The workload's container image: its compressed size and layer count decide the pull time of every task
 * start on Fargate and of the first start on each EC2 instance (docs/image-pulls.md).
 */
export const ContainerImageSpec = z
  .strictObject({
    size: Size.meta({ description: 'Compressed size of all layers, e.g. "450MiB".' }),
    layers: z
      .number()
      .int()
      .min(1)
      .max(127)
      .default(8)
      .meta({ description: "Number of layers (Docker allows at most 127)." }),
  })
  .transform((i) => ({ sizeMiB: i.size, layers: i.layers }));
export type ContainerImageSpec = z.output<typeof ContainerImageSpec>;

/** ECS_IMAGE_PULL_BEHAVIOR of the ECS agent on EC2 container instances; the agent's default is `default`. */
export const ImagePullBehaviorSpec = z
  .enum(["default", "always", "once", "prefer-cached"])
  .default("default");
