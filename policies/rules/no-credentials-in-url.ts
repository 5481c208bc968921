import { arr, at, containerLabel, eachContainer, kindOf, rec, str, WORKLOAD_KINDS } from '../objects.ts';
import { hasCredentialInUrl } from '../secrets.ts';
import type { Rule, Violation } from '../types.ts';

export const rule: Rule = {
  id: 'no-credentials-in-url',
  category: 'security',
  description: 'URLs in environment variables and ConfigMaps must not carry user:password.',
  rationale: 'The guides build DATABASE_URL and REDIS_URL with the password inline; such a URL is a secret in a place nobody treats as one. Compose it from a secret (`$(DB_PASSWORD)`) or read it whole from a Secret.',
  severity: 'error',
  kinds: [...WORKLOAD_KINDS, 'ConfigMap'],
  scope: 'object',
  check: (o) => {
    if (kindOf(o) === 'ConfigMap') {
      return Object.entries(rec(o['data']) ?? {}).flatMap(([k, v]): Violation[] =>
        typeof v === 'string' && hasCredentialInUrl(v) ? [{ path: `data.${k}`, message: `ConfigMap key ${k} holds a URL with a password; expected the credential in a Secret` }] : [],
      );
    }
    return eachContainer(o, (c) =>
      arr(c.container['env']).flatMap((e, i): Violation[] => {
        const value = str(at(e, 'value'));
        return value !== undefined && hasCredentialInUrl(value)
          ? [{ path: `${c.path}.env[${i}].value`, message: `${containerLabel(c)} sets ${str(at(e, 'name')) ?? i} to a URL with a password; expected the credential from a Secret` }]
          : [];
      }),
    );
  },
};
