import { describe, expect, it } from 'vitest';
import { apiGroupOf, isBuiltInGroup, parseApiVersion } from '../../kube/api-version.ts';

describe('parseApiVersion', () => {
  it('gives the core group of a v1 object as the empty string, not "v1"', () => {
    expect(parseApiVersion('v1')).toEqual({ group: '', version: 'v1' });
    expect(apiGroupOf('v1')).toBe('');
  });

  it('splits a named group at its last slash', () => {
    expect(parseApiVersion('apps/v1')).toEqual({ group: 'apps', version: 'v1' });
    expect(parseApiVersion('postgresql.cnpg.io/v1')).toEqual({ group: 'postgresql.cnpg.io', version: 'v1' });
    expect(apiGroupOf('gateway.networking.k8s.io/v1beta1')).toBe('gateway.networking.k8s.io');
  });

  it('reads anything that is not a string as the core group', () => {
    expect(apiGroupOf(undefined)).toBe('');
    expect(apiGroupOf(42)).toBe('');
  });
});

describe('isBuiltInGroup', () => {
  it('knows the groups Kubernetes serves', () => {
    for (const g of ['', 'apps', 'batch', 'autoscaling', 'policy', 'networking.k8s.io', 'rbac.authorization.k8s.io']) expect(isBuiltInGroup(g), g).toBe(true);
  });

  it('counts CRD groups as add-ons, the Gateway API under k8s.io included', () => {
    for (const g of ['gateway.networking.k8s.io', 'postgresql.cnpg.io', 'cert-manager.io', 'monitoring.coreos.com', 'v1']) expect(isBuiltInGroup(g), g).toBe(false);
  });
});
