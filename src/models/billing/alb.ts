import { InputError } from "../../errors.js";
import { MINUTE } from "../../engine/time.js";
import { ALB_PRICES } from "../../data/alb.js";
import type { CostLedger } from "./ledger.js";

export { ALB_PRICES };

/**
 * Application Load Balancer billing: a charge per ALB-hour (or partial hour) plus LCU-hours, where an hour's
 * LCUs are the highest of four dimensions. One LCU is 25 new connections per second, 3,000 active connections
 * per minute, 1 GB processed per hour (EC2, container and IP targets) or 1,000 rule evaluations per second;
 * rule evaluations are the rules processed beyond the first 10 (free) times the request rate.
 * https://aws.amazon.com/elasticloadbalancing/pricing/ (as transcribed in aws-semantics.md §12 [S92][S93])
 */
export const LCU = {
  newConnectionsPerSecond: 25,
  activeConnectionsPerMinute: 3000,
  processedGbPerHour: 1,
  ruleEvaluationsPerSecond: 1000,
  freeRules: 10,
} as const;

export interface AlbHourTraffic {
  newConnectionsPerSecond: number;
  activeConnectionsPerMinute: number;
  processedGb: number;
  requestsPerSecond: number;
  rulesProcessed: number;
}

export interface LcuBreakdown {
  newConnections: number;
  activeConnections: number;
  processedBytes: number;
  ruleEvaluations: number;
  /** The billed LCUs: the highest dimension. */
  lcus: number;
}

/** LCUs of one hour, per dimension and billed (the highest). */
export function albLcus(t: AlbHourTraffic): LcuBreakdown {
  const evaluations = Math.max(0, t.rulesProcessed - LCU.freeRules) * t.requestsPerSecond;
  const d = {
    newConnections: t.newConnectionsPerSecond / LCU.newConnectionsPerSecond,
    activeConnections: t.activeConnectionsPerMinute / LCU.activeConnectionsPerMinute,
    processedBytes: t.processedGb / LCU.processedGbPerHour,
    ruleEvaluations: evaluations / LCU.ruleEvaluationsPerSecond,
  };
  return { ...d, lcus: Math.max(d.newConnections, d.activeConnections, d.processedBytes, d.ruleEvaluations) };
}

export interface AlbBillingOptions {
  region: string;
  /** Explicit prices (billing.loadBalancer.pricing), else the pinned regional ones. */
  prices?: { hourUsd: number; lcuHourUsd: number };
  bytesPerRequest: number;
  rulesProcessed: number;
  requestsPerConnection: number;
  /** How long a client connection stays open, seconds (active connections = new per second × this). */
  connectionSeconds: number;
}

/** The ALB prices of a region, or an InputError naming the regions that have them. */
export function albPrices(region: string, given?: { hourUsd: number; lcuHourUsd: number }) {
  const p = given ?? ALB_PRICES[region];
  if (!p) {
    throw new InputError(
      `no pinned Application Load Balancer prices for ${region} (pinned: ${Object.keys(ALB_PRICES).sort().join(", ")}); set billing.loadBalancer.pricing: { hourUsd, lcuHourUsd } or billing.loadBalancer.include: false`,
      // The scenario's region is what has no price: the error points at it.
      { path: "region" },
    );
  }
  return p;
}

/**
 * Bill the ALB in front of a service from the requests that arrived each minute: every hour (or partial hour)
 * of the run is an ALB-hour and its LCUs an LCU-hour charge, spread over the hour's minutes in the run.
 * Client connections: `requestsPerConnection` requests each, open `connectionSeconds` (named assumptions).
 */
export function chargeAlb(ledger: CostLedger, arrivedPerMinute: Float64Array, o: AlbBillingOptions): void {
  const prices = albPrices(o.region, o.prices);
  const minutes = arrivedPerMinute.length;
  let lcuHours = 0;
  let lcuUsd = 0;
  let albHours = 0;
  for (let h0 = 0; h0 < minutes; h0 += 60) {
    const h1 = Math.min(minutes, h0 + 60);
    let requests = 0;
    for (let m = h0; m < h1; m++) requests += arrivedPerMinute[m];
    const seconds = (h1 - h0) * 60;
    const perSecond = requests / seconds;
    const newPerSecond = perSecond / o.requestsPerConnection;
    const { lcus } = albLcus({
      newConnectionsPerSecond: newPerSecond,
      activeConnectionsPerMinute: newPerSecond * o.connectionSeconds,
      processedGb: (requests * o.bytesPerRequest) / 1e9,
      requestsPerSecond: perSecond,
      rulesProcessed: o.rulesProcessed,
    });
    const usd = prices.hourUsd + lcus * prices.lcuHourUsd;
    ledger.addInterval(h0 * MINUTE, h1 * MINUTE, usd / (h1 * MINUTE - h0 * MINUTE));
    albHours += 1;
    lcuHours += lcus;
    lcuUsd += lcus * prices.lcuHourUsd;
  }
  ledger.addToMeter("alb.hours", "ALB-hours", albHours, albHours * prices.hourUsd);
  ledger.addToMeter("alb.lcu", "LCU-hours", lcuHours, lcuUsd);
}
