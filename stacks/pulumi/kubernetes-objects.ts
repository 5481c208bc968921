/**
 * Registers the objects synth renders with `@pulumi/kubernetes`, one resource per object, so a
 * `pulumi preview` shows object by object what changes, exactly as `git diff generated/` does.
 *
 * - Names: `<Kind>/<namespace>/<name>` (`<Kind>/<name>` when cluster-scoped). They depend on nothing
 *   but the object's identity, so a re-run is a no-op and moving code around changes no URN.
 * - Order: each object depends on what it references (its namespace, CRD, ConfigMaps, Secrets,
 *   ServiceAccount, the Service it routes to...), the same graph that gives Argo CD its sync waves
 *   (`stacks/sync-waves.ts`), so both delivery paths apply in the same order.
 * - `deleteBeforeReplace`: names are explicit, so a replacement (an immutable field changed) must
 *   remove the old object before the new one can take its name.
 * - Readiness and hooks (readiness.ts): custom resources others rely on carry `pulumi.com/waitFor`,
 *   Jobs get timeouts past their own deadline, Argo CD's annotations are dropped; a Job runs again
 *   when its `replacementTriggers` entry (the values it applies) changes.
 */
import * as kubernetes from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import type { Manifest } from '../../kube/object.ts';
import { apiGroupOf, isBuiltInGroup } from '../../kube/api-version.ts';
import { dependencies } from '../dependencies.ts';
import type { Dependency } from '../dependency.ts';
import { syncWaves } from '../sync-waves.ts';
import { forPulumi, readinessOf } from './readiness.ts';

type ObjectConstructor = new (name: string, args: never, opts?: pulumi.CustomResourceOptions) => pulumi.CustomResource;

/** Built-in kinds, by `apiVersion/kind`, registered with their typed class (schema-aware diffs). */
const BUILT_IN: ReadonlyMap<string, ObjectConstructor> = new Map<string, ObjectConstructor>([
  ['v1/Namespace', kubernetes.core.v1.Namespace],
  ['v1/ConfigMap', kubernetes.core.v1.ConfigMap],
  ['v1/Secret', kubernetes.core.v1.Secret],
  ['v1/Service', kubernetes.core.v1.Service],
  ['v1/ServiceAccount', kubernetes.core.v1.ServiceAccount],
  ['v1/PersistentVolumeClaim', kubernetes.core.v1.PersistentVolumeClaim],
  ['apps/v1/Deployment', kubernetes.apps.v1.Deployment],
  ['apps/v1/StatefulSet', kubernetes.apps.v1.StatefulSet],
  ['apps/v1/DaemonSet', kubernetes.apps.v1.DaemonSet],
  ['batch/v1/Job', kubernetes.batch.v1.Job],
  ['batch/v1/CronJob', kubernetes.batch.v1.CronJob],
  ['autoscaling/v2/HorizontalPodAutoscaler', kubernetes.autoscaling.v2.HorizontalPodAutoscaler],
  ['policy/v1/PodDisruptionBudget', kubernetes.policy.v1.PodDisruptionBudget],
  ['networking.k8s.io/v1/NetworkPolicy', kubernetes.networking.v1.NetworkPolicy],
  ['networking.k8s.io/v1/Ingress', kubernetes.networking.v1.Ingress],
  ['rbac.authorization.k8s.io/v1/Role', kubernetes.rbac.v1.Role],
  ['rbac.authorization.k8s.io/v1/RoleBinding', kubernetes.rbac.v1.RoleBinding],
  ['rbac.authorization.k8s.io/v1/ClusterRole', kubernetes.rbac.v1.ClusterRole],
  ['rbac.authorization.k8s.io/v1/ClusterRoleBinding', kubernetes.rbac.v1.ClusterRoleBinding],
  ['apiextensions.k8s.io/v1/CustomResourceDefinition', kubernetes.apiextensions.v1.CustomResourceDefinition],
  ['storage.k8s.io/v1/StorageClass', kubernetes.storage.v1.StorageClass],
  ['scheduling.k8s.io/v1/PriorityClass', kubernetes.scheduling.v1.PriorityClass],
]);

/** The Pulumi resource name of an object. */
export function resourceNameOf(m: Pick<Manifest, 'kind' | 'metadata'>): string {
  return m.metadata.namespace ? `${m.kind}/${m.metadata.namespace}/${m.metadata.name}` : `${m.kind}/${m.metadata.name}`;
}

