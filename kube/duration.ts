/**
 * Durations written as whole units, the way Go (`time.ParseDuration`), Prometheus and Argo CD read
 * them in the configuration we generate: `15s`, `5m`, `1h30m`, `200h`, `7d` (Prometheus only).
 * Fractions and sub-second units are not accepted anywhere in our configuration, so they are not
 * parsed here.
 */

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
