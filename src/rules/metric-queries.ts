/**
 * Rules of a metric-math query list (target tracking, step-scaling alarms, predictive scaling): unique Ids,
 * and exactly one query whose result is used, marked ReturnData true (ReturnData defaults to true, so a
 * single query may omit it). Pure; read by scenario validation.
 * https://docs.aws.amazon.com/autoscaling/application/APIReference/API_TargetTrackingMetricDataQuery.html
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_MetricDataQuery.html
 */

export interface QueryListIssue {
  /** Index of the query at fault, or -1 for the list as a whole. */
  readonly index: number;
  readonly message: string;
}

export function queryListIssues(
  queries: ReadonlyArray<{ Id: string; ReturnData?: boolean }>,
): QueryListIssue[] {
  const issues: QueryListIssue[] = [];
  const returning = queries.filter((q) => q.ReturnData !== false);
  if (queries.length > 1 && queries.filter((q) => q.ReturnData === true).length !== 1) {
    issues.push({ index: -1, message: "exactly one query must have ReturnData: true" });
  } else if (returning.length === 0) {
    issues.push({ index: -1, message: "one query must return data" });
  }
  const ids = new Set<string>();
  queries.forEach((q, i) => {
    if (ids.has(q.Id)) issues.push({ index: i, message: `duplicate Id "${q.Id}"` });
    ids.add(q.Id);
  });
  return issues;
}

/**
 * A metric data query is either an expression or a metric (every kind of query list has this rule).
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_MetricDataQuery.html
 */
export function expressionOrMetricStatIssue(q: { Expression?: string; MetricStat?: unknown }): string | null {
  return (q.Expression === undefined) === (q.MetricStat === undefined)
    ? "give exactly one of Expression or MetricStat"
    : null;
}
