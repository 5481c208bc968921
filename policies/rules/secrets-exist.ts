import { arr, at, kindOf, namespaceOf, podTemplateOf, str, WORKLOAD_KINDS } from '../objects.ts';
import { nsLabel } from '../objects.ts';
import { podReferences } from '../../kube/pod-references.ts';
import type { Rule, Violation } from '../types.ts';

const PRODUCERS = 'a Secret, an ExternalSecret, a cert-manager Certificate or an operator resource (CloudNativePG, ECK)';

export const rule: Rule = {
  id: 'secrets-exist',
  category: 'references',
  description: `Every Secret a pod refers to, or a Gateway listener names as its certificate, unless marked optional, must be produced in the same namespace by ${PRODUCERS}.`,
  rationale: 'Secrets are never rendered with data here, so a reference is only safe when something in the set will create it: otherwise the pod hangs in CreateContainerConfigError, or the Gateway’s HTTPS listener is never programmed.',
  severity: 'error',
  kinds: [...WORKLOAD_KINDS, 'Gateway'],
  scope: 'set',
  check: (o, set) => {
    const ns = namespaceOf(o) ?? '';
    if (kindOf(o) === 'Gateway') {
      return arr(at(o, 'spec', 'listeners')).flatMap((l, i) =>
        arr(at(l, 'tls', 'certificateRefs')).flatMap((ref, j): Violation[] => {
          const name = str(at(ref, 'name'));
          if ((str(at(ref, 'kind')) ?? 'Secret') !== 'Secret' || name === undefined) return [];
          const refNs = str(at(ref, 'namespace')) ?? ns;
          if (set.hasSecret(refNs, name)) return [];
          return [{ path: `spec.listeners[${i}].tls.certificateRefs[${j}].name`, message: `TLS Secret ${name} is produced by nothing in ${nsLabel(refNs)}; expected a cert-manager Certificate for it or a cert-manager.io/cluster-issuer annotation on the Gateway` }];
        }),
      );
    }
    const t = podTemplateOf(o);
    if (!t) return [];
    return podReferences(t)
      .filter((r) => r.kind === 'Secret' && !r.optional && !set.hasSecret(ns, r.name))
      .map((r) => ({ path: r.path, message: `Secret ${r.name} is produced by nothing in ${nsLabel(ns)}; expected ${PRODUCERS} that creates it` }));
  },
};
