/**
 * Which namespaces an environment may not take: Kubernetes' own (`default`, `kube-*`), Argo CD's,
 * and the ones the environment itself names as other components' homes (the Gateway's proxies,
 * cert-manager, DNS, the Prometheus Operator). The environment's Namespace object enforces restricted Pod Security
 * and default-deny NetworkPolicies on the namespace, which would break any of them; and prune
 * would delete what they hold. The add-on namespaces of `stacks/gitops.ts` are refused when the
 * environments are loaded with them (`loadEnvironments`, option `addOnNamespaces`).
 */
import type { z } from 'zod';

/** Namespaces Kubernetes creates and uses itself. */
export function isKubernetesNamespace(name: string): boolean {
  return name === 'default' || name.startsWith('kube-');
}

interface NamespaceUsers {
  readonly namespace: string;
  readonly gitops: { readonly argoNamespace: string };
  readonly network: { readonly gatewayNamespace: string; readonly certManagerNamespace: string; readonly dnsNamespace: string };
  readonly monitoring: { readonly operator?: { readonly namespace: string } | undefined };
}

/** Refuses a reserved or foreign `namespace`; called from the environment schema's refinements. */
export function checkNamespace(env: NamespaceUsers, ctx: z.RefinementCtx): void {
  const ns = env.namespace;
  const refuse = (why: string) => ctx.addIssue({ code: 'custom', path: ['namespace'], input: ns, message: `a namespace of the environment's own, not ${why}` });
  if (isKubernetesNamespace(ns)) refuse("one of Kubernetes' own (default, kube-*)");
  else if (ns === env.gitops.argoNamespace) refuse(`Argo CD's (gitops.argoNamespace)`);
  else if (ns === env.network.gatewayNamespace) refuse("the Gateway proxies' (network.gatewayNamespace)");
  else if (ns === env.network.certManagerNamespace) refuse("cert-manager's (network.certManagerNamespace)");
  else if (ns === env.network.dnsNamespace) refuse("the cluster DNS's (network.dnsNamespace)");
  else if (ns === env.monitoring.operator?.namespace) refuse("the Prometheus Operator's (monitoring.operator.namespace)");
}
