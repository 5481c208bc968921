/**
 * Network relationships as method calls. A workload owns a `Connections`; saying
 * `api.connections.allowTo(postgres)` writes the egress rule into the API's NetworkPolicy and the
 * matching ingress rule into Postgres's, so nobody hand-writes a selector or forgets one side.
 *
 * A connection is also an ordering fact: the client needs the peer serving first, so `allowTo`
 * reports it to the chart's {@link Relations}, which the sync waves read. `startsAfter` reports one
 * without a connection (a client signing in as a user an init Job creates).
 *
 * Each workload gets at most one NetworkPolicy (`<name>`), created on its first rule and holding
 * every rule that names it; together with the namespace's default-deny policy, anything not
 * allowed here is refused. A policy that allows any egress also allows the cluster DNS its
 * {@link PlatformNamespace} names: a peer reached by name needs the lookup first, and an operator's
 * pods (CloudNativePG replicas joining `<cluster>-rw`) are covered by the same rule.
 */
import { Construct } from 'constructs';
import { Lazy } from 'cdk8s';
import { k8s } from './k8s.ts';
import { componentLabels } from './labels.ts';
import type { ExternalPeer } from './external-peer.ts';
import { PlatformNamespace } from './platform-namespace.ts';
import { Relations } from './relations.ts';

/** A port a connection may use. */
export interface NetworkPort {
  readonly port: number;
  /** @default 'TCP' */
  readonly protocol?: 'TCP' | 'UDP';
}

/** DNS answers over UDP, and over TCP when a reply does not fit a datagram. */
const DNS_PORTS: readonly NetworkPort[] = [
  { port: 53, protocol: 'UDP' },
  { port: 53, protocol: 'TCP' },
];

/** A workload that can take part in network relationships. */
export interface Connectable {
  readonly connections: Connections;
}

export interface ConnectionsProps {
  /** Name of the workload; the NetworkPolicy is named after it. */
  readonly name: string;
  /** `app.kubernetes.io/component` of the NetworkPolicy. */
  readonly component: string;
  /** Labels that select the workload's pods. */
  readonly podSelector: Record<string, string>;
  /**
   * Ports peers reach this workload on when a rule names none.
   * @default - none: a rule towards this workload must name its ports
   */
  readonly defaultPorts?: readonly NetworkPort[];
}

function peerOf(p: ExternalPeer): k8s.NetworkPolicyPeer {
  if (p.ipBlock) return { ipBlock: { cidr: p.ipBlock.cidr, except: p.ipBlock.except ? [...p.ipBlock.except] : undefined } };
  return {
    namespaceSelector: p.namespace ? { matchLabels: { 'kubernetes.io/metadata.name': p.namespace } } : undefined,
    podSelector: p.podLabels ? { matchLabels: { ...p.podLabels } } : p.namespace ? {} : undefined,
  };
}

/** Whether two peers render to the same NetworkPolicy peer (their `name` is only for people). */
function samePeer(a: ExternalPeer, b: ExternalPeer): boolean {
  return JSON.stringify(peerOf(a)) === JSON.stringify(peerOf(b));
}

function portsOf(ports: readonly NetworkPort[]): k8s.NetworkPolicyPort[] {
  return ports.map((p) => ({ port: k8s.IntOrString.fromNumber(p.port), protocol: p.protocol ?? 'TCP' }));
}

export class Connections {
  readonly name: string;
  readonly podSelector: Readonly<Record<string, string>>;
  readonly defaultPorts: readonly NetworkPort[];
  private readonly scope: Construct;
  private readonly component: string;
  private readonly ingress: k8s.NetworkPolicyIngressRule[] = [];
  private readonly egress: k8s.NetworkPolicyEgressRule[] = [];
  private readonly dnsPeers: ExternalPeer[] = [];
  private policy?: k8s.KubeNetworkPolicy;

  constructor(scope: Construct, props: ConnectionsProps) {
    this.scope = scope;
    this.name = props.name;
    this.component = props.component;
    this.podSelector = { ...props.podSelector };
    this.defaultPorts = props.defaultPorts ?? [];
    Relations.of(scope).addParty(scope);
  }

