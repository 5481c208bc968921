import { arr, at, kindOf, namespaceOf, podTemplateOf, str, WORKLOAD_KINDS } from '../objects.ts';
import { nsLabel, podReferences } from '../pod-references.ts';
import type { Rule, Violation } from '../types.ts';

const PRODUCERS = 'a Secret, an ExternalSecret, a cert-manager Certificate or an operator resource (CloudNativePG, ECK)';

export const rule: Rule = {
  id: 'secrets-exist',
  category: 'references',
  description: `Every Secret a pod or an Ingress refers to, unless marked optional, must be produced in the same namespace by ${PRODUCERS}.`,
  rationale: 'Secrets are never rendered with data here, so a reference is only safe when something in the set will create it: otherwise the pod hangs in CreateContainerConfigError, or the Ingress serves the controller’s fake certificate.',
  severity: 'error',
  kinds: [...WORKLOAD_KINDS, 'Ingress'],
  scope: 'set',
  check: (o, set) => {
    const ns = namespaceOf(o) ?? '';
    if (kindOf(o) === 'Ingress') {
      return arr(at(o, 'spec', 'tls')).flatMap((tls, i): Violation[] => {
        const name = str(at(tls, 'secretName'));
        if (name === undefined || set.hasSecret(ns, name)) return [];
        return [{ path: `spec.tls[${i}].secretName`, message: `TLS Secret ${name} is produced by nothing in ${nsLabel(ns)}; expected a cert-manager Certificate for it or a cert-manager.io/cluster-issuer annotation` }];
      });
    }
    const t = podTemplateOf(o);
    if (!t) return [];
    return podReferences(t)
      .filter((r) => r.kind === 'Secret' && !r.optional && !set.hasSecret(ns, r.name))
      .map((r) => ({ path: r.path, message: `Secret ${r.name} is produced by nothing in ${nsLabel(ns)}; expected ${PRODUCERS} that creates it` }));
  },
};
