/** The backup schedule in environment data: a CronJob `schedule`, read by the object model (kube/cron-schedule.ts). */
import { z } from 'zod';
import { cronLongestGapSeconds, parseCron } from '../../kube/cron-schedule.ts';

/** A schedule the CronJob accepts, that runs at least once (so backup freshness can be derived). */
export const cronSchedule = z
  .string()
  .regex(/^(@[a-z]+|\S+(\s+\S+){4})$/, 'a five-field cron schedule like "0 2 * * *" or a macro like "@daily"')
  .superRefine((text, ctx) => {
    const parsed = parseCron(text);
    if (typeof parsed === 'string') {
      ctx.addIssue({ code: 'custom', input: text, message: `a cron schedule Kubernetes accepts: ${parsed}` });
      return;
    }
    try {
      cronLongestGapSeconds(text);
    } catch {
      ctx.addIssue({ code: 'custom', input: text, message: 'a cron schedule that runs (this day of month never falls in the months given)' });
    }
  });
