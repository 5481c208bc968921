/**
 * Reading Kubernetes objects defensively. Rules run on YAML nobody validated (any directory, not
 * only ours), so every field may be missing or of the wrong type; these helpers turn that into
 * `undefined` instead of exceptions.
 */
import type { K8sObject, ObjectRef } from './types.ts';

export type Json = Record<string, unknown>;

export function isRecord(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function rec(v: unknown): Json | undefined {
  return isRecord(v) ? v : undefined;
}

export function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** `a.b.c` lookup through records. */
export function at(v: unknown, ...keys: string[]): unknown {
  let cur = v;
  for (const k of keys) {
    if (!isRecord(cur)) return undefined;
    cur = cur[k];
  }
  return cur;
}

export function kindOf(o: K8sObject): string {
  return str(o.kind) ?? '';
}

export function nameOf(o: K8sObject): string {
  return str(o.metadata?.name) ?? '';
}

export function namespaceOf(o: K8sObject): string | undefined {
  return str(o.metadata?.namespace);
}

export function refOf(o: K8sObject): ObjectRef {
  const ns = namespaceOf(o);
  return ns === undefined ? { kind: kindOf(o), name: nameOf(o) } : { kind: kindOf(o), namespace: ns, name: nameOf(o) };
}

export function showRef(r: ObjectRef): string {
  return `${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name}`;
}

export function labelsOf(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(rec(at(v, 'metadata', 'labels')) ?? {})) if (typeof val === 'string') out[k] = val;
  return out;
}

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
  const keys = POD_SPEC_PATHS[kindOf(o)];
  const t = keys
    ? (() => {
        const template = keys.length === 0 ? o : at(o, ...keys);
        return { spec: rec(at(template, 'spec')) ?? {}, path: [...keys, 'spec'].join('.'), labels: labelsOf(template) };
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

/**
 * Whether `labels` satisfy a label selector: either a plain map (Service) or
 * `{ matchLabels, matchExpressions }` (everything else). An empty selector selects everything.
 */
export function selects(selector: unknown, labels: Record<string, string>, plainMap = false): boolean {
  const s = rec(selector);
  if (!s) return true;
  const matchLabels = plainMap ? s : rec(s['matchLabels']) ?? {};
  for (const [k, v] of Object.entries(matchLabels)) if (labels[k] !== v) return false;
  if (plainMap) return true;
  for (const e of arr(s['matchExpressions'])) {
    const key = str(at(e, 'key')) ?? '';
    const values = arr(at(e, 'values')).filter((x): x is string => typeof x === 'string');
    const has = Object.prototype.hasOwnProperty.call(labels, key);
    switch (str(at(e, 'operator'))) {
      case 'In':
        if (!has || !values.includes(labels[key]!)) return false;
        break;
      case 'NotIn':
        if (has && values.includes(labels[key]!)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

/** True when a `{matchLabels, matchExpressions}` selector has no terms at all. */
export function isEmptySelector(selector: unknown): boolean {
  const s = rec(selector);
  if (!s) return true;
  return Object.keys(rec(s['matchLabels']) ?? {}).length === 0 && arr(s['matchExpressions']).length === 0;
}

export function showValue(v: unknown): string {
  if (v === undefined) return 'unset';
  const text = JSON.stringify(v);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** Kinds that live outside namespaces (core, RBAC, storage, admission and common add-on CRDs). */
export const CLUSTER_SCOPED_KINDS: ReadonlySet<string> = new Set([
  'Namespace',
  'Node',
  'PersistentVolume',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'StorageClass',
  'CSIDriver',
  'CSINode',
  'VolumeAttachment',
  'PriorityClass',
  'RuntimeClass',
  'IngressClass',
  'GatewayClass',
  'APIService',
  'ValidatingWebhookConfiguration',
  'MutatingWebhookConfiguration',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
  'FlowSchema',
  'PriorityLevelConfiguration',
  'ClusterIssuer',
  'ClusterSecretStore',
  'ClusterExternalSecret',
  'ClusterImageCatalog',
]);

/** A container's security setting, falling back to the pod's (fields that exist at both levels). */
export function effectiveSecurity(t: PodTemplate, c: ContainerAt, field: string): { value: unknown; path: string } {
  const own = at(c.container, 'securityContext', field);
  if (own !== undefined) return { value: own, path: `${c.path}.securityContext.${field}` };
  const pod = at(t.spec, 'securityContext', field);
  if (pod !== undefined) return { value: pod, path: `${t.path}.securityContext.${field}` };
  return { value: undefined, path: `${c.path}.securityContext.${field}` };
}

/** Runs `fn` on every container of a workload; collects what it reports. */
export function eachContainer<T>(o: K8sObject, fn: (c: ContainerAt, t: PodTemplate) => T | T[] | undefined): T[] {
  const t = podTemplateOf(o);
  if (!t) return [];
  return containersOf(t).flatMap((c) => {
    const r = fn(c, t);
    return r === undefined ? [] : Array.isArray(r) ? r : [r];
  });
}

/** `container "api"` or `init container "migrate"` in messages. */
export function containerLabel(c: ContainerAt): string {
  return `${c.init ? 'init container' : 'container'} "${c.name}"`;
}
