import type { z } from "zod";
import type { AssumptionValues } from "../assumptions.js";
import type { Simulation } from "../engine/sim.js";
import type { TimeMs } from "../engine/time.js";
import type { MetricRegistry, MetricSource } from "../models/aas/metric-registry.js";
import type { PolicyRunner } from "../models/aas/policy-runner.js";
import type { ControllerOptions, ScalingController } from "../models/aas/scaling-controller.js";

/**
 * A scaling policy type (PutScalingPolicy `PolicyType`) as a plug-in: everything scalesim knows about one
 * type sits in its module under src/policies/, and src/policies/index.ts lists the modules. Adding a type is
 * its module (plus, for new behaviour, its runner under src/models/aas/) and one line of the registry.
 * https://docs.aws.amazon.com/autoscaling/application/APIReference/API_PutScalingPolicy.html
 */
export interface PolicyPlugin<T extends string = string, S extends z.ZodType = z.ZodType> {
  /** The `PolicyType` value. */
  readonly type: T;
  /** The policy in PutScalingPolicy's field names, with its checks (`PolicyName`, `PolicyType` and the configuration). */
  readonly schema: S;
  /** How the AWS spellings (CLI JSON, CloudFormation, Terraform) give this type's configuration. */
  readonly aws: PolicyImport;
  /** The part the policy plays in the run: a runner the controller arbitrates, or a controller beside it. */
  build(policy: z.output<S>, ctx: PolicyBuildContext): PolicyPart;
  /**
   * Policies of this type on one target must differ by this key (e.g. target tracking: one policy per
   * metric); `message` explains a clash.
   */
  readonly distinct?: { key(policy: z.output<S>): string; readonly message: string };
  /** Whether the policy reads the 20-second (HighResolution) service metrics, which then must be produced. */
  highResolution?(policy: z.output<S>): boolean;
}

/** A type's configuration in AWS's spellings, for `scalesim import` and `fromAws:`. */
export interface PolicyImport {
  /** The configuration field of PutScalingPolicy / DescribeScalingPolicies / CloudFormation. */
  readonly configuration: string;
  /** Terraform's block for it (aws_appautoscaling_policy), when Terraform can write this type. */
  readonly terraformBlock?: string;
  /** Terraform's `policy_type` when the resource leaves it out (one type says so). */
  readonly terraformDefault?: boolean;
  /** CloudFormation's properties to keep (numbers may come as strings), when the template can give this type. */
  readonly cloudFormation?: CloudFormationShape;
  /** The policy is invoked by a CloudWatch alarm that must be imported with it (PutMetricAlarm `AlarmActions`). */
  readonly invokedByAlarm?: boolean;
}

/** Properties of a CloudFormation object to keep, and which of them are numbers, booleans or lists of objects. */
export interface CloudFormationShape {
  readonly fields: readonly string[];
  readonly numbers?: readonly string[];
  readonly booleans?: readonly string[];
  /** Lists of objects, each read with its own shape; always written (empty when absent). */
  readonly lists?: Readonly<Record<string, CloudFormationShape>>;
}

/** What the wiring hands a policy type to build its part for one scalable target. */
export interface PolicyBuildContext {
  readonly sim: Simulation;
  readonly controller: ScalingController;
  readonly controllerOptions: ControllerOptions;
  readonly registry: MetricRegistry;
  /** Series of the predefined target-tracking metrics the platform produces. */
  readonly predefined: Partial<Record<string, MetricSource>>;
  readonly assumptions: AssumptionValues;
  /** Epoch ms of simulated time 0, and the run's length. */
  readonly startMs: number;
  readonly durationMs: TimeMs;
  /** Scenario path of the policy (`platforms.<name>.scalingPolicies[i]`), for errors. */
  readonly at: string;
  /** Run `f`; a metric it cannot resolve is bad input at `<at>.<field>`. */
  lookup<T>(field: string, f: () => T): T;
}

/** A dynamic policy evaluated and arbitrated by the controller, or a component beside it started with it. */
export type PolicyPart = { readonly runner: PolicyRunner } | { readonly beside: { start(): void } };
