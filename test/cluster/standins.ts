/**
 * Pods that the network-policy analyzer must see but that `generated/` does not declare as
 * workloads: the pods operators create from custom resources (CloudNativePG instances and Jobs,
 * as `kube/produced.ts` says they are labelled), and the peers in other namespaces that the
 * environments' policies name (cluster DNS, the Envoy Gateway proxies and rate-limit service,
 * cert-manager, the CloudNativePG operator). The analyzer only computes connectivity between pods
 * it is given, so without these stand-ins every flow to or from them would be silently absent.
 *
 * The peers' labels are the upstream projects' own, not copies of our selectors, so a selector
 * that drifts from what the add-on really labels shows up as a contracted flow the analyzer blocks.
 */
import { producedBy } from '../../kube/produced.ts';
import type { K8sObject } from '../../policies/types.ts';
import { nameOf, namespaceOf } from '../../policies/objects.ts';

interface StandInPort {
  readonly port: number;
  readonly protocol?: 'TCP' | 'UDP';
}

function pod(namespace: string, name: string, labels: Record<string, string>, ports: readonly StandInPort[]): K8sObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, labels },
    spec: { containers: [{ name: 'stand-in', image: 'stand-in', ports: ports.map((p) => ({ containerPort: p.port, protocol: p.protocol ?? 'TCP' })) }] },
  };
}

function namespace(name: string): K8sObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'kubernetes.io/metadata.name': name } } };
}

/** Peers outside the environment's namespace, as their add-ons label them. */
function clusterPeers(envNamespace: string, gatewayName: string): K8sObject[] {
  return [
    namespace('kube-system'),
    // CoreDNS as EKS (and kubeadm) deploy it: `k8s-app: kube-dns` in kube-system.
    pod('kube-system', 'coredns', { 'k8s-app': 'kube-dns' }, [
      { port: 53, protocol: 'UDP' },
      { port: 53, protocol: 'TCP' },
    ]),
    namespace('envoy-gateway-system'),
    // Envoy Gateway's proxy pods for a Gateway (internal/infrastructure/kubernetes/proxy, envoyLabels):
    // 19001 is the proxy's Prometheus endpoint.
    pod(
      'envoy-gateway-system',
      `envoy-${envNamespace}-${gatewayName}`,
      {
        'app.kubernetes.io/name': 'envoy',
        'app.kubernetes.io/component': 'proxy',
        'app.kubernetes.io/managed-by': 'envoy-gateway',
        'gateway.envoyproxy.io/owning-gateway-name': gatewayName,
        'gateway.envoyproxy.io/owning-gateway-namespace': envNamespace,
      },
      [{ port: 10080 }, { port: 10443 }, { port: 19001 }],
    ),
    // Envoy Gateway's global rate-limit service (internal/infrastructure/kubernetes/ratelimit, rateLimitLabels).
    pod(
      'envoy-gateway-system',
      'envoy-ratelimit',
      { 'app.kubernetes.io/name': 'envoy-ratelimit', 'app.kubernetes.io/component': 'ratelimit', 'app.kubernetes.io/managed-by': 'envoy-gateway' },
      [{ port: 8081 }],
    ),
    namespace('cert-manager'),
    // The cert-manager chart's controller pod; 9402 is its metrics port.
    pod('cert-manager', 'cert-manager', { 'app.kubernetes.io/name': 'cert-manager', 'app.kubernetes.io/component': 'controller', 'app.kubernetes.io/instance': 'cert-manager' }, [{ port: 9402 }]),
    namespace('cnpg-system'),
    // The cloudnative-pg chart's operator pod.
    pod('cnpg-system', 'cloudnative-pg', { 'app.kubernetes.io/name': 'cloudnative-pg', 'app.kubernetes.io/instance': 'cloudnative-pg' }, [{ port: 9443 }]),
  ];
}

/** Pods the operators run for custom resources in `objects`, named `<resource>-<role>`. */
function operatorPods(objects: readonly K8sObject[]): K8sObject[] {
  return objects.flatMap((o) => {
    const ns = namespaceOf(o);
    if (!ns) return [];
    return producedBy(o).pods.map((p, i) => {
      const role = p.labels['cnpg.io/instanceRole'] ?? p.labels['cnpg.io/jobRole'] ?? String(i);
      return pod(ns, `${nameOf(o)}-${role}`, p.labels, [...new Set(p.ports.values())].map((port) => ({ port })));
    });
  });
}

/** Stand-in Pods and Namespaces for one environment's analysis. */
export function standIns(objects: readonly K8sObject[], envNamespace: string): K8sObject[] {
  const gateway = objects.find((o) => o.kind === 'Gateway');
  return [...clusterPeers(envNamespace, gateway ? nameOf(gateway) : 'agent-api'), ...operatorPods(objects)];
}
