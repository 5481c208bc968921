import { arr, at, str } from '../objects.ts';
import type { Rule, Violation } from '../types.ts';

export const rule: Rule = {
  id: 'argocd-project-scoped',
  category: 'gitops',
  description: 'Argo CD AppProjects must list their source repositories, destinations and cluster-scoped kinds instead of allowing `*`.',
  rationale: 'A project is the boundary of what its Applications may deploy and where; a wildcard repository, destination or cluster kind makes it the default project again, so one compromised Application can deploy anything anywhere.',
  severity: 'error',
  kinds: ['AppProject'],
  scope: 'object',
  check: (o) => {
    const out: Violation[] = [];
    arr(at(o, 'spec', 'sourceRepos')).forEach((r, i) => {
      if (r === '*') out.push({ path: `spec.sourceRepos[${i}]`, message: 'the project allows every source repository ("*"); expected the repository URLs it deploys from' });
    });
    arr(at(o, 'spec', 'destinations')).forEach((d, i) => {
      for (const f of ['namespace', 'server', 'name']) {
        if (str(at(d, f)) === '*') out.push({ path: `spec.destinations[${i}].${f}`, message: `destination ${i} allows every ${f === 'namespace' ? 'namespace' : 'cluster'} ("*"); expected an explicit ${f}` });
      }
    });
    arr(at(o, 'spec', 'clusterResourceWhitelist')).forEach((k, i) => {
      if (str(at(k, 'kind')) === '*') out.push({ path: `spec.clusterResourceWhitelist[${i}].kind`, message: `the project allows every cluster-scoped kind of group ${JSON.stringify(at(k, 'group') ?? '')}; expected the kinds it deploys` });
    });
    return out;
  },
};
