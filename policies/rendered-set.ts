/**
 * The whole set of objects being checked, indexed once so that cross-resource rules stay linear:
 * checking 10,000 objects must not compare every Service with every pod of every namespace.
 */
import { arr, at, isEmptySelector, kindOf, nameOf, namespaceOf, podTemplateOf, selects, str, type PodTemplate } from './objects.ts';
import { ClusterCapabilities } from './cluster.ts';
import type { K8sObject } from '../kube/object.ts';
import { producedBy } from '../kube/produced.ts';
import type { CheckEnvironment } from './check-environment.ts';

/** Pods that will run in a namespace: from a workload's template, or from an operator's resource. */
export interface PodSource {
  readonly owner: K8sObject;
  readonly labels: Record<string, string>;
  /** Present for workloads rendered here; absent for operator-run pods. */
  readonly template?: PodTemplate;
  /** Container port numbers by name, and every declared number (as its decimal string). */
  readonly ports: ReadonlyMap<string, number>;
  /** For operator-run pods, what they are (`CloudNativePG join Job pods`). */
  readonly role?: string;
}

export interface ServicePort {
  readonly name?: string;
  readonly port: number;
}

function key(ns: string, name: string): string {
  return `${ns}\u0000${name}`;
}

function portsOfTemplate(t: PodTemplate): Map<string, number> {
  const ports = new Map<string, number>();
  for (const field of ['containers', 'initContainers']) {
    for (const c of arr(t.spec[field])) {
      for (const p of arr(at(c, 'ports'))) {
        const n = at(p, 'containerPort');
        if (typeof n !== 'number') continue;
        ports.set(String(n), n);
        const pn = str(at(p, 'name'));
        if (pn) ports.set(pn, n);
      }
    }
  }
  return ports;
}

interface Index {
  readonly pods: Map<string, PodSource[]>;
  readonly secrets: Set<string>;
  readonly configMaps: Set<string>;
  readonly pvcs: Set<string>;
  readonly services: Map<string, readonly ServicePort[]>;
}

/** Pods, Secrets, ConfigMaps, claims and Services of the set, rendered or produced by a controller. */
function indexOf(set: RenderedSet): Index {
  const pods = new Map<string, PodSource[]>();
  const secrets = new Set<string>();
  const configMaps = new Set<string>();
  const pvcs = new Set<string>();
  const services = new Map<string, readonly ServicePort[]>();
  const addPod = (ns: string, p: PodSource): void => {
    let list = pods.get(ns);
    if (!list) pods.set(ns, (list = []));
    list.push(p);
  };
  for (const o of set.objects) {
    const ns = namespaceOf(o) ?? '';
    const kind = kindOf(o);
    const t = podTemplateOf(o);
    if (t) addPod(ns, { owner: o, labels: t.labels, template: t, ports: portsOfTemplate(t) });
    if (kind === 'Secret') secrets.add(key(ns, nameOf(o)));
    if (kind === 'ConfigMap') configMaps.add(key(ns, nameOf(o)));
    if (kind === 'PersistentVolumeClaim') pvcs.add(key(ns, nameOf(o)));
    if (kind === 'Service') {
      const ports = arr(at(o, 'spec', 'ports')).flatMap((p) => {
        const port = at(p, 'port');
        if (typeof port !== 'number') return [];
        const name = str(at(p, 'name'));
        return [name === undefined ? { port } : { name, port }];
      });
      services.set(key(ns, nameOf(o)), ports);
    }
    const made = producedBy(o);
    for (const s of made.secrets) secrets.add(key(ns, s));
    for (const c of made.configMaps) configMaps.add(key(ns, c));
    for (const c of made.pvcs) pvcs.add(key(ns, c));
    for (const s of made.services) if (!services.has(key(ns, s.name))) services.set(key(ns, s.name), s.ports);
    for (const p of made.pods) {
      const ports = new Map(p.ports);
      for (const n of p.ports.values()) ports.set(String(n), n);
      addPod(ns, { owner: o, labels: p.labels, ports, ...(p.role ? { role: p.role } : {}) });
    }
  }
  return { pods, secrets, configMaps, pvcs, services };
}

/** ServiceAccounts a RoleBinding or ClusterRoleBinding grants something to. */
function boundAccounts(set: RenderedSet): Set<string> {
  const bound = new Set<string>();
  for (const kind of ['RoleBinding', 'ClusterRoleBinding']) {
    for (const b of set.ofKind(kind)) {
      for (const s of arr(at(b, 'subjects'))) {
        if (str(at(s, 'kind')) !== 'ServiceAccount') continue;
        // A RoleBinding's subject without a namespace is in the binding's namespace.
        const ns = str(at(s, 'namespace')) ?? (kind === 'RoleBinding' ? namespaceOf(b) : undefined) ?? '';
        bound.add(key(ns, str(at(s, 'name')) ?? ''));
      }
    }
  }
  return bound;
}

/** HorizontalPodAutoscalers by the kind, namespace and name of their scale target. */
function autoscalersByTarget(set: RenderedSet): Map<string, K8sObject> {
  const out = new Map<string, K8sObject>();
  for (const h of set.ofKind('HorizontalPodAutoscaler')) {
    const kind = str(at(h, 'spec', 'scaleTargetRef', 'kind')) ?? '';
    const name = str(at(h, 'spec', 'scaleTargetRef', 'name')) ?? '';
    out.set(`${kind}\u0000${key(namespaceOf(h) ?? '', name)}`, h);
  }
  return out;
}

