import { type AssumptionValues, num } from "../../assumptions.js";
import type { TimeMs } from "../../engine/time.js";

/**
 * Container image pulls: how long a task spends downloading and unpacking its image before the container
 * starts, and when a host already holds the layers.
 *
 * Fargate keeps no image cache between tasks: every task downloads its image, and billing starts when the
 * download starts. https://aws.amazon.com/fargate/pricing/
 * On EC2 the agent pulls the image and caches a local copy; ECS_IMAGE_PULL_BEHAVIOR decides whether a later
 * task on the same instance pulls again:
 *   default / always: "The image will be pulled remotely" (with the layers already on the host, the
 *                     registry only resolves the manifest and nothing is downloaded);
 *   once:             pulled only if no previous task on the same container instance pulled it;
 *   prefer-cached:    pulled only if there is no cached image.
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/pull-behavior.html
 * AWS publishes no pull throughput; the rates are the named assumptions `image.*` (src/assumptions.ts).
 */

export interface ContainerImage {
  /** Compressed size of all layers, MiB. */
  sizeMiB: number;
  layers: number;
}

export type ImagePullBehavior = "default" | "always" | "once" | "prefer-cached";

export interface PullRates {
  /** Download-and-extract throughput, MiB/s (assumption `image.pullThroughput`). */
  mibPerSecond: number;
  /** Fixed cost of one layer (request, verification), ms (assumption `image.layerOverhead`). */
  layerOverheadMs: TimeMs;
  /** Manifest resolution of a pull whose layers are all cached, ms (assumption `image.manifestCheck`). */
  manifestCheckMs: TimeMs;
}

/** Time to pull the whole image onto a host that holds none of its layers. */
export function fullPullMs(image: ContainerImage, rates: PullRates): TimeMs {
  return Math.round(
    rates.manifestCheckMs +
      image.layers * rates.layerOverheadMs +
      (image.sizeMiB / rates.mibPerSecond) * 1000,
  );
}

/**
 * Pull time of a task start on a host: the full pull when the host has not pulled the image before; when it
 * has, `default`/`always` still contact the registry (manifest only) and `once`/`prefer-cached` skip it.
 */
export function pullMs(
  image: ContainerImage,
  rates: PullRates,
  cachedOnHost: boolean,
  behavior: ImagePullBehavior,
): TimeMs {
  if (!cachedOnHost) return fullPullMs(image, rates);
  return behavior === "default" || behavior === "always" ? Math.round(rates.manifestCheckMs) : 0;
}

/** Which hosts hold the image: instance ids of EC2 container instances (cleared when one terminates). */
export class HostImageCache {
  private readonly hosts = new Set<number | string>();

  has(host: number | string): boolean {
    return this.hosts.has(host);
  }

  /** The image is on `host` once its pull completes. */
  add(host: number | string): void {
    this.hosts.add(host);
  }

  /** The host terminated (or the agent's automated image cleanup removed the image). */
  remove(host: number | string): void {
    this.hosts.delete(host);
  }
}

/** The pull rates in force (assumptions `image.*`). */
export function pullRates(a: AssumptionValues): PullRates {
  return {
    mibPerSecond: num(a, "image.pullThroughput"),
    layerOverheadMs: num(a, "image.layerOverhead"),
    manifestCheckMs: num(a, "image.manifestCheck"),
  };
}

/** A Fargate task's image phase: the full pull on every start, then the container start. */
export function fargateImagePull(
  image: ContainerImage | undefined,
  a: AssumptionValues,
): { pullMs: TimeMs; startMs: TimeMs } | undefined {
  if (!image) return undefined;
  return { pullMs: fullPullMs(image, pullRates(a)), startMs: num(a, "container.startTime") };
}
