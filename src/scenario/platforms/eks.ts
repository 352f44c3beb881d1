import * as z from "zod";
import { EKS_MAX_PODS, familyAndSize, nodeAllocatable } from "../../data/eks.js";
import { instanceType, listInstanceTypes } from "../../data/ec2.js";
import { smallestFargateSizeCovering } from "../../data/fargate.js";
import { DistributionSpec, Duration } from "../fields.js";
import { parseK8sMemory, parseMilliCpu, type Parsed } from "../units.js";
import { loadBalancerSchema } from "./common.js";

/**
 * An EKS cluster running one Deployment behind an ALB (AWS Load Balancer Controller, target type ip),
 * scaled by a HorizontalPodAutoscaler, on managed or self-managed node groups with the Cluster Autoscaler,
 * on Karpenter, or on Fargate. Field names follow the Kubernetes and EKS APIs. docs/eks.md
 */

function quantity(parse: (v: unknown) => Parsed, description: string) {
  return z
    .union([z.string(), z.number()])
    .transform((v, ctx) => {
      const p = parse(v);
      if (!p.ok) {
        ctx.addIssue({ code: "custom", message: p.message });
        return z.NEVER;
      }
      return p.value;
    })
    .meta({ description });
}
/** Kubernetes CPU quantity → millicores. */
const Cpu = quantity(parseMilliCpu, 'Kubernetes CPU quantity: "500m", "1", "0.5".');
/** Kubernetes memory quantity → MiB. */
const Memory = quantity(parseK8sMemory, 'Kubernetes memory quantity: "512Mi", "1Gi".');

const Resources = z.strictObject({
  requests: z.strictObject({ cpu: Cpu, memory: Memory }),
  limits: z.strictObject({ cpu: Cpu.optional(), memory: Memory.optional() }).optional(),
});

/** Probe timing; defaults from the Pod API. https://kubernetes.io/docs/concepts/configuration/liveness-readiness-startup-probes/ */
const ReadinessProbe = z.strictObject({
  initialDelaySeconds: z.number().int().min(0).default(0),
  periodSeconds: z.number().int().min(1).default(10),
  successThreshold: z.number().int().min(1).default(1),
});

const Deployment = z.strictObject({
  replicas: z.number().int().min(0).default(1),
  resources: Resources,
  readinessProbe: ReadinessProbe.default({ initialDelaySeconds: 0, periodSeconds: 10, successThreshold: 1 }),
  // Pod default 30 s. https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#pod-termination
  terminationGracePeriodSeconds: z.number().int().min(0).default(30),
  imagePullTime: DistributionSpec.optional().meta({
    description: "Image pull on a node without the image; default: assumption eks.imagePullTime.",
  }),
});

// ---- HorizontalPodAutoscaler (autoscaling/v2) ----

const HpaPolicy = z.strictObject({
  type: z.enum(["Pods", "Percent"]),
  value: z.number().int().positive(),
  periodSeconds: z.number().int().min(1).max(1800),
});
const HpaRules = z.strictObject({
  stabilizationWindowSeconds: z.number().int().min(0).max(3600).optional(),
  selectPolicy: z.enum(["Max", "Min", "Disabled"]).optional(),
  policies: z.array(HpaPolicy).min(1).optional(),
  tolerance: z.number().min(0).optional(),
});

