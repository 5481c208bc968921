import { at, kindOf } from '../objects.ts';
import type { Rule, Violation } from '../types.ts';

export const rule: Rule = {
  id: 'job-deadlines',
  category: 'reliability',
  description: 'Jobs must set activeDeadlineSeconds; CronJobs also startingDeadlineSeconds.',
  rationale: 'A hung backup otherwise runs forever and, with Forbid, blocks every later run; without a starting deadline a controller outage makes the CronJob skip or, past 100 misses, stop scheduling altogether.',
  severity: 'error',
  kinds: ['CronJob', 'Job'],
  scope: 'object',
  check: (o) => {
    const out: Violation[] = [];
    const job = kindOf(o) === 'CronJob' ? 'spec.jobTemplate.spec' : 'spec';
    if (kindOf(o) === 'CronJob' && typeof at(o, 'spec', 'startingDeadlineSeconds') !== 'number') {
      out.push({ path: 'spec.startingDeadlineSeconds', message: 'the CronJob has no startingDeadlineSeconds; expected a number of seconds' });
    }
    const deadline = kindOf(o) === 'CronJob' ? at(o, 'spec', 'jobTemplate', 'spec', 'activeDeadlineSeconds') : at(o, 'spec', 'activeDeadlineSeconds');
    if (typeof deadline !== 'number') out.push({ path: `${job}.activeDeadlineSeconds`, message: 'the job has no activeDeadlineSeconds; expected a number of seconds after which it is stopped' });
    return out;
  },
};
