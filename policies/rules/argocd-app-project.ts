import { at, showValue } from '../objects.ts';
import type { Rule } from '../types.ts';

export const rule: Rule = {
  id: 'argocd-app-project',
  category: 'gitops',
  description: 'Argo CD Applications must belong to a project other than `default`.',
  rationale: 'The default AppProject allows any source repository, any destination cluster and namespace and every cluster-scoped kind; a dedicated project is where those limits are written down.',
  severity: 'error',
  kinds: ['Application'],
  scope: 'object',
  check: (o) => {
    const project = at(o, 'spec', 'project');
    return typeof project === 'string' && project !== '' && project !== 'default'
      ? []
      : [{ path: 'spec.project', message: `the Application is in project ${showValue(project)}; expected a dedicated AppProject` }];
  },
};
