import { rec } from '../objects.ts';
import type { Rule, Violation } from '../types.ts';

export const rule: Rule = {
  id: 'no-secret-data',
  category: 'security',
  description: 'Rendered Secret objects must not carry data; secrets come from the secret store (ExternalSecret).',
  rationale: 'Base64 is an encoding, not encryption: a Secret with data in a GitOps repository publishes the credential to everyone who can clone it, forever (the guides ship `k8s/secret.yaml` with placeholders that get filled in).',
  severity: 'error',
  kinds: ['Secret'],
  scope: 'object',
  check: (o, set) =>
    // Under pulumi delivery the values come from encrypted stack config into the cluster and never
    // touch git, which is what this rule protects; the YAML path never renders a Secret at all.
    set.env.delivery === 'pulumi'
      ? []
      : (['data', 'stringData'] as const).flatMap((field): Violation[] => {
      const keys = Object.keys(rec(o[field]) ?? {});
      return keys.length === 0 ? [] : [{ path: field, message: `the Secret carries ${field} (keys ${keys.join(', ')}); expected an ExternalSecret that fetches them from the secret store` }];
    }),
};
