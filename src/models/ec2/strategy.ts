/**
 * Capacity-provider strategy: which provider the next task of a service goes to (`base` first, then by
 * `weight`), and which provider gives up a task on scale-in.
 *
 * Sources:
 * - https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CapacityProviderStrategyItem.html
 * - https://docs.aws.amazon.com/AmazonECS/latest/developerguide/cluster-capacity-providers.html
 */

import { InputError } from "../../errors.js";

export interface StrategyItem {
  readonly capacityProvider: string;
  /** Minimum tasks on this provider; 0–100,000, default 0; only one item may set it. */
  readonly base?: number;
  /** Relative share after the base; 0–1,000, API default 0; weight 0 receives no tasks. */
  readonly weight?: number;
}

/** Up to 20 providers per strategy (6 in the 2023 guide). */
export const MAX_STRATEGY_ITEMS = 20;

/** Throws InputError when the strategy is one the ECS API rejects. */
export function validateStrategy(items: readonly StrategyItem[], path = "capacityProviderStrategy"): void {
  if (items.length === 0)
    throw new InputError("a capacity provider strategy needs at least one provider", { path });
  if (items.length > MAX_STRATEGY_ITEMS) {
    throw new InputError(
      `a capacity provider strategy takes at most ${MAX_STRATEGY_ITEMS} providers, got ${items.length}`,
      { path },
    );
  }
  const seen = new Set<string>();
  let withBase = 0;
  let weightSum = 0;
  items.forEach((it, i) => {
    const at = `${path}[${i}]`;
    if (seen.has(it.capacityProvider))
      throw new InputError(`provider ${it.capacityProvider} appears twice`, { path: at });
    seen.add(it.capacityProvider);
    const base = it.base ?? 0;
    const weight = it.weight ?? 0;
    if (!Number.isInteger(base) || base < 0 || base > 100_000) {
      throw new InputError(`base must be an integer from 0 to 100,000, got ${base}`, { path: `${at}.base` });
    }
    if (!Number.isInteger(weight) || weight < 0 || weight > 1000) {
      throw new InputError(`weight must be an integer from 0 to 1,000, got ${weight}`, {
        path: `${at}.weight`,
      });
    }
    if (base > 0) withBase++;
    weightSum += weight;
  });
  if (withBase > 1)
    throw new InputError("only one capacity provider in a strategy can have a base", { path });
  // "When multiple capacity providers are specified within a capacity provider strategy, at least one of the
  // capacity providers must have a weight value greater than zero"; all-zero makes RunTask/CreateService fail.
  if (weightSum === 0 && items.length > 1) {
    throw new InputError("at least one capacity provider in the strategy must have a weight greater than 0", {
      path,
    });
  }
}

/**
 * How the weighted split is rounded task by task. AWS states the ratio (1:4 → one task on A for every four
 * on B) but not the order; "leastShareAfter" gives the next task to the provider whose share would be the
 * smallest after receiving it, (count + 1) / weight, ties to the earlier item. Base tasks count toward
 * their provider's share, which reproduces the FARGATE (base 1, weight 1) / FARGATE_SPOT (weight 3) totals
 * 1/0, 1/1, 1/3, 2/8, 3/9 observed in a public ECS workshop lab.
 */
export const STRATEGY_ROUNDING = "leastShareAfter" as const;

/**
 * Index of the provider that receives the next task, given the service's current task count per provider
 * (same order as `items`). The base is satisfied first; then weights decide; weight 0 never receives one.
 */
export function nextProvider(items: readonly StrategyItem[], counts: readonly number[]): number {
  for (let i = 0; i < items.length; i++) {
    if ((items[i].base ?? 0) > (counts[i] ?? 0)) return i;
  }
  let best = -1;
  let bestShare = Number.POSITIVE_INFINITY;
  for (let i = 0; i < items.length; i++) {
    const w = items[i].weight ?? 0;
    if (w <= 0) continue;
    const share = ((counts[i] ?? 0) + 1) / w;
    if (share < bestShare) {
      bestShare = share;
      best = i;
    }
  }
  // A single-provider strategy may leave its weight at 0 and still takes every task.
  if (best < 0) {
    if (items.length === 1) return 0;
    throw new InputError("capacity provider strategy has no provider with weight > 0");
  }
  return best;
}

/**
 * Index of the provider a scale-in takes a task from, or -1 when no provider has tasks. The mirror of
 * nextProvider: a provider outside the strategy's weights (weight 0 or not listed) loses tasks first, then
 * the most over-represented one, count / weight, ties to the later item; a provider at or below its base
 * gives up a task only when no other provider has one. AWS does not document scale-in across providers.
 */
export function providerToScaleIn(items: readonly StrategyItem[], counts: readonly number[]): number {
  let best = -1;
  let bestShare = Number.NEGATIVE_INFINITY;
  for (let pass = 0; pass < 2 && best < 0; pass++) {
    for (let i = 0; i < counts.length; i++) {
      const c = counts[i] ?? 0;
      if (c <= 0) continue;
      const base = items[i]?.base ?? 0;
      if (pass === 0 && c <= base) continue;
      const w = items[i]?.weight ?? 0;
      const share = w > 0 ? c / w : Number.POSITIVE_INFINITY;
      if (share >= bestShare) {
        bestShare = share;
        best = i;
      }
    }
  }
  return best;
}

/** Task counts per provider after placing `total` tasks one by one from zero. */
export function allocate(items: readonly StrategyItem[], total: number): number[] {
  const counts = items.map(() => 0);
  for (let t = 0; t < total; t++) counts[nextProvider(items, counts)]++;
  return counts;
}
