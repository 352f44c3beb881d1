/**
 * CloudWatch metric alarm configuration: its fields and the PutMetricAlarm constraints a scenario can
 * violate. Pure; read by scenario validation and by the alarm model (src/models/aas/alarm.ts).
 *   https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html
 *   https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html
 */

export type AlarmState = "OK" | "ALARM" | "INSUFFICIENT_DATA";

export type ComparisonOperator =
  | "GreaterThanThreshold"
  | "GreaterThanOrEqualToThreshold"
  | "LessThanThreshold"
  | "LessThanOrEqualToThreshold";

export type TreatMissingData = "missing" | "ignore" | "breaching" | "notBreaching";

export interface AlarmConfig {
  /** Length of one datapoint's period (10, 30 or a multiple of 60 for CloudWatch alarms). */
  readonly periodSeconds: number;
  /** N of an "M out of N" alarm. */
  readonly evaluationPeriods: number;
  /** M of an "M out of N" alarm; CloudWatch defaults it to EvaluationPeriods. */
  readonly datapointsToAlarm?: number;
  readonly threshold: number;
  readonly comparisonOperator: ComparisonOperator;
  /** Defaults to "missing", as in PutMetricAlarm. */
  readonly treatMissingData?: TreatMissingData;
  /**
   * Number of most recent periods CloudWatch retrieves (the "evaluation range"). Defaults to
   * evaluationPeriods + ALARM_EVALUATION_RANGE_EXTRA_PERIODS.
   */
  readonly evaluationRange?: number;
}

export interface AlarmConfigIssue {
  readonly field: keyof AlarmConfig;
  readonly message: string;
}

/** Constraints of PutMetricAlarm that a scenario can violate.
 *  https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html */
export function validateAlarmConfig(cfg: AlarmConfig): AlarmConfigIssue[] {
  const issues: AlarmConfigIssue[] = [];
  if (!Number.isInteger(cfg.evaluationPeriods) || cfg.evaluationPeriods < 1) {
    issues.push({ field: "evaluationPeriods", message: "EvaluationPeriods must be an integer >= 1" });
  }
  const m = cfg.datapointsToAlarm;
  if (m !== undefined && (!Number.isInteger(m) || m < 1 || m > cfg.evaluationPeriods)) {
    issues.push({
      field: "datapointsToAlarm",
      message: `DatapointsToAlarm must be an integer between 1 and EvaluationPeriods (${cfg.evaluationPeriods})`,
    });
  }
  if (!(cfg.periodSeconds > 0))
    issues.push({ field: "periodSeconds", message: "Period must be > 0 seconds" });
  if (!Number.isFinite(cfg.threshold))
    issues.push({ field: "threshold", message: "Threshold must be a finite number" });
  const r = cfg.evaluationRange;
  if (r !== undefined && (!Number.isInteger(r) || r < cfg.evaluationPeriods)) {
    issues.push({
      field: "evaluationRange",
      message: "evaluationRange must be an integer >= EvaluationPeriods",
    });
  }
  return issues;
}

/**
 * The Period of a CloudWatch alarm: "Valid values are 10, 30, and any multiple of 60" (PutMetricAlarm
 * `Period`). Returns the message, or null when the period is valid.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html
 */
export function alarmPeriodIssue(periodSeconds: number): string | null {
  if (periodSeconds === 10 || periodSeconds === 30 || periodSeconds % 60 === 0) return null;
  return `Period must be 10, 30 or a multiple of 60 seconds, got ${periodSeconds}`;
}
