/**
 * Lets environments' Prometheus find the pods of another namespace (the Gateway's Envoy pods in
 * Envoy Gateway's namespace, cert-manager's controller): a Role that reads pods there, bound to
 * each Prometheus ServiceAccount. Rendered with the cluster's configuration, since the namespace
 * is not the environment's; nothing but pod metadata becomes readable.
 */
import { Construct } from 'constructs';
import { k8s } from './k8s.ts';
import { componentLabels } from './labels.ts';

export interface PodDiscoveryGrantProps {
  /** Namespace whose pods become discoverable. */
  readonly namespace: string;
  /** ServiceAccounts (of each environment's Prometheus) that may discover them. */
  readonly serviceAccounts: readonly { readonly name: string; readonly namespace: string }[];
  /** @default 'prometheus-pod-discovery' */
  readonly name?: string;
}

export class PodDiscoveryGrant extends Construct {
  constructor(scope: Construct, id: string, props: PodDiscoveryGrantProps) {
    super(scope, id);
    const name = props.name ?? 'prometheus-pod-discovery';
    if (props.serviceAccounts.length === 0) throw new Error(`PodDiscoveryGrant ${props.namespace}: no ServiceAccount to grant discovery to`);
    const metadata = { name, namespace: props.namespace, labels: componentLabels(name, 'monitoring') };
    new k8s.KubeRole(this, 'role', { metadata, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] }] });
    new k8s.KubeRoleBinding(this, 'role-binding', {
      metadata,
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
      subjects: [...props.serviceAccounts]
        .sort((a, b) => (`${a.namespace}/${a.name}` < `${b.namespace}/${b.name}` ? -1 : 1))
        .map((sa) => ({ kind: 'ServiceAccount', name: sa.name, namespace: sa.namespace })),
    });
  }
}
