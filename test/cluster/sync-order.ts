/**
 * The order Argo CD applies an Application's objects in, read the way its sync engine reads it
 * (gitops-engine `pkg/sync/sync_tasks.go`, vendored in argo-cd v3.5 as `gitops-engine/`):
 *
 *   1. phase: PreSync, Sync, PostSync (a hook's `argocd.argoproj.io/hook`; plain objects are Sync);
 *   2. wave: the `argocd.argoproj.io/sync-wave` annotation (default 0);
 *   3. kind, in Helm's install order (`kindOrder`); kinds outside the list (custom resources) last;
 *   4. name.
 *
 * Then a Namespace is pulled before the first object in it, taking that object's wave and phase
 * (`adjustDeps`). Argo CD starts a wave only when every object of the previous one is healthy and
 * its hooks have completed (sync_context.go), which {@link syncSteps} models as one step per
 * (phase, wave).
 */
import { at, kindOf, nameOf, namespaceOf, str } from '../../policies/objects.ts';
import type { K8sObject } from '../../policies/types.ts';

export const SYNC_WAVE = 'argocd.argoproj.io/sync-wave';
export const HOOK = 'argocd.argoproj.io/hook';
export const HOOK_DELETE_POLICY = 'argocd.argoproj.io/hook-delete-policy';

/** gitops-engine `kindOrder` (Helm's kind_sorter.go at the commit gitops-engine cites). */
export const KIND_ORDER: readonly string[] = [
  'Namespace', 'NetworkPolicy', 'ResourceQuota', 'LimitRange', 'PodSecurityPolicy', 'PodDisruptionBudget', 'ServiceAccount',
  'Secret', 'SecretList', 'ConfigMap', 'StorageClass', 'PersistentVolume', 'PersistentVolumeClaim', 'CustomResourceDefinition',
  'ClusterRole', 'ClusterRoleList', 'ClusterRoleBinding', 'ClusterRoleBindingList', 'Role', 'RoleList', 'RoleBinding',
  'RoleBindingList', 'Service', 'DaemonSet', 'Pod', 'ReplicationController', 'ReplicaSet', 'Deployment',
  'HorizontalPodAutoscaler', 'StatefulSet', 'Job', 'CronJob', 'IngressClass', 'Ingress', 'APIService',
];

const PHASES = ['PreSync', 'Sync', 'PostSync', 'SyncFail'] as const;
export type SyncPhase = (typeof PHASES)[number];

/** One object as the sync engine schedules it. */
export interface SyncTask {
  readonly object: K8sObject;
  readonly phase: SyncPhase;
  readonly wave: number;
  /** A resource hook: created anew on every sync (after deleting the previous one) instead of applied. */
  readonly hook: boolean;
}

/** `kindOrder[kind]`: negative for known kinds, 0 (last) for anything else, as upstream. */
function kindRank(kind: string): number {
  const i = KIND_ORDER.indexOf(kind);
  return i < 0 ? 0 : i - KIND_ORDER.length;
}

function waveOf(o: K8sObject): number {
  const v = str(at(o, 'metadata', 'annotations', SYNC_WAVE));
  const n = v === undefined ? 0 : Number.parseInt(v, 10);
  if (!Number.isFinite(n)) throw new Error(`${kindOf(o)} ${nameOf(o)}: ${SYNC_WAVE} ${JSON.stringify(v)} is not an integer`);
  return n;
}

/** Hook phases named by the annotation (comma-separated, e.g. `PreSync,Sync`); empty for a plain object. */
function hookPhases(o: K8sObject): SyncPhase[] {
  const v = str(at(o, 'metadata', 'annotations', HOOK));
  if (v === undefined) return [];
  return v
    .split(',')
    .map((s) => s.trim())
    .filter((s): s is SyncPhase => (PHASES as readonly string[]).includes(s));
}

/** Every object as sync tasks in the order Argo CD runs them. Skip hooks are left out, as upstream. */
export function syncTasks(objects: readonly K8sObject[]): SyncTask[] {
  const tasks: { task: SyncTask; waveOverride?: number; phaseOverride?: SyncPhase }[] = [];
  for (const o of objects) {
    const hooks = hookPhases(o);
    if (str(at(o, 'metadata', 'annotations', HOOK))?.includes('Skip')) continue;
    if (hooks.length === 0) tasks.push({ task: { object: o, phase: 'Sync', wave: waveOf(o), hook: false } });
    for (const phase of hooks) tasks.push({ task: { object: o, phase, wave: waveOf(o), hook: true } });
  }
  const phase = (t: (typeof tasks)[number]) => PHASES.indexOf(t.phaseOverride ?? t.task.phase);
  const wave = (t: (typeof tasks)[number]) => t.waveOverride ?? t.task.wave;
  tasks.sort(
    (a, b) =>
      phase(a) - phase(b) ||
      wave(a) - wave(b) ||
      kindRank(kindOf(a.task.object)) - kindRank(kindOf(b.task.object)) ||
      (nameOf(a.task.object) < nameOf(b.task.object) ? -1 : nameOf(a.task.object) > nameOf(b.task.object) ? 1 : 0),
  );
  // adjustDeps: a Namespace moves before the first object that lives in it, into its wave and phase.
  const firstUse = new Map<string, number>();
  for (let i = 0; i < tasks.length; i++) {
    const t = tasks[i]!;
    const o = t.task.object;
    const isNamespace = kindOf(o) === 'Namespace' && str(o.apiVersion) === 'v1';
    if (isNamespace) {
      const index = firstUse.get(nameOf(o));
      if (index !== undefined) {
        t.waveOverride = wave(tasks[index]!);
        t.phaseOverride = tasks[index]!.phaseOverride ?? tasks[index]!.task.phase;
        tasks.splice(i, 1);
        tasks.splice(index, 0, t);
        for (const [ns, at] of firstUse) if (at >= index) firstUse.set(ns, at + 1);
      }
    } else {
      const ns = namespaceOf(o);
      if (ns && !firstUse.has(ns)) firstUse.set(ns, i);
    }
  }
  return tasks.map((t) => ({ ...t.task, wave: wave(t), phase: t.phaseOverride ?? t.task.phase }));
}

/** One step of a sync: the tasks of one phase and wave, which must all be healthy before the next. */
export interface SyncStep {
  readonly phase: SyncPhase;
  readonly wave: number;
  readonly tasks: readonly SyncTask[];
}

/** The tasks grouped into the steps Argo CD waits between. */
export function syncSteps(objects: readonly K8sObject[]): SyncStep[] {
  const steps: SyncStep[] = [];
  for (const t of syncTasks(objects)) {
    const last = steps[steps.length - 1];
    if (last && last.phase === t.phase && last.wave === t.wave) (last.tasks as SyncTask[]).push(t);
    else steps.push({ phase: t.phase, wave: t.wave, tasks: [t] });
  }
  return steps;
}
