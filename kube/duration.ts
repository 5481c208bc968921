/**
 * Durations written as whole units, the way Go (`time.ParseDuration`), Prometheus and Argo CD read
 * them in the configuration we generate: `15s`, `5m`, `1h30m`, `200h`, `7d` (Prometheus only).
 * Fractions and sub-second units are not accepted anywhere in our configuration, so they are not
 * parsed here. A duration also travels as a typed cdk8s `Duration` (environment data -> props); it
 * is written back to text here too, so no other module knows the units.
 */
import type { Duration } from 'cdk8s';

/** The text of a whole-unit duration, as Prometheus and the Prometheus Operator read it. */
export type PromDuration = `${number}${'s' | 'm' | 'h' | 'd'}`;

const UNIT_SECONDS: Readonly<Record<string, number>> = { d: 86400, h: 3600, m: 60, s: 1 };

/** Whole-unit durations, e.g. `10s`, `1h30m`; `d` is Prometheus's day. */
export const WHOLE_UNIT_DURATION = /^([0-9]+(d|h|m|s))+$/;

/** Seconds in a duration matching {@link WHOLE_UNIT_DURATION}; throws, quoting the text, on anything else. */
export function durationSeconds(text: string): number {
  if (!WHOLE_UNIT_DURATION.test(text)) throw new Error(`not a duration of whole units like "15s" or "1h30m": ${JSON.stringify(text)}`);
  let total = 0;
  for (const [, n, unit] of text.matchAll(/([0-9]+)(d|h|m|s)/g)) total += Number(n) * UNIT_SECONDS[unit!]!;
  return total;
}

/**
 * `Duration.hours(200)` -> `200h`: the largest whole unit, so the output reads like the input. Days
 * (Prometheus only) are written from one week up, where hours would read badly.
 */
export function promDuration(d: Duration): PromDuration {
  const s = d.toSeconds();
  if (!Number.isInteger(s) || s < 0) throw new Error(`promDuration: ${s} s is not a whole, non-negative number of seconds`);
  if (s === 0) return '0s';
  for (const unit of ['d', 'h', 'm'] as const) {
    const n = UNIT_SECONDS[unit]!;
    if (s % n === 0 && (unit !== 'd' || s >= 7 * n)) return `${s / n}${unit}`;
  }
  return `${s}s`;
}
