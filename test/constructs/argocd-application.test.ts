import { Duration } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { ArgoApplication } from '../../constructs/argocd-application.ts';
import { only, testChart } from '../support/charts.ts';

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
