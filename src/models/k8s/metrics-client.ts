/**
 * Where the HPA reads its metrics, behind the interface upstream gives it. Mirrors kubernetes/kubernetes
 * pkg/controller/podautoscaler/metrics/interfaces.go:
 *
 *   type PodMetric struct { Timestamp time.Time; Window time.Duration; Value int64 }  // milli-value
 *   type PodMetricsInfo map[string]PodMetric
 *   type MetricsClient interface {
 *     GetResourceMetric(resource, namespace, selector, container) (PodMetricsInfo, time.Time, error)
 *     GetRawMetric(metricName, namespace, selector, metricSelector) (PodMetricsInfo, time.Time, error)
 *     GetObjectMetric(metricName, namespace, objectRef, metricSelector) (int64, time.Time, error)
 *     GetExternalMetric(metricName, namespace, selector) ([]int64, time.Time, error)
 *   }
 *
 * https://github.com/kubernetes/kubernetes/blob/master/pkg/controller/podautoscaler/metrics/interfaces.go
 * One Deployment is simulated, so namespace and selectors are implied; Object metrics are not simulated. The
 * implementation is metrics-server plus a custom/external metrics adapter (PodMetricsScraper, hpa-controller.ts).
 */
import type { PodMetricSample, ResourceName } from "./replica-calculator.js";

/** PodMetricsInfo: each pod's sample by pod name (resource metrics in millicores or bytes, others milli-units). */
export type PodMetricsInfo = Map<string, PodMetricSample>;

/** The custom and external metric the simulated workload exposes (requests per second). */
export type WorkloadMetricName = "requests_per_second";

/** GetExternalMetric's answer: the values (milli-units) and, for the decision log, the value as read. */
export interface ExternalMetricValues {
  readonly values: readonly number[];
  readonly value: number;
}

export interface MetricsClient {
  /** GetResourceMetric: the pods' usage of `resource` (cpu in millicores, memory in bytes). */
  getResourceMetric(resource: ResourceName): PodMetricsInfo;
  /** GetRawMetric: a Pods metric of every pod, in milli-units. */
  getRawMetric(metricName: WorkloadMetricName): PodMetricsInfo;
  /** GetExternalMetric: the external metric's values; null before the first sample (upstream: an error). */
  getExternalMetric(metricName: WorkloadMetricName): ExternalMetricValues | null;
}
