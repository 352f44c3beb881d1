/**
 * Behaviours that AWS does not document (or documents only loosely) and that scalesim therefore has to
 * choose. Each has a name, a default, a one-line statement and how we know what we know; a scenario can
 * override the value under `assumptions:` and every run lists the assumptions in force in its summary.
 */

export type AssumptionKind = "duration" | "number" | "integer" | "choice";

export interface AssumptionDef {
  readonly id: string;
  readonly kind: AssumptionKind;
  /** Default value: milliseconds for durations. */
  readonly default: number | string;
  readonly choices?: readonly string[];
  readonly statement: string;
  /** observed: seen in real deployments; inferred: deduced from documented statements; chosen: a modelling choice. */
  readonly basis: "observed" | "inferred" | "chosen";
  readonly source?: string;
}

export const ASSUMPTIONS: readonly AssumptionDef[] = [
  {
    id: "targetTracking.scaleOutDatapoints",
    kind: "integer",
    default: 3,
    statement:
      "target tracking's AlarmHigh fires when this many consecutive datapoints (of as many) exceed the target",
    basis: "observed",
    source:
      "https://github.com/aws-samples/amazon-ecs-fargate-workshop-dev-ops-data/blob/HEAD/site/content/ops/Lab3.md",
  },
  {
    id: "targetTracking.scaleInDatapoints",
    kind: "integer",
    default: 15,
    statement:
      "target tracking's AlarmLow fires when this many consecutive datapoints (of as many) are below the scale-in threshold",
    basis: "observed",
    source:
      "https://github.com/aws-samples/amazon-ecs-fargate-workshop-dev-ops-data/blob/HEAD/site/content/ops/Lab3.md",
  },
  {
    id: "targetTracking.scaleInThresholdFactor",
    kind: "number",
    default: 0.9,
    statement: "AlarmLow's threshold is this fraction of the target value",
    basis: "observed",
    source:
      "https://github.com/aws-samples/amazon-ecs-fargate-workshop-dev-ops-data/blob/HEAD/site/content/ops/Lab3.md",
  },
  {
    id: "targetTracking.capacityFormula",
    kind: "choice",
    default: "ceil",
    choices: ["ceil"],
    statement:
      "new capacity = ceil(running tasks × metric / target), clamped to min/max: never adds too little nor removes too much",
    basis: "inferred",
    source: "https://docs.aws.amazon.com/autoscaling/ec2/userguide/as-scaling-target-tracking.html",
  },
  // Application Auto Scaling (docs/application-auto-scaling.md); the constants named are in src/models/aas/.
  {
    id: "targetTracking.highResolutionScaleInDatapoints",
    kind: "integer",
    default: 45,
    statement:
      "with a HighResolution (20 s) metric, AlarmLow needs this many 20-s datapoints below the scale-in threshold (the 15-minute window of the standard alarm); AlarmHigh keeps targetTracking.scaleOutDatapoints at 20 s",
    basis: "chosen",
    source:
      "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/target-tracking-faster-auto-scaling.html",
  },
  {
    id: "cloudwatch.evaluationRangeExtraPeriods",
    kind: "integer",
    default: 2,
    statement:
      "a CloudWatch alarm retrieves EvaluationPeriods + this many most recent periods when data is missing (ALARM_EVALUATION_RANGE_EXTRA_PERIODS; the guide's examples use 5 for 3)",
    basis: "inferred",
    source: "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html",
  },
  {
    id: "metricMath.divideByZero",
    kind: "choice",
    default: "missing",
    choices: ["missing"],
    statement:
      "a metric-math datapoint that divides by zero (e.g. backlog / 0 running tasks) is missing, so policies never scale on it (DIVIDE_BY_ZERO_IS_MISSING)",
    basis: "chosen",
    source: "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/using-metric-math.html",
  },
  {
    id: "alb.targetRegistrationDelay",
    kind: "duration",
    default: 0,
    statement:
      "time from a task reaching RUNNING (a pod Ready) to its ALB target being registered and checked (target state initial, Elb.RegistrationInProgress); AWS gives no duration, so none is added beyond the wait for the next health check",
    basis: "chosen",
    source: "https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_TargetHealth.html",
  },
  {
    id: "alb.healthCheckSchedule",
    kind: "choice",
    default: "grid",
    choices: ["grid", "immediate"],
    statement:
      "when a new target's first health check is sent: grid = on the target group's checks, every HealthCheckIntervalSeconds counted from the start of the run (a wait of 0 to one interval); immediate = as registration completes. One passing check puts it in service",
    basis: "chosen",
    source:
      "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html",
  },
  {
    id: "scaling.cooldownScope",
    kind: "choice",
    default: "perPolicy",
    choices: ["perPolicy"],
    statement:
      "target-tracking policies of a target share one scale-out and one scale-in cooldown timer (length from the policy that acted); each step policy keeps its own Cooldown; any scale-out ends every running scale-in cooldown; scheduled and predictive actions neither wait for nor start cooldowns",
    basis: "chosen",
    source:
      "https://docs.aws.amazon.com/autoscaling/application/userguide/target-tracking-scaling-policy-overview.html",
  },
  {
    id: "stepScaling.aggregationWindow",
    kind: "choice",
    default: "evaluationPeriods",
    choices: ["evaluationPeriods"],
    statement:
      "a step policy applies MetricAggregationType to the alarm's EvaluationPeriods most recent datapoints (STEP_AGGREGATION_WINDOW)",
    basis: "chosen",
    source:
      "https://docs.aws.amazon.com/autoscaling/application/userguide/application-auto-scaling-step-scaling-policies.html",
  },
  {
    id: "stepScaling.thresholdTie",
    kind: "choice",
    default: "aboveFirst",
    choices: ["aboveFirst"],
    statement:
      "a metric exactly at the alarm threshold matches steps by the 'above' rule first, then by the 'below' rule (selectStepAdjustment)",
    basis: "chosen",
    source:
      "https://docs.aws.amazon.com/autoscaling/application/userguide/application-auto-scaling-step-scaling-policies.html",
  },
  {
    id: "stepScaling.cooldownBase",
    kind: "choice",
    default: "initiating",
    choices: ["initiating"],
    statement:
      "a larger step during a step policy's scale-out cooldown applies to the capacity the initiating scale-out started from, so only the difference is added (StepCooldownState.base)",
    basis: "chosen",
    source:
      "https://docs.aws.amazon.com/autoscaling/application/userguide/application-auto-scaling-step-scaling-policies.html",
  },
  {
    id: "schedule.rateAnchor",
    kind: "choice",
    default: "runStart",
    choices: ["runStart", "epoch"],
    statement:
      "a rate() schedule without StartTime fires every period after the run's start (runStart) or at multiples of the period since 1970-01-01 UTC (epoch) (RATE_ANCHOR)",
    basis: "chosen",
    source: "https://docs.aws.amazon.com/autoscaling/application/APIReference/API_PutScheduledAction.html",
  },
  {
    id: "schedule.startEndScope",
    kind: "choice",
    default: "recurringOnly",
    choices: ["recurringOnly"],
    statement:
      "StartTime and EndTime bound rate() and cron() schedules only; an at() action fires at its time, and an occurrence exactly at EndTime still fires (AT_IGNORES_START_AND_END, END_TIME_INCLUSIVE)",
    basis: "chosen",
    source:
      "https://docs.aws.amazon.com/autoscaling/application/userguide/scheduled-scaling-using-cron-expressions.html",
  },
  {
    id: "schedule.cronDstGap",
    kind: "choice",
    default: "skip",
    choices: ["skip", "shift"],
    statement:
      "a scheduled action's cron time that does not exist on the spring daylight-saving day does not run that day (skip), as EventBridge Scheduler documents for its schedules, or runs at the shifted wall time (shift); Application Auto Scaling says only that it adjusts for DST",
    basis: "inferred",
    source: "https://repost.aws/knowledge-center/eventbridge-scheduler-adjust-dst",
  },
  {
    id: "schedule.triggerDelay",
    kind: "duration",
    default: 0,
    statement: "delay between a scheduled action's time and its min/max change (AWS: 'a few seconds')",
    basis: "chosen",
    source:
      "https://docs.aws.amazon.com/autoscaling/application/userguide/application-auto-scaling-scheduled-scaling.html",
  },
  {
    id: "sqs.shortPollSampledShare",
    kind: "number",
    default: 0.8,
    statement:
      "a short poll (WaitTimeSeconds 0) of a queue holding fewer than 1,000 visible messages finds each of them with this probability (AWS samples a subset of its servers; its figure returns 4 of 5 messages)",
    basis: "inferred",
    source:
      "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-short-and-long-polling.html",
  },
  // EventBridge (docs/eventbridge-tasks.md): the RetryPolicy bounds are documented, the backoff is not.
  {
    id: "eventBridge.retryBaseDelay",
    kind: "duration",
    default: 1000,
    statement:
      "EventBridge waits this long before retrying a failed target call (RunTask without capacity), doubling the wait at each further retry up to eventBridge.retryMaxDelay, without jitter",
    basis: "chosen",
    source: "https://docs.aws.amazon.com/scheduler/latest/APIReference/API_RetryPolicy.html",
  },
  {
    id: "eventBridge.retryMaxDelay",
    kind: "duration",
    default: 480000,
    statement:
      "longest wait between two EventBridge retries; with the 1-s start, 185 retries (the default MaximumRetryAttempts) span about 24 hours (the default MaximumEventAgeInSeconds)",
    basis: "chosen",
    source: "https://docs.aws.amazon.com/scheduler/latest/APIReference/API_RetryPolicy.html",
  },
  {
    id: "predictive.halfLifeDays",
    kind: "number",
    default: 3,
    statement:
      "scalesim's forecast: an hour's load is the weighted mean of the same hour on each of the past (up to 14) days, weights halving every this many days back; forecasts refresh at 00, 06, 12, 18 UTC",
    basis: "chosen",
    source:
      "https://docs.aws.amazon.com/autoscaling/application/userguide/aas-predictive-scaling-how-it-works.html",
  },
  {
    id: "predictive.increasedMaxPersists",
    kind: "choice",
    default: "yes",
    choices: ["yes"],
    statement:
      "a maximum raised by IncreaseMaxCapacity stays raised (documented for EC2 Auto Scaling; assumed for Application Auto Scaling); predictive actions are not blocked by DynamicScaling*Suspended",
    basis: "inferred",
    source:
      "https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_PredictiveScalingConfiguration.html",
  },
  {
    id: "metrics.publishDelay",
    kind: "duration",
    default: 0,
    statement: "delay between the end of a one-minute CloudWatch period and its datapoint reaching the alarm",
    basis: "chosen",
  },
  {
    id: "scaling.activityDuration",
    kind: "duration",
    default: 0,
    statement:
      "an Application Auto Scaling activity on an ECS service completes (and its cooldown starts) this long after it begins",
    basis: "chosen",
    source:
      "https://docs.aws.amazon.com/autoscaling/application/userguide/target-tracking-scaling-policy-overview.html",
  },
  {
    id: "fargate.provisioningTime",
    kind: "duration",
    default: 5000,
    statement:
      "mean time a Fargate task spends in PROVISIONING (capacity and ENI attachment; not billed); drawn as lognormal with cv 0.3",
    basis: "chosen",
    source: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-lifecycle.html",
  },
  {
    id: "fargate.pendingTime",
    kind: "duration",
    default: 30000,
    statement:
      "mean time from image download start to RUNNING on Fargate (billed); drawn as lognormal with cv 0.3",
    basis: "chosen",
    source: "https://aws.amazon.com/fargate/pricing/",
  },
  {
    id: "ecs.stopDuration",
    kind: "duration",
    default: 2000,
    statement:
      "time from SIGTERM to the task stopping (the container exits promptly; stopTimeout 30 s is the upper bound)",
    basis: "chosen",
    source: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html",
  },
  {
    id: "ecs.scaleInSelection",
    kind: "choice",
    default: "newest",
    choices: ["newest", "oldest"],
    statement:
      "which Fargate task a service stops on scale-in once tasks not yet running are gone (AWS only documents AZ balance)",
    basis: "chosen",
    source: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-placement-strategies.html",
  },
  {
    id: "ec2.pendingTime",
    kind: "duration",
    default: 20000,
    statement:
      "mean time an EC2 instance launched by an Auto Scaling group spends in `pending` (not billed); lognormal with cv 0.3 unless the group sets pendingTime",
    basis: "chosen",
    source: "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ec2-instance-lifecycle.html",
  },
  {
    id: "ec2.registrationTime",
    kind: "duration",
    default: 60000,
    statement:
      "mean time from `running` (billed) until the ECS agent has registered the container instance; lognormal with cv 0.3 unless the group sets registrationTime",
    basis: "chosen",
    source: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/cluster-auto-scaling.html",
  },
  {
    id: "ecsEc2.taskStartTime",
    kind: "duration",
    default: 10000,
    statement:
      "mean time from placement on a container instance to RUNNING (image pull, container start; ENI attach in awsvpc); lognormal with cv 0.3",
    basis: "chosen",
    source: "https://docs.aws.amazon.com/AmazonECS/latest/bestpracticesguide/pull-behavior.html",
  },
  {
    id: "ecsEc2.registeredMemoryFraction",
    kind: "number",
    default: 0.9747,
    statement:
      "share of an instance type's memory the ECS agent registers (the documented m4.large registers 7,985 of 8,192 MiB), before ECS_RESERVED_MEMORY",
    basis: "inferred",
    source: "https://docs.aws.amazon.com/batch/latest/userguide/memory-management.html",
  },
  {
    id: "cas.scaleInFormula",
    kind: "choice",
    default: "hundredMinusEmpty",
    choices: ["hundredMinusEmpty", "ratio"],
    statement:
      "CapacityProviderReservation with no task waiting: 100 − empty instances (guide's scale-in section) or busy / N × 100 (workshop example); below targetCapacity 100 the ratio is used",
    basis: "inferred",
    source:
      "https://github.com/awsdocs/amazon-ecs-developer-guide/blob/021abe8ca185a054dea7bab21e631f9461e05bd6/doc_source/cluster-auto-scaling.md",
  },
  {
    id: "cas.scaleInMaxFraction",
    kind: "number",
    default: 0.5,
    statement:
      "an active cluster-auto-scaling scale-in removes at least one and at most this share of the group per minute ('greater than one instance and less than 50% each minute')",
    basis: "inferred",
    source:
      "https://github.com/awsdocs/amazon-ecs-developer-guide/blob/021abe8ca185a054dea7bab21e631f9461e05bd6/doc_source/cluster-auto-scaling.md",
  },
  {
    id: "cas.groupCombine",
    kind: "choice",
    default: "sum",
    choices: ["sum", "max"],
    statement:
      "instances needed by several groups of PROVISIONING tasks with different requirements are added up (sum) or the largest taken (max)",
    basis: "chosen",
    source: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/managed-scaling-behavior.html",
  },
  {
    id: "placement.tieBreak",
    kind: "choice",
    default: "random",
    choices: ["random", "first"],
    statement: "which of several container instances ranked equal by every placement strategy gets the task",
    basis: "chosen",
    source: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-placement-strategies.html",
  },
  {
    id: "ec2Spot.discount",
    kind: "number",
    default: 0.6,
    statement:
      "EC2 Spot price = On-Demand × (1 − discount) when a capacity provider gives no spot.discount or spot.priceSeries (AWS: 'up to 90%' off)",
    basis: "chosen",
    source: "https://aws.amazon.com/ec2/spot/pricing/",
  },
  {
    id: "ec2Spot.discountSource",
    kind: "choice",
    default: "snapshot",
    choices: ["snapshot", "flat"],
    statement:
      "where a capacity provider gives no spot.discount or spot.priceSeries: 'snapshot' prices Spot per instance type and region from the dated SkyPilot snapshot (mean over its availability zones; data/ec2-prices-skypilot.txt), falling back to ec2Spot.discount where the snapshot lacks the type; 'flat' applies ec2Spot.discount everywhere. Spot prices move over time; a snapshot is one moment",
    basis: "chosen",
    source:
      "https://github.com/skypilot-org/skypilot-catalog/blob/001367d22a0033fac286a8c71aeac7109e431bcb/catalogs/v7/aws/vms.csv",
  },
  {
    id: "ec2Spot.interruptionFrequency",
    kind: "number",
    default: 0.05,
    statement:
      "share of Spot instances interrupted per month (the Spot Instance Advisor's lowest bucket is '<5%'), as a constant hazard",
    basis: "observed",
    source: "https://aws.amazon.com/ec2/spot/instance-advisor/",
  },
  {
    id: "fargateSpot.discount",
    kind: "number",
    default: 0.7,
    statement: "Fargate Spot price = Fargate × (1 − discount) (AWS: 'up to a 70% discount')",
    basis: "chosen",
    source: "https://aws.amazon.com/fargate/pricing/",
  },
  {
    id: "fargateSpot.discountSource",
    kind: "choice",
    default: "snapshot",
    choices: ["snapshot", "flat"],
    statement:
      "where a platform gives no fargateSpot.discount or priceSeries: 'snapshot' prices Fargate Spot from the dated per-region Spot rates in data/fargate-prices.json, falling back to fargateSpot.discount where a region has none; 'flat' applies fargateSpot.discount everywhere",
    basis: "chosen",
    source:
      "https://github.com/theuves/fgcalc/blob/5049a5e21fd511bb80159d17190ef1c05414c95a/src/utils/data.js",
  },
  {
    id: "fargateSpot.interruptionFrequency",
    kind: "number",
    default: 0.05,
    statement: "share of Fargate Spot tasks interrupted per month of task time, as a constant hazard",
    basis: "chosen",
    source: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-capacity-providers.html",
  },
  // EKS (docs/eks.md).
  {
    id: "eks.nodeJoinTime",
    kind: "duration",
    default: 40000,
    statement:
      "mean time from EC2 `running` (billed) until the node has joined the EKS cluster and is Ready (boot, kubelet registration, VPC CNI); lognormal with cv 0.3 unless the node group or Karpenter sets joinTime",
    basis: "chosen",
    source: "https://docs.aws.amazon.com/eks/latest/userguide/launch-workers.html",
  },
  {
    id: "eks.imagePullTime",
    kind: "duration",
    default: 10000,
    statement:
      "mean image pull on a node that does not have the image yet (later pods on the node reuse it); lognormal with cv 0.3",
    basis: "chosen",
    source: "https://docs.aws.amazon.com/AmazonECS/latest/bestpracticesguide/pull-behavior.html",
  },
  {
    id: "eks.containerStartTime",
    kind: "duration",
    default: 2000,
    statement:
      "mean time from image present to containers started (the Kubernetes SLO is ≤ 5 s at p99 excluding image pull); lognormal with cv 0.3",
    basis: "chosen",
    source: "https://github.com/kubernetes/community/blob/master/sig-scalability/slos/pod_startup_latency.md",
  },
  {
    id: "eksFargate.provisioningTime",
    kind: "duration",
    default: 45000,
    statement:
      "mean time an EKS Fargate pod waits for its Fargate capacity to be provisioned and register as a node (not billed); lognormal with cv 0.3; image pull then follows fargate.pendingTime",
    basis: "chosen",
    source: "https://docs.aws.amazon.com/eks/latest/userguide/fargate-pod-configuration.html",
  },
  // Image pulls (docs/image-pulls.md): used only when the workload names an `image`.
  {
    id: "image.pullThroughput",
    kind: "number",
    default: 40,
    statement:
      "MiB per second at which a task downloads and unpacks its image layers (AWS publishes no figure)",
    basis: "chosen",
    source: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/pull-behavior.html",
  },
  {
    id: "image.layerOverhead",
    kind: "duration",
    default: 200,
    statement: "fixed time per image layer pulled (request and verification)",
    basis: "chosen",
  },
  {
    id: "image.manifestCheck",
    kind: "duration",
    default: 300,
    statement:
      "time to resolve the image manifest at the registry; all a pull costs when every layer is cached on the host",
    basis: "chosen",
  },
  {
    id: "container.startTime",
    kind: "duration",
    default: 2000,
    statement:
      "time from the end of the image pull to the container RUNNING (when the workload names an image)",
    basis: "chosen",
    source: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-lifecycle.html",
  },
  // App Runner (docs/app-runner.md): AWS documents the settings, not the timing of the scaler.
  {
    id: "appRunner.scalingInterval",
    kind: "duration",
    default: 60000,
    statement:
      "App Runner compares the mean concurrent requests per instance with MaxConcurrency once per this interval",
    basis: "chosen",
    source: "https://docs.aws.amazon.com/apprunner/latest/dg/manage-autoscaling.html",
  },
  {
    id: "appRunner.scaleInStabilization",
    kind: "duration",
    default: 300000,
    statement:
      "App Runner removes instances only after the concurrency has called for fewer during this whole window (highest need in the window wins)",
    basis: "chosen",
    source: "https://docs.aws.amazon.com/apprunner/latest/dg/manage-autoscaling.html",
  },
  {
    id: "appRunner.overflow",
    kind: "choice",
    default: "reject",
    choices: ["reject", "queue"],
    statement:
      "requests beyond MaxConcurrency × instances are answered 429 at once (reject), as users report while App Runner scales out, or wait in front of the instances until the workload's timeout (queue); the concurrency that drives scaling is the offered requests (429s included) times the time an admitted request spends on an instance, never the wait in front",
    basis: "observed",
    source: "https://github.com/aws/apprunner-roadmap/issues/224",
  },
  {
    id: "appRunner.instanceStartTime",
    kind: "duration",
    default: 20000,
    statement:
      "time for App Runner to provision a new instance before it takes requests (plus the image pull and container start when the workload names an image)",
    basis: "chosen",
  },
  {
    id: "appRunner.activeIdleTimeout",
    kind: "duration",
    default: 0,
    statement:
      "an App Runner instance stays active (billed for vCPU) this long after its last request completes, beyond the documented one-minute minimum",
    basis: "chosen",
    source: "https://aws.amazon.com/apprunner/pricing/",
  },
  // ALB billing (docs/billing.md): LCU dimensions need client behaviour AWS does not know either.
  {
    id: "alb.requestsPerConnection",
    kind: "number",
    default: 10,
    statement:
      "ALB billing: clients send this many requests per connection (HTTP keep-alive), so new connections per second = request rate / this",
    basis: "chosen",
    source: "https://aws.amazon.com/elasticloadbalancing/pricing/",
  },
  {
    id: "alb.connectionDuration",
    kind: "duration",
    default: 60000,
    statement:
      "ALB billing: a client connection stays open this long (the ALB's default idle timeout, 60 s), so active connections = new connections per second × this",
    basis: "chosen",
    source:
      "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html#connection-idle-timeout",
  },
  {
    id: "alb.bytesPerRequest",
    kind: "integer",
    default: 10000,
    statement:
      "ALB billing: bytes the ALB processes per request and its response (headers and bodies) when workload.bytesPerRequest is not given",
    basis: "chosen",
    source: "https://aws.amazon.com/elasticloadbalancing/pricing/",
  },
  // Servers behind the load balancer (docs/latency.md, "Overload").
  {
    id: "server.queueLimit",
    kind: "integer",
    default: 100,
    statement:
      "when workload.queueLimit is not set, a task holds at most this many requests waiting beyond its `concurrency`; more are refused and the ALB answers 502 (a TCP RST from the target), counted as dropped. 100 is the default of Apache Tomcat's acceptCount (Spring Boot server.tomcat.accept-count), the queue for connections when all request threads are busy; nginx and Node.js listen with a backlog of 511, and Linux caps every listen backlog at net.core.somaxconn (4096 since kernel 5.4, 128 before)",
    basis: "observed",
    source:
      "https://tomcat.apache.org/tomcat-10.1-doc/config/http.html ; https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-troubleshooting.html#http-502-issues",
  },
  {
    id: "alb.lorTieBreak",
    kind: "choice",
    default: "rotate",
    choices: ["rotate"],
    statement:
      "request mode, least_outstanding_requests: among targets with equally few requests in progress the scan starts one target further on each request (AWS does not document ties)",
    basis: "chosen",
    source:
      "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/edit-target-group-attributes.html#modify-routing-algorithm",
  },
  {
    id: "scaling.suspendedStateOmittedFlags",
    kind: "choice",
    default: "keep",
    choices: ["keep", "reset"],
    statement:
      "a RegisterScalableTarget call during the run that names only some SuspendedState flags leaves the others as they were (keep) or resumes them (reset)",
    basis: "inferred",
    source:
      "https://docs.aws.amazon.com/autoscaling/application/userguide/application-auto-scaling-suspend-resume-scaling.html",
  },
];

