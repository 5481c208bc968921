/**
 * Where a workload keeps its pod template, and the containers in it: the one lookup the policies,
 * the sync waves, the cluster add-on usage and the Pulumi program share.
 */
import type { K8sObject } from './object.ts';
import { arr, at, isRecord, rec, str, stringMap, type Json } from './read.ts';

/** Kinds whose objects carry a pod template, and where it sits. */
const POD_SPEC_PATHS: Readonly<Record<string, readonly string[]>> = {
  Pod: [],
  Deployment: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  ReplicaSet: ['spec', 'template'],
  ReplicationController: ['spec', 'template'],
  Job: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
};

export const WORKLOAD_KINDS: readonly string[] = Object.keys(POD_SPEC_PATHS);

/** Where a kind keeps its pod template (`['spec', 'template']`; `[]` for a Pod itself), or undefined for kinds without pods. */
export function podTemplatePath(kind: string): readonly string[] | undefined {
  return POD_SPEC_PATHS[kind];
}

/** Workloads that run until stopped (probes, replicas, budgets make sense for them). */
export const LONG_RUNNING_KINDS: readonly string[] = ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController'];

export interface PodTemplate {
  /** The pod spec; `{}` when the object has none. */
  readonly spec: Json;
  /** Dotted path of `spec`, e.g. `spec.template.spec`. */
  readonly path: string;
  /** Labels the pods will carry. */
  readonly labels: Record<string, string>;
}

/** The pod template of a workload object, or undefined for other kinds. */
export function podTemplateOf(o: K8sObject): PodTemplate | undefined {
  const cached = memo?.templates.get(o);
  if (cached !== undefined || memo?.templates.has(o)) return cached;
  const keys = typeof o.kind === 'string' ? POD_SPEC_PATHS[o.kind] : undefined;
  const t = keys
    ? (() => {
        const template = keys.length === 0 ? o : at(o, ...keys);
        return { spec: rec(at(template, 'spec')) ?? {}, path: [...keys, 'spec'].join('.'), labels: stringMap(at(template, 'metadata', 'labels')) };
      })()
    : undefined;
  memo?.templates.set(o, t);
  return t;
}

/**
 * Pod templates and container lists, remembered while one check runs. About forty rules read
 * the same template of each workload; objects cannot change during a check (it is synchronous),
 * and outside one nothing is remembered, so callers that edit objects between checks see edits.
 */
let memo: { templates: Map<K8sObject, PodTemplate | undefined>; containers: Map<PodTemplate, ContainerAt[]> } | undefined;

export function withTemplateMemo<T>(fn: () => T): T {
  if (memo) return fn();
  memo = { templates: new Map(), containers: new Map() };
  try {
    return fn();
  } finally {
    memo = undefined;
  }
}

export interface ContainerAt {
  readonly container: Json;
  /** Dotted path of the container, e.g. `spec.template.spec.containers[0]`. */
  readonly path: string;
  readonly name: string;
  readonly init: boolean;
}

/** Every container, init container and ephemeral container of a pod spec. */
export function containersOf(t: PodTemplate): ContainerAt[] {
  const cached = memo?.containers.get(t);
  if (cached) return cached;
  const out: ContainerAt[] = [];
  for (const field of ['initContainers', 'containers', 'ephemeralContainers']) {
    arr(t.spec[field]).forEach((c, i) => {
      if (isRecord(c)) out.push({ container: c, path: `${t.path}.${field}[${i}]`, name: str(c['name']) ?? `#${i}`, init: field !== 'containers' });
    });
  }
  memo?.containers.set(t, out);
  return out;
}

/** Only the app containers (`containers`), which serve traffic and get probes. */
export function appContainersOf(t: PodTemplate): ContainerAt[] {
  return containersOf(t).filter((c) => !c.init);
}
