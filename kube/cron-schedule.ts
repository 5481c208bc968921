/**
 * Cron schedules as a Kubernetes CronJob reads them. The API server parses `spec.schedule` with
 * robfig/cron's standard parser (`cron.ParseStandard`, k8s.io/kubernetes
 * pkg/apis/batch/validation): five fields (minute 0-59, hour 0-23, day of month 1-31, month 1-12 or
 * JAN-DEC, day of week 0-6 or SUN-SAT), each `*`, `?`, a value, a range `a-b`, a step `/n` or a list
 * of those; or one of the macros the CronJob documentation lists (@yearly, @annually, @monthly,
 * @weekly, @daily, @midnight, @hourly). A `TZ=` prefix is refused: the time zone is its own field.
 * https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#schedule-syntax
 *
 * The one reader of a CronJob's `schedule` in the repository: the environment schema validates with
 * it and the backup construct derives its freshness alert from it.
 */
export const CRON_MACROS: Readonly<Record<string, string>> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

interface Field {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
}

const FIELDS: readonly Field[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] },
  { name: 'day of week', min: 0, max: 6, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] },
];

/** The values one field matches, and whether it is unrestricted (`*`/`?`, robfig's "star bit"). */
interface ParsedField {
  readonly values: ReadonlySet<number>;
  readonly star: boolean;
}

/** A parsed schedule: the values each of the five fields matches. */
export interface CronSchedule {
  readonly minute: ParsedField;
  readonly hour: ParsedField;
  readonly dayOfMonth: ParsedField;
  readonly month: ParsedField;
  readonly dayOfWeek: ParsedField;
}

function parseField(text: string, f: Field): ParsedField | string {
  const values = new Set<number>();
  let star = false;
  const value = (s: string): number | undefined => {
    if (/^[0-9]+$/.test(s)) return Number(s);
    const i = f.names?.indexOf(s.toUpperCase()) ?? -1;
    return i < 0 ? undefined : f.min + i;
  };
  for (const part of text.split(',')) {
    const m = /^([^/]+)(?:\/([0-9]+))?$/.exec(part);
    if (!m) return `${f.name} "${part}" is not a value, range or step`;
    const [, range, stepText] = m as unknown as [string, string, string | undefined];
    const step = stepText === undefined ? 1 : Number(stepText);
    if (step < 1) return `${f.name} step "/${stepText}" must be at least 1`;
    let start: number | undefined;
    let end: number | undefined;
    if (range === '*' || range === '?') {
      [start, end] = [f.min, f.max];
      if (step === 1) star = true;
    } else {
      const [a, b, ...rest] = range.split('-');
      start = value(a ?? '');
      end = b === undefined ? (stepText === undefined ? start : f.max) : value(b);
      if (rest.length > 0 || start === undefined || end === undefined) return `${f.name} "${part}" is not a number${f.names ? ` or a name (${f.names[0]}-${f.names.at(-1)})` : ''}`;
    }
    if (start < f.min || end > f.max) return `${f.name} "${part}" is outside ${f.min}-${f.max}`;
    if (start > end) return `${f.name} range "${part}" ends before it starts`;
    for (let v = start; v <= end; v += step) values.add(v);
  }
  return { values, star };
}

/** The parsed schedule, or the reason it is not one Kubernetes accepts. */
export function parseCron(schedule: string): CronSchedule | string {
  const text = schedule.trim();
  if (/^(CRON_)?TZ=/.test(text)) return 'a schedule without TZ= (set the time zone field instead)';
  if (text.startsWith('@')) {
    const expanded = CRON_MACROS[text];
    if (expanded === undefined) return `one of the macros ${Object.keys(CRON_MACROS).join(', ')}, not ${text}`;
    return parseCron(expanded);
  }
  const parts = text.split(/\s+/);
  if (parts.length !== 5) return `five fields (minute hour day-of-month month day-of-week) or a macro like @daily, not ${parts.length} field(s)`;
  const parsed: ParsedField[] = [];
  for (const [i, part] of parts.entries()) {
    const p = parseField(part, FIELDS[i]!);
    if (typeof p === 'string') return p;
    parsed.push(p);
  }
  const [minute, hour, dayOfMonth, month, dayOfWeek] = parsed as [ParsedField, ParsedField, ParsedField, ParsedField, ParsedField];
  return { minute, hour, dayOfMonth, month, dayOfWeek };
}

/** robfig's day rule: when either day field is `*`, both must match; otherwise either may. */
function dayMatches(s: CronSchedule, date: Date): boolean {
  const dom = s.dayOfMonth.values.has(date.getUTCDate());
  const dow = s.dayOfWeek.values.has(date.getUTCDay());
  return s.dayOfMonth.star || s.dayOfWeek.star ? dom && dow : dom || dow;
}

const DAY = 86_400_000;
/**
 * The Gregorian calendar repeats its weekdays and leap days every 28 years (between century
 * years), so every gap between two consecutive runs occurs within 28 years plus the longest gap
 * (at most 8 years, for 29 February on one weekday): 37 years from 2024 cover them all.
 */
const WINDOW_START = Date.UTC(2024, 0, 1);
const WINDOW_END = Date.UTC(2061, 0, 1);

/**
 * The longest time between two consecutive runs of `schedule`, in seconds (in its own time zone;
 * a daylight-saving change moves it by an hour at most). This bounds how old the newest backup may
 * be, for any schedule Kubernetes accepts. Throws when the schedule never runs (`0 0 30 2 *`).
 */
export function cronLongestGapSeconds(schedule: string): number {
  const s = parseCron(schedule);
  if (typeof s === 'string') throw new Error(`schedule ${JSON.stringify(schedule)}: expected ${s}`);
  const minutesOfDay = [...s.hour.values].sort((a, b) => a - b).flatMap((h) => [...s.minute.values].sort((a, b) => a - b).map((m) => h * 60 + m));
  if (minutesOfDay.length === 0) throw new Error(`schedule ${JSON.stringify(schedule)} never runs`);
  // Within a day the gaps are the same every day; across days only first and last run matter.
  let longest = 0;
  for (let i = 1; i < minutesOfDay.length; i++) longest = Math.max(longest, minutesOfDay[i]! - minutesOfDay[i - 1]!);
  const [firstOfDay, lastOfDay] = [minutesOfDay[0]!, minutesOfDay.at(-1)!];
  let last: number | undefined;
  let days = 0;
  for (let t = WINDOW_START; t < WINDOW_END; t += DAY) {
    const date = new Date(t);
    if (!s.month.values.has(date.getUTCMonth() + 1) || !dayMatches(s, date)) continue;
    const base = t / 60_000;
    if (last !== undefined) longest = Math.max(longest, base + firstOfDay - last);
    last = base + lastOfDay;
    days++;
  }
  if (last === undefined) throw new Error(`schedule ${JSON.stringify(schedule)} never runs`);
  // A schedule that ran only once in the window (29 February on one weekday, say) has no gap in it.
  return (days === 1 && minutesOfDay.length === 1 ? (WINDOW_END - WINDOW_START) / 60_000 : longest) * 60;
}
