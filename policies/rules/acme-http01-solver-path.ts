import { arr, at, namespaceOf, selects, str } from '../objects.ts';
import { nsLabel } from '../objects.ts';
import type { RenderedSet } from '../rendered-set.ts';
import type { Rule } from '../types.ts';

/** Label and port of the pods cert-manager runs to answer an HTTP-01 challenge. */
const SOLVER_LABELS = { 'acme.cert-manager.io/http01-solver': 'true' };
const SOLVER_PORT = 8089;

function deniesIngressByDefault(set: RenderedSet, ns: string): boolean {
  return set.ofKindIn('NetworkPolicy', ns).some((p) => Object.keys((at(p, 'spec', 'podSelector', 'matchLabels') ?? {}) as object).length === 0 && at(p, 'spec', 'podSelector', 'matchExpressions') === undefined && arr(at(p, 'spec', 'policyTypes')).includes('Ingress'));
}

function admitsSolver(set: RenderedSet, ns: string): boolean {
  return set.ofKindIn('NetworkPolicy', ns).some((p) => {
    const selector = at(p, 'spec', 'podSelector');
    if (Object.keys((at(selector, 'matchLabels') ?? {}) as object).length === 0 || !selects(selector, SOLVER_LABELS)) return false;
    return arr(at(p, 'spec', 'ingress')).some((r) => {
      const ports = arr(at(r, 'ports'));
      return ports.length === 0 || ports.some((x) => at(x, 'port') === SOLVER_PORT || at(x, 'port') === undefined);
    });
  });
}

export const rule: Rule = {
  id: 'acme-http01-solver-path',
  category: 'references',
  description: `A Certificate whose issuer answers ACME HTTP-01 in a namespace with a default-deny NetworkPolicy needs a NetworkPolicy admitting traffic to the solver pods (acme.cert-manager.io/http01-solver: "true") on ${SOLVER_PORT}.`,
  rationale: 'cert-manager runs the HTTP-01 solver pods in the Certificate’s namespace; if the default deny blocks the edge proxy from them, the challenge fails, the Certificate never becomes ready, and Argo CD holds every later sync wave behind it.',
  severity: 'error',
  kinds: ['Certificate'],
  scope: 'set',
  check: (o, set) => {
    const ns = namespaceOf(o) ?? '';
    const kind = str(at(o, 'spec', 'issuerRef', 'kind')) ?? 'Issuer';
    const name = str(at(o, 'spec', 'issuerRef', 'name')) ?? '';
    const issuer = set.get(kind, kind === 'ClusterIssuer' ? '' : ns, name);
    if (!issuer) return [];
    const http01 = arr(at(issuer, 'spec', 'acme', 'solvers')).some((s) => at(s, 'http01') !== undefined);
    if (!http01 || !deniesIngressByDefault(set, ns) || admitsSolver(set, ns)) return [];
    return [{ path: 'spec.issuerRef.name', message: `${kind} ${name} answers HTTP-01 through solver pods in ${nsLabel(ns)}, whose default deny blocks them; expected a NetworkPolicy selecting acme.cert-manager.io/http01-solver: "true" that admits the edge proxy on ${SOLVER_PORT}, or a DNS-01 solver` }];
  },
};
