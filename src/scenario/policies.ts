/**
 * Scaling policies in Application Auto Scaling's own field names, as in PutScalingPolicy and
 * AWS::ApplicationAutoScaling::ScalingPolicy, so that a user can paste a real configuration. Each policy type
 * is a module of src/policies/ (its schema, AWS import, runner factory and part in arbitration).
 * https://docs.aws.amazon.com/autoscaling/application/APIReference/API_PutScalingPolicy.html
 */
export { checkScalingSetup, ScalingPolicy } from "../policies/index.js";
export type { PredictiveScalingPolicy } from "../policies/predictive.js";
export type { StepScalingPolicy } from "../policies/step-scaling.js";
export {
  PREDEFINED_ECS_METRICS,
  type PredefinedMetric,
  TargetTrackingPolicy,
} from "../policies/target-tracking.js";
