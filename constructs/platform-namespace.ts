/**
 * The namespace an environment lives in: Pod Security Standards "restricted" enforced by the API
 * server, and a default-deny NetworkPolicy so only what `Connections` allows gets through.
 */
import { Construct } from 'constructs';
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
}

export class PlatformNamespace extends Construct {
  readonly name: string;

  constructor(scope: Construct, id: string, props: PlatformNamespaceProps) {
    super(scope, id);
    this.name = props.name;
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