const UtilizationTarget = z.strictObject({
  type: z.literal("Utilization"),
  averageUtilization: z.number().int().positive(),
});
const ResourceMetric = z.strictObject({
  type: z.literal("Resource"),
  resource: z.strictObject({
    name: z.enum(["cpu", "memory"]),
    target: z.discriminatedUnion("type", [
      UtilizationTarget,
      z.strictObject({ type: z.literal("AverageValue"), averageValue: z.union([z.string(), z.number()]) }),
    ]),
  }),
});
/** The request-rate metric the simulated ALB (external) or application (per pod) exposes. */
const RATE_METRIC = z.enum(["requests_per_second"]);
const PodsMetric = z.strictObject({
  type: z.literal("Pods"),
  pods: z.strictObject({
    metric: z.strictObject({ name: RATE_METRIC }),
    target: z.strictObject({ type: z.literal("AverageValue"), averageValue: z.number().positive() }),
  }),
});
const ExternalMetric = z.strictObject({
  type: z.literal("External"),
  external: z.strictObject({
    metric: z.strictObject({ name: RATE_METRIC }),
    target: z.discriminatedUnion("type", [
      z.strictObject({ type: z.literal("Value"), value: z.number().positive() }),
      z.strictObject({ type: z.literal("AverageValue"), averageValue: z.number().positive() }),
    ]),
  }),
});
const HpaMetric = z.discriminatedUnion("type", [ResourceMetric, PodsMetric, ExternalMetric]);

const Hpa = z
  .strictObject({
    // spec.minReplicas defaults to 1. https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/horizontal-pod-autoscaler-v2/
    minReplicas: z.number().int().min(1).default(1),
    maxReplicas: z.number().int().min(1),
    metrics: z
      .array(HpaMetric)
      .min(1)
      .default([
        {
          type: "Resource",
          resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 80 } },
        },
      ]),
    behavior: z.strictObject({ scaleUp: HpaRules.optional(), scaleDown: HpaRules.optional() }).optional(),
    // kube-controller-manager flags. https://kubernetes.io/docs/reference/command-line-tools-reference/kube-controller-manager/
    syncPeriod: Duration.default(15_000),
    tolerance: z.number().min(0).default(0.1),
    cpuInitializationPeriod: Duration.default(300_000),
    initialReadinessDelay: Duration.default(30_000),
  })
  .superRefine((h, ctx) => {
    if (h.minReplicas > h.maxReplicas)
      ctx.addIssue({
        code: "custom",
        path: ["minReplicas"],
        message: `minReplicas ${h.minReplicas} exceeds maxReplicas ${h.maxReplicas}`,
      });
    h.metrics.forEach((m, i) => {
      if (m.type === "Resource" && m.resource.target.type === "AverageValue") {
        const p =
          m.resource.name === "cpu"
            ? parseMilliCpu(m.resource.target.averageValue)
            : parseK8sMemory(m.resource.target.averageValue);
        if (!p.ok)
          ctx.addIssue({
            code: "custom",
            path: ["metrics", i, "resource", "target", "averageValue"],
            message: p.message,
          });
      }
    });
  });

// ---- Nodes ----

const InstanceTypeName = z.string().superRefine((t, ctx) => {
  try {
    instanceType(t);
  } catch {
    ctx.addIssue({
      code: "custom",
      message: `unknown instance type "${t}"; pinned types: ${listInstanceTypes().join(", ")}`,
    });
  }
});

const Spot = z.strictObject({
  discount: z
    .number()
    .min(0)
    .lt(1)
    .optional()
    .meta({ description: "Spot price = On-Demand × (1 − discount); default: assumption ec2Spot.discount." }),
  interruptionFrequency: z.number().min(0).max(1).optional().meta({
    description:
      "Share of Spot instances interrupted per month; default: assumption ec2Spot.interruptionFrequency.",
  }),
});

