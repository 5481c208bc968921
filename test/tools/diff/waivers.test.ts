import { describe, expect, it } from 'vitest';
import { addedWaiverRisks } from '../../../tools/diff/waivers.ts';

const file = (...waivers: object[]) => `waivers:\n${waivers.map((w) => `  - ${JSON.stringify(w)}`).join('\n')}\n`;
const waiver = (env?: string) => ({
  rule: 'pod-security/read-only-root',
  object: { kind: 'Deployment', namespace: 'agent-platform-prod', name: 'grafana' },
  ...(env ? { env } : {}),
  reason: 'plugin cache needs a writable path until 11.2',
  owner: '@platform',
  expires: '2027-01-31',
});

describe('policy waivers in the review diff', () => {
  it('a waiver added for production is a weakened-production risk, with owner and expiry', () => {
    expect(addedWaiverRisks('waivers: []\n', file(waiver('prod')), new Set(['prod']))).toEqual([
      {
        severity: 'weakened',
        env: 'prod',
        subject: 'Deployment agent-platform-prod/grafana',
        message: 'policy waiver added for rule pod-security/read-only-root (owner @platform, until 2027-01-31): plugin cache needs a writable path until 11.2',
      },
    ]);
  });

  it('a waiver for every environment counts for production too', () => {
    expect(addedWaiverRisks(undefined, file(waiver()), new Set(['prod']))).toHaveLength(1);
  });

  it('a waiver already there, or one for dev only, is not reported', () => {
    expect(addedWaiverRisks(file(waiver('prod')), file(waiver('prod')), new Set(['prod']))).toEqual([]);
    expect(addedWaiverRisks('waivers: []\n', file(waiver('dev')), new Set(['prod']))).toEqual([]);
  });
});
