import { kindOf, nameOf, namespaceOf, WORKLOAD_KINDS } from '../objects.ts';
import { allowsEgress, egressPoliciesFor, missingDnsProtocols, policyNames } from '../network-policies.ts';
import { OPERATOR_POD_KINDS } from '../../kube/produced.ts';
import { DEFAULT_DNS } from '../check-environment.ts';
import type { Rule, Violation } from '../types.ts';

export const rule: Rule = {
  id: 'egress-reaches-dns',
  category: 'references',
  description: 'Every pod whose NetworkPolicies allow any egress, operator-run pods included, must be allowed UDP and TCP 53 to a peer outside its namespace that can be the cluster DNS.',
  rationale:
    'Pods reach Services, object storage and APIs by name: with egress restricted and DNS not allowed, every lookup times out, so a CloudNativePG replica never joins `<cluster>-rw`, WAL archiving cannot resolve S3, and the sync stalls with nothing in the objects saying why. TCP is needed for answers that do not fit a datagram.',
  severity: 'error',
  kinds: [...WORKLOAD_KINDS, ...OPERATOR_POD_KINDS],
  scope: 'set',
  // "Can be the cluster DNS": the environment's DNS pods (CheckEnvironment.dns) or a node-local
  // cache on a link-local address, never any namespace or 0.0.0.0/0 (policies/network-policies.ts).
  check: (o, set) => {
    const ns = namespaceOf(o) ?? '';
    // One finding per field: an operator's pods (instances, bootstrap Jobs) are reported together.
    const byPath = new Map<string, { who: string[]; open: Set<string>; missing: Set<string> }>();
    for (const pod of set.podsIn(ns)) {
      if (pod.owner !== o) continue;
      const policies = egressPoliciesFor(set, ns, pod.labels);
      const open = policies.filter(allowsEgress);
      if (open.length === 0) continue;
      const missing = missingDnsProtocols(policies, set.env.dns ?? DEFAULT_DNS);
      if (missing.length === 0) continue;
      const path = pod.template ? `${pod.template.path.replace(/\.spec$/, '')}.metadata.labels` : 'metadata.name';
      const entry = byPath.get(path) ?? { who: [], open: new Set<string>(), missing: new Set<string>() };
      entry.who.push(pod.template ? `the pods of ${kindOf(o)} ${nameOf(o)}` : (pod.role ?? `the pods ${kindOf(o)} ${nameOf(o)} runs`));
      for (const p of policyNames(open).split(', ')) entry.open.add(p);
      for (const m of missing) entry.missing.add(m);
      byPath.set(path, entry);
    }
    const out: Violation[] = [];
    for (const [path, e] of byPath) {
      out.push({
        path,
        message: `${e.who.join(', ')} may send traffic (NetworkPolicy ${[...e.open].join(', ')}) but no policy selecting them allows ${[...e.missing].join(' and ')} port 53 to the cluster DNS; expected an egress rule to the DNS pods (namespaceSelector + podSelector) on UDP and TCP 53`,
      });
    }
    return out;
  },
};