const NodeGroup = z
  .strictObject({
    name: z.string().regex(/^[A-Za-z0-9_-]{1,63}$/, "node group names use letters, digits, '-' and '_'"),
    instanceTypes: z.array(InstanceTypeName).min(1),
    // Managed node groups: ON_DEMAND (default) or SPOT. https://docs.aws.amazon.com/eks/latest/APIReference/API_CreateNodegroup.html
    capacityType: z.enum(["ON_DEMAND", "SPOT"]).default("ON_DEMAND"),
    minSize: z.number().int().min(0),
    maxSize: z.number().int().min(1),
    desiredSize: z.number().int().min(0).optional(),
    // CreateNodegroup's diskSize default 20 GiB. Same source.
    diskSize: z.number().int().min(1).default(20),
    spot: Spot.optional(),
    pendingTime: DistributionSpec.optional().meta({
      description: "EC2 pending (not billed); default: assumption ec2.pendingTime.",
    }),
    joinTime: DistributionSpec.optional().meta({
      description:
        "Boot, kubelet registration and node Ready (billed); default: assumption eks.nodeJoinTime.",
    }),
  })
  .superRefine((g, ctx) => {
    if (g.minSize > g.maxSize)
      ctx.addIssue({
        code: "custom",
        path: ["minSize"],
        message: `minSize ${g.minSize} exceeds maxSize ${g.maxSize}`,
      });
    if (g.desiredSize !== undefined && (g.desiredSize < g.minSize || g.desiredSize > g.maxSize))
      ctx.addIssue({
        code: "custom",
        path: ["desiredSize"],
        message: `desiredSize ${g.desiredSize} must be within [${g.minSize}, ${g.maxSize}]`,
      });
  });

const EXPANDERS = ["random", "most-pods", "least-waste", "price", "priority"] as const;
/** Cluster Autoscaler flags, defaults from https://github.com/kubernetes/autoscaler/blob/master/cluster-autoscaler/FAQ.md */
const ClusterAutoscaler = z.strictObject({
  expander: z.union([z.enum(EXPANDERS), z.array(z.enum(EXPANDERS)).min(1)]).default("random"),
  priorities: z
    .record(z.string(), z.array(z.string()))
    .optional()
    .meta({ description: "priority expander ConfigMap: priority → node-group name regexps." }),
  scanInterval: Duration.default(10_000),
  scaleDownEnabled: z.boolean().default(true),
  scaleDownUtilizationThreshold: z.number().min(0).max(1).default(0.5),
  scaleDownUnneededTime: Duration.default(600_000),
  scaleDownDelayAfterAdd: Duration.default(600_000),
  scaleDownDelayAfterDelete: Duration.optional().meta({ description: "Default: scanInterval." }),
  maxEmptyBulkDelete: z.number().int().min(1).default(10),
  maxNodeProvisionTime: Duration.default(900_000),
  initialNodeGroupBackoffDuration: Duration.default(300_000).meta({
    description:
      "Back-off of a node group after a failed (timed-out) scale-up; doubles on each later failure.",
  }),
  maxNodeGroupBackoffDuration: Duration.default(1_800_000),
  nodeGroupBackoffResetTimeout: Duration.default(10_800_000),
  maxGracefulTerminationSec: z.number().int().min(0).default(600),
  maxNodesTotal: z.number().int().min(0).default(0).meta({ description: "0 = no limit." }),
  coresTotal: z
    .strictObject({ min: z.number().int().min(0).default(0), max: z.number().int().min(0) })
    .optional(),
  memoryTotal: z
    .strictObject({ min: z.number().int().min(0).default(0), max: z.number().int().min(0) })
    .optional()
    .meta({ description: "GiB, as --memory-total." }),
  maxNodesPerScaleUp: z.number().int().min(0).default(1000),
  balanceSimilarNodeGroups: z.boolean().default(false).meta({
    description:
      "--balance-similar-node-groups: split scale-ups evenly over groups with the same node shape.",
  }),
});

const Requirement = z.strictObject({
  key: z.enum([
    "karpenter.k8s.aws/instance-family",
    "karpenter.k8s.aws/instance-size",
    "node.kubernetes.io/instance-type",
    "karpenter.sh/capacity-type",
    "kubernetes.io/arch",
    "topology.kubernetes.io/zone",
    "karpenter.k8s.aws/instance-cpu",
  ]),
  operator: z.enum(["In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt"]),
  values: z.array(z.string()).default([]),
});

const Budget = z.strictObject({
  nodes: z.string().regex(/^(\d+|\d+%)$/, 'a node count ("5") or a percentage ("10%")'),
  reasons: z.array(z.enum(["Empty", "Underutilized", "Drifted"])).optional(),
});

