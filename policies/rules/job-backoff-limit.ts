import { at, kindOf } from '../objects.ts';
import type { Rule } from '../types.ts';

export const rule: Rule = {
  id: 'job-backoff-limit',
  category: 'reliability',
  description: 'Jobs and CronJobs must set backoffLimit explicitly.',
  rationale: 'The default of 6 retries with exponential back-off can keep a failing backup retrying for hours; the number of retries is a decision about the job, so it is written down.',
  severity: 'error',
  kinds: ['CronJob', 'Job'],
  scope: 'object',
  check: (o) => {
    const cron = kindOf(o) === 'CronJob';
    const v = cron ? at(o, 'spec', 'jobTemplate', 'spec', 'backoffLimit') : at(o, 'spec', 'backoffLimit');
    return typeof v === 'number' ? [] : [{ path: `${cron ? 'spec.jobTemplate.spec' : 'spec'}.backoffLimit`, message: 'the job has no backoffLimit; expected an explicit number of retries' }];
  },
};
