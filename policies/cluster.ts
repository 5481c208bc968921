/**
 * What the cluster offers the objects deployed to it, beyond Kubernetes itself, and what those
 * objects need from it. One vocabulary, read by the stack that chooses a cluster's add-ons
 * (`stacks/gitops.ts`) and by the rules that check an environment against its cluster, so "needs a
 * metrics API", "names StorageClass gp3" and "restarts when its Secret rotates" are each decided once.
 *
 * A cluster describes itself with plain objects, so any rendered set can carry it:
 * - an add-on (an Argo CD Application) lists what it provides in the `agent-platform.io/provides`
 *   annotation: `api:<group>` (an API group it serves: CRDs or an aggregated API such as
 *   `metrics.k8s.io`), `provisioner:<name>` (a volume provisioner, e.g. `ebs.csi.aws.com`) and
 *   `reloads:<annotation>` (a controller that restarts workloads carrying that annotation);
 * - a StorageClass object declares a class claims may name.
 * The policy CLI adds the objects of an environment's cluster (labelled `agent-platform.io/cluster`
 * in `generated/argocd/`) to that environment's check as context: visible to rules, not checked.
 */
import { arr, at, kindOf, nameOf, podTemplateOf, rec, str, WORKLOAD_KINDS } from './objects.ts';
import { podReferences } from '../kube/pod-references.ts';
import { apiGroupOf } from '../kube/api-version.ts';
import type { K8sObject } from '../kube/object.ts';

/** Annotation of an add-on Application listing its capabilities, comma-separated. */
export const PROVIDES_ANNOTATION = 'agent-platform.io/provides';
/** Label of every object that configures one cluster (add-ons, StorageClasses, stores, issuers). */
export const CLUSTER_LABEL = 'agent-platform.io/cluster';

/** Something a cluster offers: `api:<group>`, `provisioner:<name>` or `reloads:<annotation>`. */
export type Capability = `api:${string}` | `provisioner:${string}` | `reloads:${string}`;

/** The resource metrics API that Resource and ContainerResource autoscaling reads (metrics-server). */
export const METRICS_API: Capability = 'api:metrics.k8s.io';
/**
 * Stakater Reloader's annotation naming the Secrets whose change restarts a workload. Named
 * Secrets rather than `reloader.stakater.com/auto`, so what restarts a workload is written on it.
 * @see https://github.com/stakater/Reloader#how-to-use-reloader
 */
export const SECRET_RELOAD_ANNOTATION = 'secret.reloader.stakater.com/reload';
export const SECRET_RELOAD: Capability = `reloads:${SECRET_RELOAD_ANNOTATION}`;


/** What a cluster offers, as described by its add-ons and StorageClasses. */
export class ClusterCapabilities {
  readonly provides: ReadonlySet<string>;
  /** StorageClass objects by name. */
  readonly storageClasses: ReadonlyMap<string, K8sObject>;

  constructor(objects: readonly K8sObject[]) {
    const provides = new Set<string>();
    const classes = new Map<string, K8sObject>();
    for (const o of objects) {
      const list = str(at(o, 'metadata', 'annotations', PROVIDES_ANNOTATION));
      if (list) for (const c of list.split(',')) if (c.trim()) provides.add(c.trim());
      if (kindOf(o) === 'StorageClass') classes.set(nameOf(o), o);
    }
    this.provides = provides;
    this.storageClasses = classes;
  }

  /** Whether the objects describe a cluster at all (an add-on or a StorageClass). */
  get described(): boolean {
    return this.provides.size > 0 || this.storageClasses.size > 0;
  }

  has(c: Capability): boolean {
    return this.provides.has(c);
  }

  /** Why claims of `className` cannot be provisioned, or undefined when they can. */
  storageClassProblem(className: string): string | undefined {
    const sc = this.storageClasses.get(className);
    if (!sc) {
      const known = [...this.storageClasses.keys()].sort();
      return `StorageClass ${className} is not declared by the cluster's configuration (declared: ${known.length ? known.join(', ') : 'none'})`;
    }
    const provisioner = str(at(sc, 'provisioner')) ?? '';
    // No provisioner comes without an add-on: in-tree EBS is migrated to the CSI driver.
    if (!this.has(`provisioner:${provisioner}`)) {
      return `StorageClass ${className} uses provisioner ${JSON.stringify(provisioner)}, which no add-on of the cluster provides`;
    }
    return undefined;
  }
}

/** A volume claim an object makes, with the field that names (or should name) its class. */
export interface Claim {
  /** Path of the claim's storage class field inside the object. */
  readonly path: string;
  readonly storageClass?: string;
}

function claimAt(spec: unknown, path: string, field = 'storageClassName'): Claim {
  const c = str(at(spec, field));
  return c === undefined ? { path: `${path}.${field}` } : { path: `${path}.${field}`, storageClass: c };
}

