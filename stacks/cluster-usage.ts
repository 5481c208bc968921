/**
 * What the environments deployed to one cluster need of its add-ons, read from the objects they
 * render: the API groups of their custom resources, the GatewayClasses their Gateways name, the
 * metrics API and secret reloads their objects assume, the provisioners their StorageClasses name.
 *
 * Read from the objects on purpose, unlike the facts in `PlatformFacts`: what an add-on serves is
 * a property of each object delivered (its API group, an HPA's Resource metric, a reload
 * annotation, a StorageClass's provisioner), whichever construct made it, and the policy rules
 * judge the same objects with the same predicates (policies/cluster.ts: `resourceMetricsOf`,
 * `reloadedSecretsOf`; the rules `hpa-metrics-api-provided`, `rotated-secret-reloads`,
 * `storage-class-declared`), so an object a rule would fail for always brings its add-on. A report
 * per construct would state each object's group a second time, free to drift from the object.
 */
import type { Environment } from '../environments/schema/index.ts';
import { apiGroupOf, isBuiltInGroup } from '../kube/api-version.ts';
import type { Manifest } from '../kube/object.ts';
import { METRICS_API, reloadedSecretsOf, resourceMetricsOf, SECRET_RELOAD } from '../policies/cluster.ts';
import type { ClusterUsage } from './add-on.ts';

/** What one cluster's environments need from its add-ons, read from their rendered objects. */
export function clusterUsage(envs: readonly Environment[], manifests: readonly Manifest[]): ClusterUsage {
  const groups = new Set<string>();
  const gatewayClasses = new Set<string>();
  const needs = new Set<string>();
  for (const m of manifests) {
    const group = apiGroupOf(m.apiVersion);
    if (!isBuiltInGroup(group)) groups.add(group);
    if (resourceMetricsOf(m).length > 0) needs.add(METRICS_API);
    if (reloadedSecretsOf(m).size > 0) needs.add(SECRET_RELOAD);
    if (m.kind === 'StorageClass' && typeof m['provisioner'] === 'string') needs.add(`provisioner:${m['provisioner']}`);
    const spec = (m['spec'] ?? {}) as Record<string, unknown>;
    if (m.kind === 'Gateway' && typeof spec['gatewayClassName'] === 'string') gatewayClasses.add(spec['gatewayClassName']);
  }
  const roles = [...new Set(envs.map((e) => e.gitops.acme.route53.roleArn))];
  if (roles.length > 1) {
    throw new Error(`environments ${envs.map((e) => e.name).join(', ')} share one cert-manager but name different gitops.acme.route53.roleArn (${roles.sort().join(', ')})`);
  }
  const ebsRoles = [...new Set(envs.flatMap((e) => (e.gitops.storage.ebsCsiRoleArn ? [e.gitops.storage.ebsCsiRoleArn] : [])))];
  if (ebsRoles.length > 1) throw new Error(`cluster of ${envs.map((e) => e.name).join(', ')}: environments name different gitops.storage.ebsCsiRoleArn (${ebsRoles.join(', ')}); one driver serves the cluster`);
  const cluster = envs[0]?.gitops.cluster.name ?? '';
  return { groups, gatewayClasses, certManagerRoleArn: roles[0], production: envs.some((e) => e.production), cluster, needs, ...(ebsRoles[0] ? { ebsCsiRoleArn: ebsRoles[0] } : {}) };
}
