import { reloadedSecretsOf, reloadsEverySecret, RELOADED_KINDS, rotatedSecrets, rotatedSecretsConsumed, SECRET_RELOAD, SECRET_RELOAD_ANNOTATION } from '../cluster.ts';
import type { K8sObject } from '../types.ts';
import type { RenderedSet } from '../rendered-set.ts';
import type { Rule, Violation } from '../types.ts';

/** Secrets an ExternalSecret of the set refreshes. */
function rotatedIn(set: RenderedSet): Set<string> {
  return rotatedSecrets(set.objects);
}

export const rule: Rule = {
  id: 'rotated-secret-reloads',
  category: 'reliability',
  description: 'A long-running workload consuming a Secret that an ExternalSecret refreshes must name it in `secret.reloader.stakater.com/reload`, on a cluster where Reloader is an add-on.',
  rationale: 'External Secrets rewrites the Secret after a rotation, but environment variables and files read at start keep the old value: new pods and old pods disagree, and the old password stops working when the database side changes. Restarting on change completes the rotation.',
  severity: 'error',
  kinds: RELOADED_KINDS,
  scope: 'set',
  check: (o: K8sObject, set) => {
    const consumed = rotatedSecretsConsumed(o, set.derived(rotatedIn));
    if (consumed.length === 0) return [];
    const out: Violation[] = [];
    const named = reloadedSecretsOf(o);
    const missing = reloadsEverySecret(o) ? [] : consumed.filter((s) => !named.has(s));
    if (missing.length > 0) {
      out.push({ path: `metadata.annotations.${SECRET_RELOAD_ANNOTATION}`, message: `consumes Secret(s) ${missing.join(', ')}, which External Secrets refreshes, without restarting on their change; expected ${SECRET_RELOAD_ANNOTATION}: "${consumed.join(',')}"` });
    }
    if (set.cluster && !set.cluster.has(SECRET_RELOAD)) {
      out.push({ path: 'metadata.annotations', message: `no add-on of the cluster provides ${SECRET_RELOAD.slice('reloads:'.length)} (Stakater Reloader), so nothing restarts the workload when Secret(s) ${consumed.join(', ')} rotate` });
    }
    return out;
  },
};
