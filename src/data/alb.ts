/**
 * Application Load Balancer prices per region, USD. us-east-1: $0.0225 per ALB-hour, $0.008 per LCU-hour
 * (https://aws.amazon.com/elasticloadbalancing/pricing/). No dated, machine-generated table for other regions
 * was found; they take `billing.loadBalancer.pricing`.
 */
export const ALB_PRICES: Readonly<Record<string, { hourUsd: number; lcuHourUsd: number }>> = {
  "us-east-1": { hourUsd: 0.0225, lcuHourUsd: 0.008 },
};
