import { ApiObject, Testing } from 'cdk8s';
import type { IExternalSecret } from '@kubernetes-models/external-secrets/external-secrets.io/v1/ExternalSecret';
import type { ICluster } from '@kubernetes-models/cloudnative-pg/postgresql.cnpg.io/v1/Cluster';
import { describe, expect, it } from 'vitest';
import { CustomResource } from '../../constructs/custom-resource.ts';

describe('CustomResource', () => {
  it('renders exactly the body an untyped ApiObject rendered', () => {
    const chart = Testing.chart();
    const pg = new CustomResource<ICluster>(chart, 'pg', { apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster', metadata: { name: 'pg' }, spec: { storage: { size: '1Gi' }, instances: 3 } });
    const untyped = new ApiObject(Testing.chart(), 'pg', { apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster', metadata: { name: 'pg' }, spec: { storage: { size: '1Gi' }, instances: 3 } });
    expect(JSON.stringify(pg.toJson())).toBe(JSON.stringify(untyped.toJson()));
  });

  it('refuses a misspelt or mistyped field at compile time (npm run typecheck fails if these compile)', () => {
    const chart = Testing.chart();
    new CustomResource<ICluster>(chart, 'typo', {
      apiVersion: 'postgresql.cnpg.io/v1',
      kind: 'Cluster',
      metadata: { name: 'typo' },
      // @ts-expect-error `instancez` is not a field of a CloudNativePG Cluster's spec
      spec: { instancez: 3 },
    });
    new CustomResource<IExternalSecret>(chart, 'es', {
      apiVersion: 'external-secrets.io/v1',
      kind: 'ExternalSecret',
      metadata: { name: 'es' },
      // @ts-expect-error refreshInterval is a duration string, not a number
      spec: { refreshInterval: 3600 },
    });
    // @ts-expect-error the kind must be the model's
    new CustomResource<IExternalSecret>(chart, 'kind', { apiVersion: 'external-secrets.io/v1', kind: 'ExternalSecrets', metadata: { name: 'kind' } });
    // Rendered anyway (the casts are compile-time only): the schema check in stacks/validate.ts is the second net.
    expect(Testing.synth(chart)).toHaveLength(3);
  });
});
