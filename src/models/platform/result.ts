import type { Meter } from "../billing/ledger.js";
import type { Decision } from "../decisions.js";
import type { TaskEventLog } from "../ecs/task-events.js";
import type { LatencyStats } from "../latency/recorder.js";
import type { MinuteSeries } from "../traffic/minute-series.js";
import type { ElasticityInputs } from "./capacity-steps.js";

/** What every platform's simulation produced, whatever its kind. */
interface PlatformResultBase {
  name: string;
  minutes: MinuteSeries;
  requests: { arrived: number; served: number; dropped: number; timedOut: number; inFlightAtEnd: number };
  latency: LatencyStats;
  capacity: { min: number; max: number; mean: number; taskHours: number; billedTaskHours: number };
  cost: {
    totalUsd: number;
    meters: Meter[];
    /** Commitment-eligible On-Demand usage per class ("fargate", "ec2:m6i.large"), USD per hour of the run. */
    usagePerHour?: Record<string, number[]>;
  };
  /** Savings Plans and Reserved Instances applied to this platform's usage (scenarios with `billing:` commitments). */
  commitments?: PlatformCommitments;
  scaling: { scaleOutEvents: number; scaleInEvents: number };
  utilisation: { cpuPercentOfPaid: number };
  decisions: Decision[];
  /** ECS task state changes (platforms that run ECS tasks), for `scalesim run --events`. */
  taskEvents?: Pick<TaskEventLog, "source" | "records">[];
  /** Caveats about the figures (fluid latency outside its validated region); absent when none. */
  warnings?: string[];
  /** Invariant checks that ran, with their outcome. */
  checks: { name: string; ok: boolean; detail: string }[];
  /** Cost of capacity reserved by the service's tasks vs. paid but idle (launch types that buy instances). */
  capacityCost?: { inUseUsd: number; idleUsd: number };
  /** Container instances (EC2 launch type). */
  instances?: InstanceStats;
  /** Platforms serving web traffic: supply and SLO demand for the SPEC elasticity metrics. */
  elasticity?: ElasticityInputs;
}

/**
 * Everything one platform's simulation produced, typed by its kind; reports are built from this alone. Each
 * kind's own figures (queue, jobs, App Runner billing, nodes) are copied into summary.json under `details`.
 */
export type PlatformResult =
  | (PlatformResultBase & { kind: "ecs-fargate" | "ecs-ec2"; details?: LauncherDetails })
  | (PlatformResultBase & { kind: "app-runner"; details: { appRunner: AppRunnerDetails } })
  | (PlatformResultBase & { kind: "eks"; details: EksDetails })
  | (PlatformResultBase & { kind: "sqs-worker"; details: { queue: QueueDetails } })
  | (PlatformResultBase & { kind: "eventbridge-tasks"; details: { jobs: JobDetails } });

export type PlatformKindName = PlatformResult["kind"];

/** A launch type's own figures (Fargate capacity providers). */
export type LauncherDetails = Record<string, unknown>;

/** App Runner: provisioned and active instance time. */
export interface AppRunnerDetails {
  provisionedInstanceHours: number;
  activeInstanceHours: number;
  activeShare: number;
  activations: number;
  instanceStartSeconds: number;
}

/** EKS: where pods ran and what the node providers did. */
export interface EksDetails {
  nodes: "fargate" | { max: number; mean: number; nodeHours: number };
  clusterAutoscaler?: { scaleUps: number; scaleDowns: number };
  karpenter?: { launches: number; consolidations: number; expirations: number; spotInterruptions: number };
  nodeGroups?: Record<string, { managed: boolean; launches: number; spotInterruptions: number }>;
  fargatePodSize?: { vcpu: number };
}

/** Queue workers: the SQS queue's messages, age and requests. */
export interface QueueDetails {
  messagesSent: number;
  messagesDeleted: number;
  deadLettered: number;
  redelivered: number;
  duplicateProcessing: number;
  processingFailures: number;
  visibleAtEnd: number;
  inFlightAtEnd: number;
  maxAgeOfOldestMessageSeconds: number;
  ageSlo: { seconds: number; minutesOver: number; attainment: number } | null;
  sqsRequests: {
    total: number;
    receive: number;
    emptyReceive: number;
    delete: number;
    send: number;
    receivePayloadChunks: number;
  };
  costPerMillionMessagesUsd: number;
}

/** Seconds statistics of a job time. */
export interface SecondsStats {
  mean: number;
  p50: number;
  p95: number;
  max: number;
}

/** EventBridge RunTask jobs: what ran, what was lost, retried or dropped, and how long jobs took. */
export interface JobDetails {
  launchType: "FARGATE" | "EC2";
  submitted: number;
  completed: number;
  lost: number;
  retries: number;
  dropped: number;
  deadLettered: number;
  waitingAtEnd: number;
  runningAtEnd: number;
  maxConcurrentTasks: number;
  completionSeconds: SecondsStats;
  waitForRunningSeconds: SecondsStats;
  costPerJobUsd: number;
}

export interface PlatformCommitments {
  /** On-Demand-equivalent cost of the usage commitments can cover. */
  onDemandEquivalentUsd: number;
  /** What that usage costs with the commitments (fees, commitments, the rest On-Demand). */
  withCommitmentsUsd: number;
  /** The platform's whole bill with the commitments applied. */
  totalUsd: number;
  coveragePercent: number;
  utilisationPercent: number;
  riUtilisationPercent: number;
  perHour: { onDemandEquivalentUsd: number[]; withCommitmentsUsd: number[] };
  /** The hourly Compute Savings Plan commitment that minimises the simulated bill, at the scenario's rates. */
  recommendation?: { commitmentPerHour: number; totalUsd: number };
}

/** What a launch type that runs on EC2 instances reports about them. */
export interface InstanceStats {
  min: number;
  max: number;
  mean: number;
  instanceHours: number;
  launches: number;
  spotInterruptions: number;
  /** Share of registered CPU / memory the service's tasks reserved, time-weighted over registered instances. */
  reservedCpuPercent: number;
  reservedMemoryPercent: number;
  /** Longest time a task waited in PROVISIONING for capacity, seconds. */
  maxProvisioningWaitSeconds: number;
  providers: Record<string, { min: number; max: number; scaleOutEvents: number; scaleInEvents: number }>;
}

/** Extra results a launcher may add to its platform's result. */
export interface LauncherReport {
  checks?: { name: string; ok: boolean; detail: string }[];
  capacityCost?: { inUseUsd: number; idleUsd: number };
  instances?: InstanceStats;
  /** vCPU-seconds paid for (instances); when absent, billed task-seconds × task vCPU. */
  paidVcpuSeconds?: number;
  /** Kind-specific figures for the summary's `details` (e.g. Fargate capacity providers). */
  details?: LauncherDetails;
}
