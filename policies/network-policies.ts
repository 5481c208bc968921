/**
 * What the NetworkPolicies of a namespace allow a pod to send, as far as the egress rules say:
 * which policies select it, whether any of them lets anything out, and whether the lookups every
 * outgoing connection starts with (cluster DNS, UDP and TCP 53) are among what they allow.
 */
import { arr, at, selects, str } from './objects.ts';
import type { DnsPeer } from './check-environment.ts';
import type { RenderedSet } from './rendered-set.ts';
import type { K8sObject } from './types.ts';

/** Policies in `namespace` whose podSelector matches `labels` and that restrict egress. */
export function egressPoliciesFor(set: RenderedSet, namespace: string, labels: Record<string, string>): K8sObject[] {
  return set.ofKindIn('NetworkPolicy', namespace).filter((p) => selects(at(p, 'spec', 'podSelector'), labels) && restrictsEgress(p));
}

/** `policyTypes` lists Egress, or is unset and the policy has egress rules (the API server's default). */
function restrictsEgress(p: K8sObject): boolean {
  const types = at(p, 'spec', 'policyTypes');
  return Array.isArray(types) ? types.includes('Egress') : arr(at(p, 'spec', 'egress')).length > 0;
}

/** Whether a policy allows any egress at all (a rule with no peers or no ports allows more, not less). */
export function allowsEgress(p: K8sObject): boolean {
  return arr(at(p, 'spec', 'egress')).length > 0;
}

/**
 * Whether a rule's peers include the cluster DNS: a namespaceSelector matching the DNS namespace
 * together with a podSelector (if any) matching the DNS pods, an ipBlock inside the link-local
 * range where a node-local cache listens (NodeLocal DNSCache's default is 169.254.20.10,
 * https://kubernetes.io/docs/tasks/administer-cluster/nodelocaldns/), or no peer at all. A
 * podSelector alone stays in the pod's own namespace, and an ipBlock such as 0.0.0.0/0 is the
 * internet: CNIs apply ipBlocks to traffic leaving the cluster, not to the DNS Service's pods.
 */
function reachesDns(rule: unknown, dns: DnsPeer): boolean {
  const to = at(rule, 'to');
  if (to === undefined || arr(to).length === 0) return true;
  return arr(to).some((peer) => {
    const cidr = str(at(peer, 'ipBlock', 'cidr'));
    if (cidr !== undefined) return isLinkLocal(cidr);
    const namespaces = at(peer, 'namespaceSelector');
    if (namespaces === undefined) return false;
    const pods = at(peer, 'podSelector');
    return selects(namespaces, { 'kubernetes.io/metadata.name': dns.namespace }) && (pods === undefined || selects(pods, { ...dns.podLabels }));
  });
}

/** A CIDR inside 169.254.0.0/16 or fe80::/10. */
function isLinkLocal(cidr: string): boolean {
  const [address = '', bits = ''] = cidr.split('/');
  const prefix = Number(bits);
  if (/^169\.254\.[0-9]+\.[0-9]+$/.test(address)) return prefix >= 16;
  return /^fe[89ab][0-9a-f]:/i.test(address) && prefix >= 10;
}

/** Whether a rule's ports include 53 over `protocol` (no ports, or a range over 53, count). */
function allowsPort53(rule: unknown, protocol: 'UDP' | 'TCP'): boolean {
  const ports = at(rule, 'ports');
  if (ports === undefined || arr(ports).length === 0) return true;
  return arr(ports).some((p) => {
    if ((str(at(p, 'protocol')) ?? 'TCP') !== protocol) return false;
    const port = at(p, 'port');
    if (port === undefined) return true;
    if (typeof port !== 'number') return port === 'dns' || port === 'dns-tcp' || port === 'domain';
    const end = at(p, 'endPort');
    return typeof end === 'number' ? port <= 53 && 53 <= end : port === 53;
  });
}

/** The DNS protocols (UDP, TCP) none of `policies` allows to the cluster DNS `dns`. */
export function missingDnsProtocols(policies: readonly K8sObject[], dns: DnsPeer): ('UDP' | 'TCP')[] {
  const rules = policies.flatMap((p) => arr(at(p, 'spec', 'egress'))).filter((r) => reachesDns(r, dns));
  return (['UDP', 'TCP'] as const).filter((protocol) => !rules.some((r) => allowsPort53(r, protocol)));
}

/** `a, b` for messages. */
export function policyNames(policies: readonly K8sObject[]): string {
  return policies.map((p) => str(p.metadata?.name) ?? '?').join(', ');
}
