/** One line of `decisions.jsonl`: a scaling action (or a notable refusal) and why. */
export interface Decision {
  /** Simulated seconds since the start of the run. */
  t: number;
  platform: string;
  controller: string;
  action: string;
  from: number;
  to: number;
  reason: string;
  [input: string]: unknown;
}

export type DecisionSink = (d: Omit<Decision, "platform">) => void;