/** Every claim `o` makes the cluster provision: PVCs, claim templates, ephemeral volumes, operator storage. */
export function claimsOf(o: K8sObject): Claim[] {
  const group = apiGroupOf(o.apiVersion);
  const kind = kindOf(o);
  const out: Claim[] = [];
  if (kind === 'PersistentVolumeClaim') out.push(claimAt(at(o, 'spec'), 'spec'));
  arr(at(o, 'spec', 'volumeClaimTemplates')).forEach((t, i) => {
    if (WORKLOAD_KINDS.includes(kind)) out.push(claimAt(at(t, 'spec'), `spec.volumeClaimTemplates[${i}].spec`));
  });
  const t = podTemplateOf(o);
  if (t) {
    arr(t.spec['volumes']).forEach((v, i) => {
      const spec = at(v, 'ephemeral', 'volumeClaimTemplate', 'spec');
      if (rec(spec)) out.push(claimAt(spec, `${t.path}.volumes[${i}].ephemeral.volumeClaimTemplate.spec`));
    });
  }
  if (group === 'postgresql.cnpg.io' && kind === 'Cluster') {
    for (const field of ['storage', 'walStorage']) {
      if (rec(at(o, 'spec', field))) out.push(claimAt(at(o, 'spec', field), `spec.${field}`, 'storageClass'));
    }
  }
  if (group === 'monitoring.coreos.com' && (kind === 'Prometheus' || kind === 'Alertmanager')) {
    const spec = at(o, 'spec', 'storage', 'volumeClaimTemplate', 'spec');
    if (rec(spec)) out.push(claimAt(spec, 'spec.storage.volumeClaimTemplate.spec'));
  }
  if (group === 'elasticsearch.k8s.elastic.co' && kind === 'Elasticsearch') {
    arr(at(o, 'spec', 'nodeSets')).forEach((ns, i) =>
      arr(at(ns, 'volumeClaimTemplates')).forEach((vct, j) => out.push(claimAt(at(vct, 'spec'), `spec.nodeSets[${i}].volumeClaimTemplates[${j}].spec`))),
    );
  }
  return out;
}

/** The metrics of an autoscaler that read the resource metrics API, with their paths. */
export function resourceMetricsOf(hpa: K8sObject): { path: string; type: string }[] {
  if (kindOf(hpa) !== 'HorizontalPodAutoscaler') return [];
  return arr(at(hpa, 'spec', 'metrics')).flatMap((m, i) => {
    const type = str(at(m, 'type'));
    return type === 'Resource' || type === 'ContainerResource' ? [{ path: `spec.metrics[${i}].type`, type }] : [];
  });
}

/**
 * Secrets that External Secrets rewrites on a schedule (an ExternalSecret with a non-zero
 * `refreshInterval`), by namespace and name: a pod that read one at start holds a stale value after
 * a rotation.
 */
export function rotatedSecrets(objects: readonly K8sObject[]): Set<string> {
  const out = new Set<string>();
  for (const o of objects) {
    if (kindOf(o) !== 'ExternalSecret' || apiGroupOf(o.apiVersion) !== 'external-secrets.io') continue;
    const refresh = str(at(o, 'spec', 'refreshInterval'));
    // External Secrets' default refreshInterval is 1h; "0" (or 0s) syncs once and never again.
    if (refresh !== undefined && /^0+[a-z]*$/.test(refresh)) continue;
    out.add(`${str(at(o, 'metadata', 'namespace')) ?? ''}/${str(at(o, 'spec', 'target', 'name')) ?? nameOf(o)}`);
  }
  return out;
}

/** Long-running workloads restart to pick up a Secret; Jobs and CronJobs read it on every run. */
export const RELOADED_KINDS: readonly string[] = ['Deployment', 'StatefulSet', 'DaemonSet'];

/** Names of the rotated Secrets `o`'s pods consume, sorted (empty for kinds that need no restart). */
export function rotatedSecretsConsumed(o: K8sObject, rotated: ReadonlySet<string>): string[] {
  if (!RELOADED_KINDS.includes(kindOf(o))) return [];
  const t = podTemplateOf(o);
  if (!t) return [];
  const ns = str(at(o, 'metadata', 'namespace')) ?? '';
  const names = podReferences(t).filter((r) => r.kind === 'Secret' && rotated.has(`${ns}/${r.name}`)).map((r) => r.name);
  return [...new Set(names)].sort();
}

/** The Secrets a workload's reload annotation names. */
export function reloadedSecretsOf(o: K8sObject): Set<string> {
  const v = str(at(o, 'metadata', 'annotations', SECRET_RELOAD_ANNOTATION)) ?? '';
  return new Set(v.split(',').map((s) => s.trim()).filter((s) => s !== ''));
}

/**
 * Whether Reloader restarts the workload on a change of every Secret it references
 * (`reloader.stakater.com/auto` or `secret.reloader.stakater.com/auto` set to "true"), which
 * other people's manifests use instead of naming the Secrets.
 */
export function reloadsEverySecret(o: K8sObject): boolean {
  return ['reloader.stakater.com/auto', 'secret.reloader.stakater.com/auto'].some((k) => str(at(o, 'metadata', 'annotations', k)) === 'true');
}

/** The objects among `objects` that configure cluster `name` (they carry its label). */
export function objectsOfCluster(objects: readonly K8sObject[], name: string): K8sObject[] {
  return objects.filter((o) => str(at(o, 'metadata', 'labels', CLUSTER_LABEL)) === name);
}
