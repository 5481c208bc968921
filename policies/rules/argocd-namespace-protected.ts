import { arr, at, str } from '../objects.ts';
import type { Rule, Violation } from '../types.ts';

/** Kinds a project may manage in Argo CD's own namespace: Argo CD's declarative objects, nothing else. */
const ARGO_KINDS: ReadonlySet<string> = new Set(['Application', 'AppProject', 'ApplicationSet']);

/** Argo CD destination namespaces are globs (`*`, `team-*`). */
function matchesGlob(pattern: string, value: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  return re.test(value);
}

export const rule: Rule = {
  id: 'argocd-namespace-protected',
  category: 'gitops',
  description: 'An AppProject whose destinations include Argo CD’s own namespace may allow only argoproj.io Applications, AppProjects and ApplicationSets there, named explicitly.',
  rationale: 'A project that can write any kind into Argo CD’s namespace lets one merge replace argocd-cm, argocd-rbac-cm, the repository and cluster Secrets and the projects themselves, taking over every cluster Argo CD manages.',
  severity: 'error',
  kinds: ['AppProject'],
  scope: 'object',
  check: (o) => {
    // An AppProject lives in Argo CD's namespace.
    const argoNs = str(at(o, 'metadata', 'namespace')) ?? 'argocd';
    const dest = arr(at(o, 'spec', 'destinations')).findIndex((d) => matchesGlob(str(at(d, 'namespace')) ?? '', argoNs));
    if (dest < 0) return [];
    const into = `destinations[${dest}] includes Argo CD's namespace ${argoNs}`;
    const list = at(o, 'spec', 'namespaceResourceWhitelist');
    // Argo CD reads an empty or missing whitelist as "every namespaced kind".
    if (arr(list).length === 0) return [{ path: 'spec.namespaceResourceWhitelist', message: `${into} and no whitelist restricts kinds (every namespaced kind is allowed); expected a project that names only argoproj.io Application and AppProject` }];
    const out: Violation[] = [];
    arr(list).forEach((k, i) => {
      const group = str(at(k, 'group')) ?? '';
      const kind = str(at(k, 'kind')) ?? '';
      if (group !== 'argoproj.io' || !ARGO_KINDS.has(kind)) {
        out.push({ path: `spec.namespaceResourceWhitelist[${i}]`, message: `${into} and the project allows ${JSON.stringify(`${group}/${kind}`)} there; expected only argoproj.io Application, AppProject or ApplicationSet (move other destinations to a project without ${argoNs})` });
      }
    });
    return out;
  },
};
