import { describe, expect, it } from 'vitest';
import { ArgoHelmAddOn } from '../../constructs/argocd-helm-add-on.ts';
import { CHARTS } from '../../constructs/versions.ts';
import { only, testChart } from '../support/charts.ts';

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
