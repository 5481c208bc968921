/**
 * IANA time zone names as a CronJob's `spec.timeZone` takes them (the API server loads them with
 * Go's `time.LoadLocation`, so names are case-sensitive and aliases like `Etc/UTC` are valid).
 * The canonical names come from Node's ICU (`Intl.supportedValuesOf('timeZone')`, which lists
 * `UTC` but none of the `Etc/...` aliases); the `Etc/` names are added here, and other IANA
 * aliases (`America/Argentina/Buenos_Aires`) are accepted when ICU resolves them and they are
 * spelled in IANA's case (ICU itself ignores case, Go does not).
 */
import { z } from 'zod';

const ETC = ['UTC', 'UCT', 'Universal', 'Zulu', 'GMT', 'GMT0', 'GMT+0', 'GMT-0', 'Greenwich'];
for (let h = 1; h <= 14; h++) ETC.push(`GMT-${h}`);
for (let h = 1; h <= 12; h++) ETC.push(`GMT+${h}`);

let zones: ReadonlySet<string> | undefined;

/** Every name {@link timeZone} accepts. */
export function timeZoneNames(): ReadonlySet<string> {
  zones ??= new Set([...Intl.supportedValuesOf('timeZone'), ...ETC.map((n) => `Etc/${n}`)]);
  return zones;
}

const IANA_SPELLING = /^[A-Z][A-Za-z0-9_+-]*(\/[A-Z][A-Za-z0-9_+-]*)*$/;

/** Whether `name` is a time zone a CronJob accepts. */
export function isTimeZone(name: string): boolean {
  if (timeZoneNames().has(name)) return true;
  if (!IANA_SPELLING.test(name)) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

export const timeZone = z
  .string()
  .refine(isTimeZone, 'an IANA time zone like "Europe/Berlin" or "Etc/UTC" (names are case-sensitive)');
