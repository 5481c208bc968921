import { describe, expect, it } from 'vitest';
import { ArgoAppProject } from '../../constructs/argocd-app-project.ts';
import { only, testChart } from '../support/charts.ts';

const destination = { server: 'https://kubernetes.default.svc', namespace: 'agent-platform-dev' };

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
