/**
 * What the rules need of objects beyond the object model (kube/): names and references for
 * messages, label selectors, effective security settings. The model's readers and pod-template
 * lookup are re-exported, so a rule imports what it reads from one place.
 */
import type { K8sObject } from '../kube/object.ts';
import { podTemplateOf, containersOf, type ContainerAt, type PodTemplate } from '../kube/pod-template.ts';
import { arr, at, rec, str } from '../kube/read.ts';

export { CLUSTER_SCOPED_KINDS } from '../kube/cluster-scoped.ts';
export { arr, at, isRecord, rec, str, type Json } from '../kube/read.ts';
export { appContainersOf, containersOf, LONG_RUNNING_KINDS, podTemplateOf, withTemplateMemo, WORKLOAD_KINDS, type ContainerAt, type PodTemplate } from '../kube/pod-template.ts';

export function kindOf(o: K8sObject): string {
  return str(o.kind) ?? '';
}

export function nameOf(o: K8sObject): string {
  return str(o.metadata?.name) ?? '';
}

export function namespaceOf(o: K8sObject): string | undefined {
  return str(o.metadata?.namespace);
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

/** `namespace shop`, or `the unspecified namespace`, in messages. */
export function nsLabel(ns: string): string {
  return ns === '' ? 'the unspecified namespace' : `namespace ${ns}`;
}