/** The class an object is registered with; a custom resource when its group is not built in. */
export function constructorOf(m: Pick<Manifest, 'apiVersion' | 'kind'>): ObjectConstructor {
  const typed = BUILT_IN.get(`${m.apiVersion}/${m.kind}`);
  if (typed) return typed;
  const group = apiGroupOf(m.apiVersion);
  if (group.includes('.') && !isBuiltInGroup(group)) return kubernetes.apiextensions.CustomResource as unknown as ObjectConstructor;
  throw new Error(`${m.apiVersion} ${m.kind}: no typed class registered for this built-in kind; add it to BUILT_IN in stacks/pulumi/kubernetes-objects.ts`);
}

export interface KubernetesObjectsArgs {
  /** The objects, as rendered (after any delivery-mode replacement). */
  readonly manifests: readonly Manifest[];
  /**
   * What the chart's constructs reported must run first (a client before the store it connects
   * to), between `manifests`; the same facts the sync waves read (stacks/render.ts).
   * @default - none
   */
  readonly dependencies?: readonly Dependency[];
  /** Replaces fields of an object with Outputs (Secret data, an IRSA role ARN annotation). */
  readonly overrides?: ReadonlyMap<Manifest, (m: Manifest) => Record<string, unknown>>;
  /**
   * Objects Pulumi must refuse to delete (production's namespace and data): a `pulumi destroy` or
   * an object dropped from the rendering then stops with an error instead of deleting them.
   * @default - none
   */
  readonly protect?: (m: Manifest) => boolean;
  /**
   * Values whose change replaces an object (a Job re-runs only as a new Job: its pod template is
   * immutable, and an unchanged spec is not applied again).
   * @default - none
   */
  readonly replacementTriggers?: ReadonlyMap<Manifest, pulumi.Input<unknown>>;
  /** Earlier resource names of objects, by current name, so renaming the scheme replaces nothing. */
  readonly previousNames?: Readonly<Record<string, readonly string[]>>;
  readonly provider?: kubernetes.Provider;
}

export class KubernetesObjects extends pulumi.ComponentResource {
  /** Each registered object, by resource name, in registration order. */
  readonly resources: ReadonlyMap<string, pulumi.CustomResource>;
  /** What each object was made to wait for, by resource name. */
  readonly dependsOn: ReadonlyMap<string, readonly string[]>;

  constructor(name: string, args: KubernetesObjectsArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super('agent-platform:kubernetes:Objects', name, {}, { ...opts, ...(args.provider ? { providers: [args.provider] } : {}) });
    const seen = new Set<string>();
    for (const m of args.manifests) {
      const key = resourceNameOf(m);
      if (seen.has(key)) throw new Error(`KubernetesObjects ${name}: ${key} is rendered twice`);
      seen.add(key);
      constructorOf(m);
    }
    const waves = syncWaves(args.manifests, args.dependencies);
    const needs = new Map<Manifest, Set<Manifest>>();
    for (const d of dependencies(args.manifests, args.dependencies)) {
      // An edge to an equal or later wave closes a reference cycle; Kubernetes controllers retry those.
      if ((waves.get(d.to) ?? 0) < (waves.get(d.from) ?? 0)) needs.set(d.from, (needs.get(d.from) ?? new Set()).add(d.to));
    }
    const ordered = [...args.manifests].sort((a, b) => (waves.get(a)! - waves.get(b)!) || (resourceNameOf(a) < resourceNameOf(b) ? -1 : 1));
    const created = new Map<Manifest, pulumi.CustomResource>();
    const resources = new Map<string, pulumi.CustomResource>();
    const dependsOnNames = new Map<string, string[]>();
    for (const m of ordered) {
      const resourceName = resourceNameOf(m);
      const Ctor = constructorOf(m);
      const readiness = readinessOf(m);
      const body = forPulumi(args.overrides?.get(m)?.(m) ?? m, readiness);
      const trigger = args.replacementTriggers?.get(m);
      const prerequisites = [...(needs.get(m) ?? [])].sort((a, b) => (resourceNameOf(a) < resourceNameOf(b) ? -1 : 1));
      const dependsOn = prerequisites.map((d) => created.get(d)!);
      dependsOnNames.set(resourceName, prerequisites.map(resourceNameOf));
      const previous = args.previousNames?.[resourceName] ?? [];
      const resource = new Ctor(resourceName, body as never, {
        parent: this,
        dependsOn,
        deleteBeforeReplace: true,
        protect: args.protect?.(m) ?? false,
        ...(readiness.customTimeouts ? { customTimeouts: readiness.customTimeouts } : {}),
        ...(trigger === undefined ? {} : { replacementTrigger: trigger }),
        ...(previous.length ? { aliases: previous.map((n) => ({ name: n })) } : {}),
      });
      created.set(m, resource);
      resources.set(resourceName, resource);
    }
    this.resources = resources;
    this.dependsOn = dependsOnNames;
    this.registerOutputs({});
  }
}
