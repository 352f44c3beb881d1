import { type AssumptionValues, num } from "../../assumptions.js";
import { fargateRates } from "../../data/fargate.js";
import type { Simulation } from "../../engine/sim.js";
import { InputError } from "../../errors.js";
import type { ContainerImageSpec } from "../../scenario/image.js";
import type { FargatePlatform } from "../../scenario/schema.js";
import { constantFactor, type PriceFactorSeries } from "../../models/billing/ec2.js";
import type { CostLedger } from "../../models/billing/ledger.js";
import { fargateSpotDiscountFor } from "../../models/billing/spot.js";
import { FargateCapacityLauncher } from "../../models/fargate/capacity-provider-launcher.js";
import { FargateLauncher, FargateStartup } from "../../models/fargate/launcher.js";
import { fargateImagePull } from "../../models/image/pull.js";

/** The Fargate fields a platform or a compute block gives (an `ecs-fargate` platform's). */
type FargateFields = Pick<FargatePlatform, "task" | "pricing" | "capacityProviderStrategy" | "fargateSpot">;

/**
 * The launcher of an `ecs-fargate` service: plain on-demand Fargate without a capacity provider strategy
 * (every task on FARGATE), else FARGATE / FARGATE_SPOT by the strategy's base and weights.
 */
export function buildFargateLauncher(
  name: string,
  p: FargateFields,
  ctx: {
    sim: Simulation;
    ledger: CostLedger;
    region: string;
    assumptions: AssumptionValues;
    image?: ContainerImageSpec;
    /** Path of the platform in the scenario, for errors. */
    path: string;
  },
): FargateLauncher | FargateCapacityLauncher {
  const { sim, ledger, assumptions: a } = ctx;
  const rates = p.pricing ?? fargateRates(ctx.region, p.task.architecture);
  if (typeof rates === "string") throw new InputError(rates, { path: `${ctx.path}.pricing` });
  const size = {
    vcpu: p.task.cpu / 1024,
    memoryGb: p.task.memory / 1024,
    ephemeralStorageGb: p.task.ephemeralStorage,
  };
  const startup = {
    provisioningMs: num(a, "fargate.provisioningTime"),
    pendingMs: num(a, "fargate.pendingTime"),
    rng: sim.rng(`${name}.fargate.startup`),
    image: fargateImagePull(ctx.image, a),
  };
  const strategy = p.capacityProviderStrategy;
  if (!strategy) return new FargateLauncher(sim, { size, rates, ledger, ...startup });
  const spot = p.fargateSpot;
  const factor: PriceFactorSeries = spot?.priceSeries
    ? {
        at: [0, ...spot.priceSeries.slice(1).map((x) => x.at)],
        factor: spot.priceSeries.map((x) => 1 - x.discount),
      }
    : constantFactor(1 - (spot?.discount ?? fargateSpotDiscountFor(ctx.region, a)));
  return new FargateCapacityLauncher(sim, {
    size,
    rates,
    ledger,
    startup: new FargateStartup(sim, startup),
    strategy: strategy.map((s) => ({ capacityProvider: s.capacityProvider, base: s.base, weight: s.weight })),
    spot: {
      factor,
      interruptionFrequency: spot?.interruptionFrequency ?? num(a, "fargateSpot.interruptionFrequency"),
      rng: sim.rng(`${name}.fargateSpot.interruptions`),
    },
    scaleInSelection: a["ecs.scaleInSelection"] === "oldest" ? "oldest" : "newest",
  });
}