/** Karpenter NodePool (karpenter.sh/v1); defaults from https://karpenter.sh/docs/concepts/disruption/ and settings. */
const NodePool = z.strictObject({
  requirements: z.array(Requirement).default([]),
  disruption: z
    .strictObject({
      consolidationPolicy: z
        .enum(["WhenEmpty", "WhenEmptyOrUnderutilized"])
        .default("WhenEmptyOrUnderutilized"),
      consolidateAfter: z.union([z.literal("Never"), Duration]).default(0),
      budgets: z
        .array(Budget)
        .min(1)
        .default([{ nodes: "10%" }]),
    })
    .default({
      consolidationPolicy: "WhenEmptyOrUnderutilized",
      consolidateAfter: 0,
      budgets: [{ nodes: "10%" }],
    }),
  expireAfter: z.union([z.literal("Never"), Duration]).default(720 * 3_600_000),
  limits: z.strictObject({ cpu: Cpu.optional(), memory: Memory.optional() }).optional(),
});

const Karpenter = z.strictObject({
  nodePool: NodePool,
  // Settings BATCH_IDLE_DURATION 1 s, BATCH_MAX_DURATION 10 s. https://karpenter.sh/docs/reference/settings/
  batchIdleDuration: Duration.default(1000),
  batchMaxDuration: Duration.default(10_000),
  // EC2NodeClass AL2023 default root volume 20 GiB gp3. https://karpenter.sh/docs/concepts/nodeclasses/
  rootVolumeGb: z.number().int().min(1).default(20),
  spot: Spot.optional(),
  pendingTime: DistributionSpec.optional(),
  joinTime: DistributionSpec.optional(),
});

const Nodes = z
  .strictObject({
    managedNodeGroups: z.array(NodeGroup).min(1).optional(),
    selfManagedNodeGroups: z.array(NodeGroup).min(1).optional(),
    clusterAutoscaler: ClusterAutoscaler.optional(),
    karpenter: Karpenter.optional(),
    fargateProfile: z.strictObject({ name: z.string().optional() }).optional(),
  })
  .superRefine((n, ctx) => {
    const groups = n.managedNodeGroups !== undefined || n.selfManagedNodeGroups !== undefined;
    const kinds = [groups, n.karpenter !== undefined, n.fargateProfile !== undefined].filter(Boolean).length;
    if (kinds !== 1)
      ctx.addIssue({
        code: "custom",
        message:
          "give exactly one of node groups (managedNodeGroups / selfManagedNodeGroups, optionally with clusterAutoscaler), karpenter, or fargateProfile",
      });
    if (n.clusterAutoscaler && !groups)
      ctx.addIssue({
        code: "custom",
        path: ["clusterAutoscaler"],
        message: "the Cluster Autoscaler scales node groups; add managedNodeGroups or selfManagedNodeGroups",
      });
    const seen = new Set<string>();
    for (const key of ["managedNodeGroups", "selfManagedNodeGroups"] as const) {
      n[key]?.forEach((g, i) => {
        if (seen.has(g.name))
          ctx.addIssue({
            code: "custom",
            path: [key, i, "name"],
            message: `node group ${g.name} appears twice`,
          });
        seen.add(g.name);
      });
    }
  });

