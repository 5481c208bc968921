import { arr, at, containerLabel, eachContainer, str, WORKLOAD_KINDS } from '../objects.ts';
import { isSecretName } from '../secrets.ts';
import type { Rule } from '../types.ts';

export const rule: Rule = {
  id: 'no-secret-env-literal',
  category: 'security',
  description: 'Secret-looking environment variables (…PASSWORD, …TOKEN, …API_KEY, SECRET…) must come from a Secret, not a literal value.',
  rationale: 'A literal lands in git, in `kubectl get -o yaml` output and in every log that prints the pod spec; a secretKeyRef keeps the value in the secret store (Checkov CKV_K8S_35, kube-linter env-var-secret).',
  severity: 'error',
  kinds: WORKLOAD_KINDS,
  scope: 'object',
  check: (o) =>
    eachContainer(o, (c) =>
      arr(c.container['env']).flatMap((e, i) => {
        const name = str(at(e, 'name')) ?? '';
        const value = at(e, 'value');
        if (!isSecretName(name) || typeof value !== 'string' || value === '') return [];
        return [{ path: `${c.path}.env[${i}].value`, message: `${containerLabel(c)} sets ${name} to a literal value; expected valueFrom.secretKeyRef` }];
      }),
    ),
};
