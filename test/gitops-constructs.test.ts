import { Duration } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { AcmeClusterIssuer, ACME_SERVERS } from '../constructs/acme-cluster-issuer.ts';
import { ArgoAppProject } from '../constructs/argocd-app-project.ts';
import { ArgoApplication } from '../constructs/argocd-application.ts';
import { ArgoHelmAddOn } from '../constructs/argocd-helm-add-on.ts';
import { AwsClusterSecretStore } from '../constructs/aws-cluster-secret-store.ts';
import { CHARTS } from '../constructs/versions.ts';
import { only, testChart } from './support/charts.ts';

const directory = { repoURL: 'https://github.com/acme/infra.git', targetRevision: 'main', path: 'generated/dev' };
const destination = { server: 'https://kubernetes.default.svc', namespace: 'agent-platform-dev' };

describe('ArgoApplication', () => {
  it('syncs automatically with prune and self-heal when asked, with retries backing off', () => {
    const chart = testChart('argocd');
    new ArgoApplication(chart, 'app', { name: 'dev', namespace: 'argocd', project: 'p', source: directory, destination, sync: { automated: true } });
    const app = only(chart, 'Application');
    expect(app.metadata.namespace).toBe('argocd');
    expect(app.spec.source).toEqual(directory);
    expect(app.spec.syncPolicy.automated).toEqual({ prune: true, selfHeal: true });
    expect(app.spec.syncPolicy.retry).toEqual({ limit: 5, backoff: { duration: '10s', factor: 2, maxDuration: '5m' } });
    expect(app.spec.syncPolicy.syncOptions).toEqual(['CreateNamespace=false', 'PruneLast=true', 'ServerSideApply=true']);
  });

  it('leaves a manual Application without an automated block, so nothing syncs without a person', () => {
    const chart = testChart('argocd');
    new ArgoApplication(chart, 'app', { name: 'prod', namespace: 'argocd', project: 'p', source: directory, destination, sync: { automated: false } });
    expect(only(chart, 'Application').spec.syncPolicy.automated).toBeUndefined();
  });

  it('refuses a maximum backoff shorter than the first one', () => {
    const chart = testChart('argocd');
    expect(
      () =>
        new ArgoApplication(chart, 'app', {
          name: 'dev',
          namespace: 'argocd',
          project: 'p',
          source: directory,
          destination,
          sync: { automated: true, retry: { limit: 3, backoff: Duration.minutes(2), factor: 2, maxBackoff: Duration.seconds(30) } },
        }),
    ).toThrowError('ArgoApplication dev: retry.maxBackoff (30s) is shorter than retry.backoff (2m)');
  });
});

describe('ArgoHelmAddOn', () => {
  it('installs the pinned chart version into its own namespace', () => {
    const chart = testChart('argocd');
    new ArgoHelmAddOn(chart, 'cm', {
      name: 'cert-manager-prod',
      argoNamespace: 'argocd',
      project: 'add-ons',
      chart: CHARTS.certManager,
      server: 'https://prod.example.com',
      namespace: 'cert-manager',
      values: { crds: { enabled: true } },
      provides: ['cert-manager.io'],
      sync: { automated: false },
    });
    const app = only(chart, 'Application');
    expect(app.spec.source).toEqual({
      repoURL: CHARTS.certManager.repoURL,
      chart: 'cert-manager',
      targetRevision: CHARTS.certManager.version,
      helm: { releaseName: 'cert-manager', valuesObject: { crds: { enabled: true } } },
    });
    expect(app.spec.destination).toEqual({ server: 'https://prod.example.com', namespace: 'cert-manager' });
    expect(app.spec.syncPolicy.syncOptions).toContain('CreateNamespace=true');
  });

  it('refuses a chart version range', () => {
    const chart = testChart('argocd');
    expect(
      () =>
        new ArgoHelmAddOn(chart, 'x', {
          name: 'x',
          argoNamespace: 'argocd',
          project: 'p',
          chart: { ...CHARTS.certManager, version: '^1.16.0' },
          server: 'https://prod.example.com',
          namespace: 'x',
          provides: [],
          sync: { automated: false },
        }),
    ).toThrowError('ArgoHelmAddOn x: chart cert-manager version "^1.16.0" is not an exact version');
  });
});

describe('ArgoAppProject', () => {
  it('names its sources, destinations and kinds, sorted and without duplicates', () => {
    const chart = testChart('argocd');
    new ArgoAppProject(chart, 'p', {
      name: 'agent-platform',
      namespace: 'argocd',
      description: 'envs',
      sourceRepos: ['https://b.example/x.git', 'https://a.example/x.git', 'https://a.example/x.git'],
      destinations: [{ server: 'https://s', namespace: 'b' }, { server: 'https://s', namespace: 'a' }],
      clusterResources: [{ group: '', kind: 'Namespace' }],
      namespaceResources: [{ group: 'apps', kind: 'Deployment' }, { group: '', kind: 'ConfigMap' }, { group: 'apps', kind: 'Deployment' }],
    });
    const p = only(chart, 'AppProject');
    expect(p.spec.sourceRepos).toEqual(['https://a.example/x.git', 'https://b.example/x.git']);
    expect(p.spec.destinations.map((d: { namespace: string }) => d.namespace)).toEqual(['a', 'b']);
    expect(p.spec.namespaceResourceWhitelist).toEqual([{ group: '', kind: 'ConfigMap' }, { group: 'apps', kind: 'Deployment' }]);
    expect(p.spec.clusterResourceWhitelist).toEqual([{ group: '', kind: 'Namespace' }]);
  });

  it('refuses a wildcard destination', () => {
    const chart = testChart('argocd');
    expect(
      () => new ArgoAppProject(chart, 'p', { name: 'p', namespace: 'argocd', description: '', sourceRepos: ['https://a/x.git'], destinations: [{ server: 'https://s', namespace: '*' }] }),
    ).toThrowError('ArgoAppProject p: wildcard source or destination {"server":"https://s","namespace":"*"}');
  });

  it('refuses an empty list of sources', () => {
    const chart = testChart('argocd');
    expect(() => new ArgoAppProject(chart, 'p', { name: 'p', namespace: 'argocd', description: '', sourceRepos: [], destinations: [destination] })).toThrowError(
      'ArgoAppProject p: sourceRepos is empty',
    );
  });
});

describe('cluster add-on objects', () => {
  it('an ACME ClusterIssuer answers DNS-01 in Route 53 (no inbound path, issued before DNS moves)', () => {
    const chart = testChart();
    new AcmeClusterIssuer(chart, 'i', { name: 'letsencrypt-prod', server: 'production', email: 'ops@example.com', route53: { region: 'eu-central-1', hostedZoneID: 'Z123' } });
    const issuer = only(chart, 'ClusterIssuer');
    expect(issuer.spec.acme.server).toBe(ACME_SERVERS.production);
    expect(issuer.spec.acme.solvers).toEqual([{ dns01: { route53: { region: 'eu-central-1', hostedZoneID: 'Z123' } } }]);
  });

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
