import { at, showValue } from '../objects.ts';
import type { Rule } from '../types.ts';

export const rule: Rule = {
  id: 'cronjob-concurrency',
  category: 'reliability',
  description: 'CronJobs must set concurrencyPolicy to Forbid or Replace.',
  rationale: 'The default, Allow, starts a new run while the previous one is still going: two backups writing the same object, or a pile of stuck jobs when the database is slow.',
  severity: 'error',
  kinds: ['CronJob'],
  scope: 'object',
  check: (o) => {
    const v = at(o, 'spec', 'concurrencyPolicy');
    return v === 'Forbid' || v === 'Replace' ? [] : [{ path: 'spec.concurrencyPolicy', message: `concurrencyPolicy is ${showValue(v)}; expected Forbid or Replace` }];
  },
};