  /** Lets this workload connect to `peer` (egress here, ingress there). @param ports default: the peer's default ports */
  allowTo(peer: Connectable, ports: readonly NetworkPort[] = peer.connections.defaultPorts): void {
    const target = peer.connections;
    if (ports.length === 0) throw new Error(`${this.name}.allowTo(${target.name}): no ports given and ${target.name} declares none`);
    this.addEgress([{ podSelector: { matchLabels: { ...target.podSelector } } }], ports);
    target.addIngress([{ podSelector: { matchLabels: { ...this.podSelector } } }], ports);
    Relations.of(this.scope).needs(this.scope, target.scope, `connects to ${target.name}`);
  }

  /**
   * Says that this workload needs `peer` done (a Job) or serving first although it does not connect
   * to it: it signs in as a user `peer` creates. Ordering only; no network rule.
   * @param reason for messages: `signs in as a role postgres-init creates`
   */
  startsAfter(peer: Connectable, reason: string): void {
    Relations.of(this.scope).needs(this.scope, peer.connections.scope, reason);
  }

  /** Lets `peer` connect to this workload. @param ports default: this workload's default ports */
  allowFrom(peer: Connectable, ports: readonly NetworkPort[] = this.defaultPorts): void {
    peer.connections.allowTo({ connections: this }, ports);
  }

  /** Admits connections from something outside the environment (the ingress controller, a monitoring namespace). */
  allowFromExternal(peer: ExternalPeer, ports: readonly NetworkPort[] = this.defaultPorts): void {
    if (ports.length === 0) throw new Error(`${this.name}.allowFromExternal(${peer.name}): no ports given and ${this.name} declares none`);
    this.addIngress([peerOf(peer)], ports);
  }

  /**
   * Lets this workload resolve names through the cluster DNS (UDP and TCP 53). Any egress rule
   * already implies the DNS of the chart's {@link PlatformNamespace}; this is for a chart without
   * one, or a different resolver. Calling it twice with the same peer adds one rule.
   */
  allowToDns(dns: ExternalPeer): void {
    if (this.dnsPeers.some((p) => samePeer(p, dns))) return;
    this.dnsPeers.push(dns);
    this.allowToExternal(dns, DNS_PORTS);
  }

  /** Lets this workload reach something outside the environment (cluster DNS, the internet). */
  allowToExternal(peer: ExternalPeer, ports: readonly NetworkPort[]): void {
    if (ports.length === 0) throw new Error(`${this.name}.allowToExternal(${peer.name}): give the ports`);
    this.addEgress([peerOf(peer)], ports);
  }

  private addIngress(from: k8s.NetworkPolicyPeer[], ports: readonly NetworkPort[]): void {
    this.ensurePolicy();
    this.ingress.push({ from, ports: portsOf(ports) });
  }

  private addEgress(to: k8s.NetworkPolicyPeer[], ports: readonly NetworkPort[]): void {
    this.ensurePolicy();
    this.egress.push({ to, ports: portsOf(ports) });
  }

  /** The egress rules, with the namespace's DNS when anything may leave and no DNS rule was given. */
  private egressRules(): k8s.NetworkPolicyEgressRule[] | undefined {
    if (this.egress.length === 0) return undefined;
    const dns = PlatformNamespace.of(this.scope)?.dns;
    if (!dns || this.dnsPeers.some((p) => samePeer(p, dns))) return this.egress;
    return [...this.egress, { to: [peerOf(dns)], ports: portsOf(DNS_PORTS) }];
  }

  private ensurePolicy(): void {
    if (this.policy) return;
    // Rules are gathered lazily: relationships are declared after the workloads exist, in any order.
    this.policy = new k8s.KubeNetworkPolicy(this.scope, `network-policy-${this.name}`, {
      metadata: { name: this.name, labels: componentLabels(this.name, this.component) },
      spec: {
        podSelector: { matchLabels: { ...this.podSelector } },
        policyTypes: Lazy.any({
          produce: () => [...(this.ingress.length ? ['Ingress'] : []), ...(this.egress.length ? ['Egress'] : [])],
        }),
        ingress: Lazy.any({ produce: () => (this.ingress.length ? this.ingress : undefined) }),
        egress: Lazy.any({ produce: () => this.egressRules() }),
      },
    });
  }
}
