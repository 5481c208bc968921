import { describe, expect, it } from 'vitest';
import { externalSecretKeys } from '../../kube/external-secret.ts';

describe('externalSecretKeys', () => {
  const es = {
    apiVersion: 'external-secrets.io/v1',
    kind: 'ExternalSecret',
    metadata: { name: 'es' },
    spec: {
      secretStoreRef: { kind: 'ClusterSecretStore', name: 'aws' },
      target: {
        name: 'app',
        template: {
          data: {
            // Every field of every action counts, a piped default included; a host's `.svc` outside braces does not.
            DATABASE_URL: 'postgresql://{{ .user }}:{{ .password | urlquery }}@pg.ns.svc:5432/{{ .db | default .fallback }}',
            PLAIN: 'no template here .user',
          },
        },
      },
      data: [
        { secretKey: 'user', remoteRef: { key: 'ns/db', property: 'USER' } },
        { secretKey: 'password', remoteRef: { key: 'ns/db', property: 'PASSWORD' } },
        { secretKey: 'fallback', remoteRef: { key: 'ns/db', property: 'NAME' } },
      ],
    },
  };

  it('names the target, what is fetched from where, and which fetched keys each template reads', () => {
    const keys = externalSecretKeys(es);
    expect(keys.target).toBe('app');
    expect(keys.fetched.get('password')).toEqual({ store: 'ClusterSecretStore/aws', key: 'ns/db', property: 'PASSWORD' });
    expect(keys.templated.get('DATABASE_URL')?.reads).toEqual(['user', 'password', 'fallback']);
    expect(keys.templated.get('PLAIN')?.reads).toEqual([]);
  });

  it('defaults the target to its own name and the store kind to SecretStore', () => {
    const keys = externalSecretKeys({ kind: 'ExternalSecret', metadata: { name: 'own' }, spec: { secretStoreRef: { name: 's' }, data: [{ secretKey: 'k', remoteRef: { key: 'r' } }] } });
    expect(keys.target).toBe('own');
    expect(keys.fetched.get('k')).toEqual({ store: 'SecretStore/s', key: 'r', property: '' });
  });
});
