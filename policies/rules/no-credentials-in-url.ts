import { arr, at, containerLabel, eachContainer, kindOf, rec, str, WORKLOAD_KINDS } from '../objects.ts';
import { urlCredentialProblem } from '../../environments/schema/url-credentials.ts';
import { hasCredentialInUrl } from '../secrets.ts';

/**
 * Why a URL in `value` is itself a credential (a Slack or Teams webhook path, a `token=` query
 * parameter), by the same rules the environment schema refuses such URLs with; undefined if none.
 */
function secretBearingUrl(value: string): string | undefined {
  for (const [url] of value.matchAll(/\bhttps?:\/\/[^\s"'<>]+/gi)) {
    const problem = urlCredentialProblem(url);
    if (problem && !problem.includes('user-info') && !problem.includes('password')) return problem;
  }
  return undefined;
}
import type { Rule, Violation } from '../types.ts';

export const rule: Rule = {
  id: 'no-credentials-in-url',
  category: 'security',
  description: 'URLs in environment variables and ConfigMaps must not carry user:password, a secret query parameter or a secret webhook path.',
  rationale: 'The guides build DATABASE_URL and REDIS_URL with the password inline; such a URL is a secret in a place nobody treats as one. Compose it from a secret (`$(DB_PASSWORD)`) or read it whole from a Secret.',
  severity: 'error',
  kinds: [...WORKLOAD_KINDS, 'ConfigMap'],
  scope: 'object',
  check: (o) => {
    if (kindOf(o) === 'ConfigMap') {
      return Object.entries(rec(o['data']) ?? {}).flatMap(([k, v]): Violation[] => {
        if (typeof v !== 'string') return [];
        if (hasCredentialInUrl(v)) return [{ path: `data.${k}`, message: `ConfigMap key ${k} holds a URL with a password; expected the credential in a Secret` }];
        const secret = secretBearingUrl(v);
        return secret ? [{ path: `data.${k}`, message: `ConfigMap key ${k} holds a URL that is itself a credential; expected ${secret}` }] : [];
      });
    }
    return eachContainer(o, (c) =>
      arr(c.container['env']).flatMap((e, i): Violation[] => {
        const value = str(at(e, 'value'));
        if (value === undefined) return [];
        if (hasCredentialInUrl(value)) return [{ path: `${c.path}.env[${i}].value`, message: `${containerLabel(c)} sets ${str(at(e, 'name')) ?? i} to a URL with a password; expected the credential from a Secret` }];
        const secret = secretBearingUrl(value);
        return secret ? [{ path: `${c.path}.env[${i}].value`, message: `${containerLabel(c)} sets ${str(at(e, 'name')) ?? i} to a URL that is itself a credential; expected ${secret}` }] : [];
      }),
    );
  },
};