export const EksPlatform = z
  .strictObject({
    kind: z.literal("eks"),
    // EKS control plane support tier, or an explicit price.
    controlPlane: z
      .strictObject({
        support: z.enum(["standard", "extended"]).default("standard"),
        pricePerHour: z.number().min(0).optional(),
      })
      .default({ support: "standard" }),
    deployment: Deployment,
    hpa: Hpa.optional(),
    // AWS Load Balancer Controller target-group defaults: interval 15 s, healthy threshold 2; the ELB
    // deregistration delay default 300 s. https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/ingress/annotations/#health-check
    loadBalancer: loadBalancerSchema({
      healthCheckInterval: 15_000,
      healthyThreshold: 2,
      deregistrationDelay: 300_000,
      algorithm: "round_robin",
      slowStart: 0,
    }),
    nodes: Nodes,
    // metrics-server --metric-resolution as in its upstream manifests (15 s).
    // https://github.com/kubernetes-sigs/metrics-server/blob/master/FAQ.md#how-often-metrics-are-scraped
    metricsResolution: Duration.default(15_000),
    scheduler: z
      .strictObject({
        scoringStrategy: z.enum(["LeastAllocated", "MostAllocated"]).default("LeastAllocated"),
      })
      .default({ scoringStrategy: "LeastAllocated" }),
    availabilityZones: z
      .array(z.string())
      .min(1)
      .optional()
      .meta({ description: "Default: <region>a, <region>b, <region>c." }),
  })
  .superRefine((p, ctx) => {
    const req = p.deployment.resources.requests;
    const lim = p.deployment.resources.limits;
    if (lim?.cpu !== undefined && lim.cpu < req.cpu)
      ctx.addIssue({
        code: "custom",
        path: ["deployment", "resources", "limits", "cpu"],
        message: "the CPU limit must not be below the request",
      });
    if (lim?.memory !== undefined && lim.memory < req.memory)
      ctx.addIssue({
        code: "custom",
        path: ["deployment", "resources", "limits", "memory"],
        message: "the memory limit must not be below the request",
      });
    if (req.cpu <= 0)
      ctx.addIssue({
        code: "custom",
        path: ["deployment", "resources", "requests", "cpu"],
        message: "the CPU request must be positive",
      });
    // A pod must fit some node type (or Fargate), else it stays Pending for ever.
    const fits = (type: string) => {
      const a = nodeAllocatable(type);
      return req.cpu <= a.cpuMilli && req.memory <= a.memoryMiB;
    };
    for (const key of ["managedNodeGroups", "selfManagedNodeGroups"] as const) {
      p.nodes[key]?.forEach((g, i) => {
        g.instanceTypes.forEach((t, j) => {
          if (EKS_MAX_PODS[t] !== undefined && !fits(t))
            ctx.addIssue({
              code: "custom",
              path: ["nodes", key, i, "instanceTypes", j],
              message: `a pod requesting ${req.cpu}m / ${req.memory} MiB does not fit ${t} (allocatable ${nodeAllocatable(t).cpuMilli}m / ${nodeAllocatable(t).memoryMiB} MiB)`,
            });
        });
      });
    }
    if (
      p.nodes.fargateProfile &&
      !smallestFargateSizeCovering(Math.ceil((req.cpu * 1024) / 1000), req.memory + 256)
    )
      ctx.addIssue({
        code: "custom",
        path: ["deployment", "resources", "requests"],
        message: "no Fargate size covers these requests plus 256 MiB (max 16 vCPU / 120 GB)",
      });
    const families = new Set(listInstanceTypes().map((t) => familyAndSize(t).family));
    p.nodes.karpenter?.nodePool.requirements.forEach((r, i) => {
      if (r.key === "karpenter.k8s.aws/instance-family" && r.operator === "In")
        r.values.forEach((v, j) => {
          if (!families.has(v))
            ctx.addIssue({
              code: "custom",
              path: ["nodes", "karpenter", "nodePool", "requirements", i, "values", j],
              message: `no pinned instance family "${v}"; pinned: ${[...families].sort().join(", ")}`,
            });
        });
      if (r.key === "karpenter.sh/capacity-type")
        r.values.forEach((v, j) => {
          if (v !== "on-demand" && v !== "spot")
            ctx.addIssue({
              code: "custom",
              path: ["nodes", "karpenter", "nodePool", "requirements", i, "values", j],
              message: `capacity type is "on-demand" or "spot", got "${v}"`,
            });
        });
    });
  });
export type EksPlatform = z.output<typeof EksPlatform>;
