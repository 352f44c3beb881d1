/**
 * Amazon SQS request prices (https://aws.amazon.com/sqs/pricing/, first 100 billion requests a month):
 * standard queues $0.40 and FIFO queues $0.50 per million requests in US East (N. Virginia), after a free
 * tier of 1 million requests a month that the simulator does not deduct. Only the regions whose prices are
 * pinned here are known; a scenario elsewhere gives `queue.pricePerMillionRequests`.
 */
export interface SqsRates {
  standard: number;
  fifo: number;
}

const RATES: Readonly<Record<string, SqsRates>> = {
  "us-east-1": { standard: 0.4, fifo: 0.5 },
};

/** Per-million-request prices of `region`, or a message naming the regions with known prices. */
export function sqsRates(region: string): SqsRates | string {
  return (
    RATES[region] ??
    `no SQS prices for region ${region} (known: ${Object.keys(RATES).join(", ")}); give queue.pricePerMillionRequests`
  );
}
