/** Settings that environments sharing one Argo CD or one cluster must give the same value. */
import type { Environment } from '../environments/schema/index.ts';

/** The one value every item agrees on, or an error naming who disagrees. */
export function agreed<T>(envs: readonly Environment[], what: string, get: (e: Environment) => T): T {
  const values = new Map<string, string[]>();
  for (const e of envs) {
    const key = JSON.stringify(get(e));
    values.set(key, [...(values.get(key) ?? []), e.name]);
  }
  if (values.size !== 1) {
    const detail = [...values].map(([v, names]) => `${names.join(', ')}: ${v}`).join('; ');
    throw new Error(`environments must agree on ${what} (${detail})`);
  }
  return get(envs[0]!);
}
