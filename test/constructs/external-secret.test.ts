import { describe, expect, it } from 'vitest';
import { ExternalSecret } from '../../constructs/external-secret.ts';
import { only, testChart } from '../support/charts.ts';

function make(extra: Partial<ConstructorParameters<typeof ExternalSecret>[2]> = {}) {
  const chart = testChart();
  const secret = new ExternalSecret(chart, 'es', {
    name: 'svc-secrets',
    component: 'secrets',
    store: { kind: 'ClusterSecretStore', name: 'aws' },
    remoteKey: 'agent-platform/dev/service',
    keys: ['OPENAI_API_KEY', 'SECRET_KEY'],
    ...extra,
  });
  return { chart, secret };
}

describe('ExternalSecret', () => {
  it('names only keys: every value comes from the store', () => {
    const { chart } = make();
    const es = only(chart, 'ExternalSecret');
    expect(es.apiVersion).toBe('external-secrets.io/v1');
    expect(es.spec.secretStoreRef).toEqual({ kind: 'ClusterSecretStore', name: 'aws' });
    expect(es.spec.target).toEqual({ name: 'svc-secrets', creationPolicy: 'Owner' });
    expect(es.spec.data).toEqual([
      { secretKey: 'OPENAI_API_KEY', remoteRef: { key: 'agent-platform/dev/service', property: 'OPENAI_API_KEY' } },
      { secretKey: 'SECRET_KEY', remoteRef: { key: 'agent-platform/dev/service', property: 'SECRET_KEY' } },
    ]);
    expect(JSON.stringify(es)).not.toMatch(/"value"/);
  });

  it('hands out environment variables that reference the produced Secret', () => {
    const { secret } = make();
    expect(secret.envVar('SECRET_KEY')).toEqual({ name: 'SECRET_KEY', valueFrom: { secretKeyRef: { name: 'svc-secrets', key: 'SECRET_KEY' } } });
  });

  it('refuses a reference to a key the Secret will not hold', () => {
    const { secret } = make();
    expect(() => secret.envVar('ANTHROPIC_API_KEY')).toThrowError(
      'ExternalSecret svc-secrets has no key "ANTHROPIC_API_KEY" (it has OPENAI_API_KEY, SECRET_KEY)',
    );
  });

  it('renders templated keys, and they can be referenced', () => {
    const { chart, secret } = make({ templates: { DATABASE_URL: 'postgresql://app:{{ .SECRET_KEY }}@db:5432/app' } });
    expect(only(chart, 'ExternalSecret').spec.target.template).toEqual({
      engineVersion: 'v2',
      mergePolicy: 'Merge',
      data: { DATABASE_URL: 'postgresql://app:{{ .SECRET_KEY }}@db:5432/app' },
    });
    expect(secret.envVar('DATABASE_URL').valueFrom?.secretKeyRef?.key).toBe('DATABASE_URL');
  });

  it('refuses a key listed twice', () => {
    expect(() => make({ keys: ['A', 'A'] })).toThrowError('ExternalSecret svc-secrets: key "A" listed twice');
  });
});
