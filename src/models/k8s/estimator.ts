/**
 * The Cluster Autoscaler's estimator, behind the interface upstream gives it: how many nodes of a node
 * group's template the pending pods need. Mirrors kubernetes/autoscaler cluster-autoscaler/estimator/estimator.go:
 *
 *   type Estimator interface {
 *     Estimate([]PodEquivalenceGroup, *framework.NodeInfo, cloudprovider.NodeGroup) (int, []*apiv1.Pod)
 *   }
 *   const BinpackingEstimatorName = "binpacking"
 *   func NewEstimatorBuilder(name string, ...) (EstimatorBuilder, error)
 *
 * https://github.com/kubernetes/autoscaler/blob/master/cluster-autoscaler/estimator/estimator.go
 * Here the node group's part (how many nodes it may still add, `--max-nodes-per-scaleup`, the nodes already
 * in the snapshot) travels in the EstimationContext, as upstream's EstimationContext and limiter hold it.
 */
import {
  type EstimateOptions,
  type EstimateResult,
  estimateNodes,
  type NodeTemplate,
  type PodEquivalenceGroup,
} from "./binpacking-estimator.js";

/** Upstream EstimationContext and the limiter's node cap: what the estimate may use besides the template. */
export type EstimationContext = EstimateOptions;

/** Estimator: the number of nodes of the template needed for the pods, and how many pods they take. */
export interface Estimator {
  estimate(
    groups: readonly PodEquivalenceGroup[],
    template: NodeTemplate,
    context?: EstimationContext,
  ): EstimateResult;
}

/** BinpackingEstimatorName. */
export const BINPACKING_ESTIMATOR_NAME = "binpacking";

/** AvailableEstimators. */
export const AVAILABLE_ESTIMATORS: readonly string[] = [BINPACKING_ESTIMATOR_NAME];

/** BinpackingNodeEstimator (binpacking_estimator.go): first-fit over fresh template nodes (binpacking-estimator.ts). */
export class BinpackingNodeEstimator implements Estimator {
  readonly name = BINPACKING_ESTIMATOR_NAME;
  estimate(
    groups: readonly PodEquivalenceGroup[],
    template: NodeTemplate,
    context: EstimationContext = {},
  ): EstimateResult {
    return estimateNodes(groups, template, context);
  }
}

/** NewEstimatorBuilder: the estimator named by `--estimator` (only "binpacking" upstream). */
export function newEstimator(name: string = BINPACKING_ESTIMATOR_NAME): Estimator {
  if (name === BINPACKING_ESTIMATOR_NAME) return new BinpackingNodeEstimator();
  throw new Error(`unknown estimator: ${name}`);
}