const BY_ID = new Map(ASSUMPTIONS.map((a) => [a.id, a]));

export function assumptionDef(id: string): AssumptionDef | undefined {
  return BY_ID.get(id);
}

export type AssumptionValues = Readonly<Record<string, number | string>>;

/** Defaults merged with a scenario's overrides. */
export function resolveAssumptions(overrides: Record<string, number | string> = {}): AssumptionValues {
  const out: Record<string, number | string> = {};
  for (const a of ASSUMPTIONS) out[a.id] = overrides[a.id] ?? a.default;
  return out;
}

export function num(values: AssumptionValues, id: string): number {
  const v = values[id];
  if (typeof v !== "number") throw new Error(`assumption ${id} is not numeric`);
  return v;
}

/** One line per assumption in force, for the summary's `assumptions` list. */
export function describeAssumptions(values: AssumptionValues, overridden: ReadonlySet<string>): string[] {
  return ASSUMPTIONS.map((a) => {
    const v = values[a.id];
    const shown = a.kind === "duration" && typeof v === "number" ? `${v / 1000}s` : String(v);
    const tag = overridden.has(a.id) ? "set by scenario" : `default, ${a.basis}`;
    return `${a.id} = ${shown} (${tag}): ${a.statement}${a.source ? ` [${a.source}]` : ""}`;
  });
}