export class RenderedSet {
  readonly objects: readonly K8sObject[];
  readonly env: CheckEnvironment;
  private readonly byKind = new Map<string, K8sObject[]>();
  private readonly byKindNsName = new Map<string, K8sObject>();
  private readonly byKindNs = new Map<string, K8sObject[]>();
  private readonly derivedFacts = new Map<(set: RenderedSet) => unknown, unknown>();

  /**
   * What the cluster the objects are deployed to offers (its add-ons and StorageClasses), read from
   * `context` and from the objects themselves; undefined when nothing describes a cluster (a
   * directory of someone else's manifests), so rules about the cluster have nothing to judge.
   */
  readonly cluster: ClusterCapabilities | undefined;

  /** `context`: objects of the cluster (add-ons, StorageClasses) visible to rules but not checked. */
  constructor(objects: readonly K8sObject[], env: CheckEnvironment, context?: readonly K8sObject[]) {
    this.objects = objects;
    this.env = env;
    const cluster = new ClusterCapabilities([...objects, ...(context ?? [])]);
    this.cluster = context !== undefined || cluster.described ? cluster : undefined;
    for (const o of objects) {
      const kind = kindOf(o);
      let list = this.byKind.get(kind);
      if (!list) this.byKind.set(kind, (list = []));
      list.push(o);
      this.byKindNsName.set(`${kind}\u0000${key(namespaceOf(o) ?? '', nameOf(o))}`, o);
      const kn = key(kind, namespaceOf(o) ?? '');
      let inNs = this.byKindNs.get(kn);
      if (!inNs) this.byKindNs.set(kn, (inNs = []));
      inNs.push(o);
    }
  }

  ofKind(kind: string): readonly K8sObject[] {
    return this.byKind.get(kind) ?? [];
  }

  /** Objects of `kind` in `namespace` (`''` for cluster-scoped or unspecified). */
  ofKindIn(kind: string, namespace: string): readonly K8sObject[] {
    return this.byKindNs.get(key(kind, namespace)) ?? [];
  }

  /** The object of `kind` named `name` in `namespace` (`''` for cluster-scoped or unspecified). */
  get(kind: string, namespace: string, name: string): K8sObject | undefined {
    return this.byKindNsName.get(`${kind}\u0000${key(namespace, name)}`);
  }

  /**
   * What `derive` reads from the whole set, computed on first use and remembered with the set: the
   * one cache of per-set facts (indexes, superusers, rotated Secrets), so rules stay linear and a
   * new set never sees an old one's facts. `derive` must be a module-level function: it is the key.
   */
  derived<T>(derive: (set: RenderedSet) => T): T {
    if (this.derivedFacts.has(derive)) return this.derivedFacts.get(derive) as T;
    const value = derive(this);
    this.derivedFacts.set(derive, value);
    return value;
  }

  private index(): Index {
    return this.derived(indexOf);
  }

  /** Every pod source in `namespace`. */
  podsIn(namespace: string): readonly PodSource[] {
    return this.index().pods.get(namespace) ?? [];
  }

  /** Namespaces in which some pod will run. */
  namespacesWithPods(): string[] {
    return [...this.index().pods.keys()];
  }

  /** Rendered, or produced by an ExternalSecret, a Certificate, an operator, ... */
  hasSecret(namespace: string, name: string): boolean {
    return this.index().secrets.has(key(namespace, name));
  }

  hasConfigMap(namespace: string, name: string): boolean {
    return this.index().configMaps.has(key(namespace, name));
  }

  /** Rendered, or a StatefulSet replica's claim from its volumeClaimTemplates. */
  hasPvc(namespace: string, name: string): boolean {
    return this.index().pvcs.has(key(namespace, name));
  }

  /** Ports of a rendered or operator-produced Service, or undefined when there is none. */
  servicePorts(namespace: string, name: string): readonly ServicePort[] | undefined {
    return this.index().services.get(key(namespace, name));
  }

  /** Whether a RoleBinding or ClusterRoleBinding in the set grants something to this ServiceAccount. */
  isBound(namespace: string, account: string): boolean {
    return this.derived(boundAccounts).has(key(namespace, account));
  }

  /** The HorizontalPodAutoscaler whose scaleTargetRef is `o`, if any. */
  autoscalerOf(o: K8sObject): K8sObject | undefined {
    return this.derived(autoscalersByTarget).get(`${kindOf(o)}\u0000${key(namespaceOf(o) ?? '', nameOf(o))}`);
  }

  /** Replicas a workload runs with at least: the autoscaler's minimum, else spec.replicas (default 1). */
  minReplicasOf(o: K8sObject): number {
    const hpa = this.autoscalerOf(o);
    const n = hpa ? (at(hpa, 'spec', 'minReplicas') ?? 1) : (at(o, 'spec', 'replicas') ?? 1);
    return typeof n === 'number' ? n : 1;
  }

  /** PodDisruptionBudgets in the object's namespace whose selector matches its pods. */
  budgetsFor(o: K8sObject, labels: Record<string, string>): K8sObject[] {
    const ns = namespaceOf(o) ?? '';
    return this.ofKindIn('PodDisruptionBudget', ns).filter((p) => !isEmptySelector(at(p, 'spec', 'selector')) && selects(at(p, 'spec', 'selector'), labels));
  }
}
