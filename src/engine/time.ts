/** Simulation time is an integer count of milliseconds since the run's start. */
export type TimeMs = number;

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** Seconds (possibly fractional) → whole milliseconds, rounding to the nearest millisecond. */
export function secondsToMs(s: number): TimeMs {
  return Math.round(s * SECOND);
}
