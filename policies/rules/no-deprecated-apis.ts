import { kindOf, str } from '../objects.ts';
import type { Rule } from '../types.ts';

/**
 * `apiVersion kind` → replacement and the release that removed (or deprecated) it. Core entries from
 * the Kubernetes deprecated API migration guide; add-on entries from their upgrade notes.
 */
const DEPRECATED: Readonly<Record<string, { readonly use: string; readonly since: string }>> = {
  'extensions/v1beta1 Deployment': { use: 'apps/v1', since: 'removed in Kubernetes 1.16' },
  'extensions/v1beta1 DaemonSet': { use: 'apps/v1', since: 'removed in Kubernetes 1.16' },
  'extensions/v1beta1 ReplicaSet': { use: 'apps/v1', since: 'removed in Kubernetes 1.16' },
  'extensions/v1beta1 NetworkPolicy': { use: 'networking.k8s.io/v1', since: 'removed in Kubernetes 1.16' },
  'extensions/v1beta1 PodSecurityPolicy': { use: 'Pod Security Admission', since: 'removed in Kubernetes 1.25' },
  'extensions/v1beta1 Ingress': { use: 'networking.k8s.io/v1', since: 'removed in Kubernetes 1.22' },
  'apps/v1beta1 Deployment': { use: 'apps/v1', since: 'removed in Kubernetes 1.16' },
  'apps/v1beta1 StatefulSet': { use: 'apps/v1', since: 'removed in Kubernetes 1.16' },
  'apps/v1beta2 Deployment': { use: 'apps/v1', since: 'removed in Kubernetes 1.16' },
  'apps/v1beta2 StatefulSet': { use: 'apps/v1', since: 'removed in Kubernetes 1.16' },
  'apps/v1beta2 DaemonSet': { use: 'apps/v1', since: 'removed in Kubernetes 1.16' },
  'apps/v1beta2 ReplicaSet': { use: 'apps/v1', since: 'removed in Kubernetes 1.16' },
  'networking.k8s.io/v1beta1 Ingress': { use: 'networking.k8s.io/v1', since: 'removed in Kubernetes 1.22' },
  'networking.k8s.io/v1beta1 IngressClass': { use: 'networking.k8s.io/v1', since: 'removed in Kubernetes 1.22' },
  'policy/v1beta1 PodDisruptionBudget': { use: 'policy/v1', since: 'removed in Kubernetes 1.25' },
  'policy/v1beta1 PodSecurityPolicy': { use: 'Pod Security Admission', since: 'removed in Kubernetes 1.25' },
  'batch/v1beta1 CronJob': { use: 'batch/v1', since: 'removed in Kubernetes 1.25' },
  'autoscaling/v2beta1 HorizontalPodAutoscaler': { use: 'autoscaling/v2', since: 'removed in Kubernetes 1.25' },
  'autoscaling/v2beta2 HorizontalPodAutoscaler': { use: 'autoscaling/v2', since: 'removed in Kubernetes 1.26' },
  'rbac.authorization.k8s.io/v1beta1 Role': { use: 'rbac.authorization.k8s.io/v1', since: 'removed in Kubernetes 1.22' },
  'rbac.authorization.k8s.io/v1beta1 ClusterRole': { use: 'rbac.authorization.k8s.io/v1', since: 'removed in Kubernetes 1.22' },
  'rbac.authorization.k8s.io/v1beta1 RoleBinding': { use: 'rbac.authorization.k8s.io/v1', since: 'removed in Kubernetes 1.22' },
  'rbac.authorization.k8s.io/v1beta1 ClusterRoleBinding': { use: 'rbac.authorization.k8s.io/v1', since: 'removed in Kubernetes 1.22' },
  'apiextensions.k8s.io/v1beta1 CustomResourceDefinition': { use: 'apiextensions.k8s.io/v1', since: 'removed in Kubernetes 1.22' },
  'admissionregistration.k8s.io/v1beta1 ValidatingWebhookConfiguration': { use: 'admissionregistration.k8s.io/v1', since: 'removed in Kubernetes 1.22' },
  'admissionregistration.k8s.io/v1beta1 MutatingWebhookConfiguration': { use: 'admissionregistration.k8s.io/v1', since: 'removed in Kubernetes 1.22' },
  'scheduling.k8s.io/v1beta1 PriorityClass': { use: 'scheduling.k8s.io/v1', since: 'removed in Kubernetes 1.22' },
  'storage.k8s.io/v1beta1 CSIStorageCapacity': { use: 'storage.k8s.io/v1', since: 'removed in Kubernetes 1.27' },
  'flowcontrol.apiserver.k8s.io/v1beta2 FlowSchema': { use: 'flowcontrol.apiserver.k8s.io/v1', since: 'removed in Kubernetes 1.29' },
  'flowcontrol.apiserver.k8s.io/v1beta3 FlowSchema': { use: 'flowcontrol.apiserver.k8s.io/v1', since: 'removed in Kubernetes 1.32' },
  'external-secrets.io/v1beta1 ExternalSecret': { use: 'external-secrets.io/v1', since: 'deprecated in External Secrets 0.17, removed in 0.19' },
  'external-secrets.io/v1beta1 SecretStore': { use: 'external-secrets.io/v1', since: 'deprecated in External Secrets 0.17, removed in 0.19' },
  'external-secrets.io/v1beta1 ClusterSecretStore': { use: 'external-secrets.io/v1', since: 'deprecated in External Secrets 0.17, removed in 0.19' },
  'cert-manager.io/v1alpha2 Certificate': { use: 'cert-manager.io/v1', since: 'removed in cert-manager 1.7' },
  'cert-manager.io/v1alpha2 ClusterIssuer': { use: 'cert-manager.io/v1', since: 'removed in cert-manager 1.7' },
  'cert-manager.io/v1beta1 Certificate': { use: 'cert-manager.io/v1', since: 'removed in cert-manager 1.7' },
  'monitoring.coreos.com/v1alpha1 AlertmanagerConfig': { use: 'monitoring.coreos.com/v1beta1', since: 'deprecated in prometheus-operator 0.57' },
};

export const rule: Rule = {
  id: 'no-deprecated-apis',
  category: 'gitops',
  description: 'Objects must not use removed or deprecated API versions.',
  rationale: 'A removed apiVersion makes the apply fail on the next cluster upgrade, usually discovered mid-upgrade; a deprecated one will (kubent, Pluto, kube-linter no-extensions-v1beta).',
  severity: 'error',
  kinds: ['*'],
  scope: 'object',
  check: (o) => {
    const v = str(o.apiVersion) ?? '';
    const d = DEPRECATED[`${v} ${kindOf(o)}`];
    return d ? [{ path: 'apiVersion', message: `${kindOf(o)} uses ${v}, ${d.since}; expected ${d.use}` }] : [];
  },
};
