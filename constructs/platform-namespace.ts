/**
 * The namespace an environment lives in: Pod Security Standards "restricted" enforced by the API
 * server, a default-deny NetworkPolicy so only what `Connections` allows gets through, and the
 * cluster DNS its pods resolve names through: every workload whose NetworkPolicy allows any egress
 * is also allowed to reach it (see `Connections`), operator-run pods included, so no relationship
 * can forget name resolution.
 */
import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import type { ExternalPeer } from './external-peer.ts';
import { k8s, KUBERNETES_VERSION } from './k8s.ts';
import { MANAGED_BY, PART_OF } from './labels.ts';

export interface PlatformNamespaceProps {
  /** Name of the namespace. */
  readonly name: string;
  /**
   * Pod Security Standards level enforced on every pod of the namespace.
   * @default 'restricted'
   */
  readonly podSecurity?: 'restricted' | 'baseline';
  /**
   * The cluster DNS (UDP and TCP 53) that every pod with any egress must reach: replicas and
   * clients connect to Services by name, and a default-deny egress policy blocks the lookups too.
   * @default - none: for a namespace whose pods send nothing (Connections then adds no DNS rule)
   */
  readonly dns?: ExternalPeer;
}

export class PlatformNamespace extends Construct {
  /** The namespace declared in `scope`'s chart, if any. */
  static of(scope: Construct): PlatformNamespace | undefined {
    const chart = Chart.of(scope);
    let found = NAMESPACES.get(chart);
    if (!found) {
      found = chart.node.findAll().find((c): c is PlatformNamespace => c instanceof PlatformNamespace);
      if (found) NAMESPACES.set(chart, found);
    }
    return found;
  }

  readonly name: string;
  /** The cluster DNS its pods' egress policies allow, when given. */
  readonly dns: ExternalPeer | undefined;

  constructor(scope: Construct, id: string, props: PlatformNamespaceProps) {
    super(scope, id);
    this.name = props.name;
    this.dns = props.dns;
    const level = props.podSecurity ?? 'restricted';
    // The version is pinned so a cluster upgrade cannot silently change what "restricted" means.
    const version = `v${KUBERNETES_VERSION}`;
    new k8s.KubeNamespace(this, 'namespace', {
      metadata: {
        name: props.name,
        labels: {
          'app.kubernetes.io/part-of': PART_OF,
          'app.kubernetes.io/managed-by': MANAGED_BY,
          'pod-security.kubernetes.io/enforce': level,
          'pod-security.kubernetes.io/enforce-version': version,
          'pod-security.kubernetes.io/audit': level,
          'pod-security.kubernetes.io/audit-version': version,
          'pod-security.kubernetes.io/warn': level,
          'pod-security.kubernetes.io/warn-version': version,
        },
      },
    });
    new k8s.KubeNetworkPolicy(this, 'default-deny', {
      metadata: {
        name: 'default-deny',
        namespace: props.name,
        labels: { 'app.kubernetes.io/part-of': PART_OF, 'app.kubernetes.io/managed-by': MANAGED_BY },
      },
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    });
  }
}

const NAMESPACES = new WeakMap<Chart, PlatformNamespace>();
