import { describe, expect, it } from 'vitest';
import { AwsClusterSecretStore } from '../../constructs/aws-cluster-secret-store.ts';
import { only, testChart } from '../support/charts.ts';

describe('AwsClusterSecretStore', () => {
  it('an AWS ClusterSecretStore authenticates with IRSA and serves only its environment', () => {
    const chart = testChart();
    new AwsClusterSecretStore(chart, 's', {
      name: 'agent-platform-prod',
      region: 'eu-central-1',
      roleArn: 'arn:aws:iam::123456789012:role/prod-secrets',
      operatorNamespace: 'external-secrets',
      allowedNamespaces: ['agent-platform-prod'],
    });
    const store = only(chart, 'ClusterSecretStore');
    expect(store.spec.provider.aws).toEqual({
      service: 'SecretsManager',
      region: 'eu-central-1',
      auth: { jwt: { serviceAccountRef: { name: 'agent-platform-prod-store', namespace: 'external-secrets' } } },
    });
    expect(store.spec.conditions).toEqual([{ namespaces: ['agent-platform-prod'] }]);
    const sa = only(chart, 'ServiceAccount');
    expect(sa.metadata.annotations).toEqual({ 'eks.amazonaws.com/role-arn': 'arn:aws:iam::123456789012:role/prod-secrets' });
    expect(sa.automountServiceAccountToken).toBe(false);
    expect(JSON.stringify(store)).not.toMatch(/accessKeyID|secretAccessKey/);
  });

  it('refuses a role that is not an IAM role ARN', () => {
    const chart = testChart();
    expect(
      () => new AwsClusterSecretStore(chart, 's', { name: 'x', region: 'eu-central-1', roleArn: 'prod-secrets', operatorNamespace: 'eso', allowedNamespaces: ['a'] }),
    ).toThrowError('AwsClusterSecretStore x: roleArn "prod-secrets" is not an IAM role ARN');
  });
});
