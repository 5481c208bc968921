/**
 * Applies rendered objects to a control plane the way an Argo CD sync with `ServerSideApply=true`
 * does: server-side apply under Argo CD's field manager with strict field validation, step by step
 * in sync order (./sync-order.ts), resource hooks deleted and created anew (their
 * `BeforeHookCreation` policy, also Argo CD's default), and each step waited on until its objects
 * are healthy before the next starts.
 *
 * Health is judged here only for kinds whose controllers run in the control plane (Deployments,
 * StatefulSets, DaemonSets, Jobs, claims): custom resources (Certificates, ExternalSecrets,
 * CloudNativePG Clusters, Gateways) need their operators, which this harness does not run, so a
 * step does not wait for them. That Argo CD reaches Healthy on them is test/cluster's Argo CD stage.
 */
import { at, kindOf, nameOf, namespaceOf, str } from '../../policies/objects.ts';
import type { K8sObject } from '../../policies/types.ts';
import { type ApiError, type Json, type KubeApi, waitFor } from './kube-api.ts';
import { HOOK_DELETE_POLICY, syncSteps, type SyncStep } from './sync-order.ts';

/** The field manager Argo CD applies with (argo-cd v3.5 `common.ArgoCDSSAManager`). */
export const ARGOCD_FIELD_MANAGER = 'argocd-controller';

/** `StatefulSet agent-platform-prod/redis`. */
export function labelOf(o: K8sObject): string {
  const ns = namespaceOf(o);
  return `${kindOf(o)} ${ns ? `${ns}/` : ''}${nameOf(o)}`;
}

/** One object the API server refused, with its answer. */
export interface Rejection {
  readonly object: K8sObject;
  readonly label: string;
  readonly error: ApiError;
}

export interface SyncOutcome {
  /** Objects the API server accepted. */
  readonly applied: readonly K8sObject[];
  readonly rejected: readonly Rejection[];
  /** Steps in the order they ran, with how long each took (apply plus wait for health). */
  readonly steps: readonly { readonly phase: string; readonly wave: number; readonly objects: number; readonly ms: number }[];
}

export interface SyncOptions {
  /** Wait for each step's objects to be healthy before the next step. @default true */
  readonly waitHealthy?: boolean;
  /** How long one step may take to become healthy. @default 180 s */
  readonly stepTimeoutMs?: number;
  /** @default {@link ARGOCD_FIELD_MANAGER} */
  readonly fieldManager?: string;
}

/** Whether a hook's previous instance is deleted before it is created again (Argo CD's default policy). */
function recreatedBeforeCreation(o: K8sObject): boolean {
  const policy = str(at(o, 'metadata', 'annotations', HOOK_DELETE_POLICY));
  return policy === undefined || policy.split(',').map((s) => s.trim()).includes('BeforeHookCreation');
}

/** Why `live` is not healthy yet (undefined when it is), for the kinds judged here. */
export function unhealthyReason(live: Json): string | undefined {
  const kind = String(live['kind']);
  const spec = (live['spec'] ?? {}) as Json;
  const status = (live['status'] ?? {}) as Json;
  const meta = (live['metadata'] ?? {}) as Json;
  const generation = Number(meta['generation'] ?? 0);
  const observed = Number(status['observedGeneration'] ?? 0);
  const num = (v: unknown) => (typeof v === 'number' ? v : 0);
  if (kind === 'Deployment' || kind === 'StatefulSet') {
    const want = typeof spec['replicas'] === 'number' ? spec['replicas'] : 1;
    if (observed < generation) return `generation ${generation} not observed yet (${observed})`;
    if (num(status['updatedReplicas']) < want) return `${num(status['updatedReplicas'])}/${want} updated`;
    const ready = kind === 'Deployment' ? num(status['availableReplicas']) : num(status['readyReplicas']);
    if (ready < want) return `${ready}/${want} ${kind === 'Deployment' ? 'available' : 'ready'}`;
    if (num(status['replicas']) > want) return `${num(status['replicas'])} replicas, old ones still terminating`;
    if (kind === 'StatefulSet' && status['currentRevision'] !== status['updateRevision']) return `revision ${String(status['updateRevision'])} not rolled out`;
    return undefined;
  }
  if (kind === 'DaemonSet') {
    if (observed < generation) return `generation ${generation} not observed yet`;
    return num(status['numberReady']) < num(status['desiredNumberScheduled']) ? `${num(status['numberReady'])}/${num(status['desiredNumberScheduled'])} ready` : undefined;
  }
  if (kind === 'Job') {
    const conditions = (status['conditions'] ?? []) as Json[];
    const failed = conditions.find((c) => c['type'] === 'Failed' && c['status'] === 'True');
    if (failed) throw new Error(`Job ${String(meta['namespace'])}/${String(meta['name'])} failed: ${String(failed['reason'])}: ${String(failed['message'])}`);
    return conditions.some((c) => c['type'] === 'Complete' && c['status'] === 'True') ? undefined : `not complete (active ${num(status['active'])}, succeeded ${num(status['succeeded'])})`;
  }
  if (kind === 'PersistentVolumeClaim') return status['phase'] === 'Bound' ? undefined : `claim ${String(status['phase'])}`;
  return undefined;
}

/** Kinds whose health this harness can judge (their controllers run in the control plane). */
export const JUDGED_KINDS: ReadonlySet<string> = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'PersistentVolumeClaim']);

async function waitHealthy(api: KubeApi, objects: readonly K8sObject[], timeoutMs: number): Promise<void> {
  const judged = objects.filter((o) => JUDGED_KINDS.has(kindOf(o)));
  await Promise.all(
    judged.map((o) =>
      waitFor(`${labelOf(o)} to be healthy`, timeoutMs, async (note) => {
        const live = await api.get(String(o.apiVersion), kindOf(o), namespaceOf(o), nameOf(o));
        if (!live) {
          note('gone');
          return undefined;
        }
        const why = unhealthyReason(live);
        if (why) note(why);
        return why === undefined ? true : undefined;
      }),
    ),
  );
}

async function runStep(api: KubeApi, step: SyncStep, manager: string, rejected: Rejection[], applied: K8sObject[]): Promise<K8sObject[]> {
  const accepted: K8sObject[] = [];
  for (const task of step.tasks) {
    const o = task.object;
    if (task.hook && recreatedBeforeCreation(o) && (await api.resourceOf(String(o.apiVersion), kindOf(o)))) {
      await api.deleteAndWait(String(o.apiVersion), kindOf(o), namespaceOf(o), nameOf(o));
    }
    const r = await api.apply(o, manager);
    if (r.ok) accepted.push(o);
    else rejected.push({ object: o, label: labelOf(o), error: r.error });
  }
  applied.push(...accepted);
  return accepted;
}

/** Applies `objects` in Argo CD's sync order; a refused object is recorded and the sync goes on. */
export async function syncObjects(api: KubeApi, objects: readonly K8sObject[], options: SyncOptions = {}): Promise<SyncOutcome> {
  const manager = options.fieldManager ?? ARGOCD_FIELD_MANAGER;
  const rejected: Rejection[] = [];
  const applied: K8sObject[] = [];
  const steps: { phase: string; wave: number; objects: number; ms: number }[] = [];
  for (const step of syncSteps(objects)) {
    const t0 = Date.now();
    const accepted = await runStep(api, step, manager, rejected, applied);
    if (options.waitHealthy ?? true) await waitHealthy(api, accepted, options.stepTimeoutMs ?? 180_000);
    steps.push({ phase: step.phase, wave: step.wave, objects: step.tasks.length, ms: Date.now() - t0 });
  }
  return { applied, rejected, steps };
}

/** A refusal as one line: the object, the server's reason and message. */
export function showRejection(r: Rejection): string {
  return `${r.label}: ${r.error.code} ${r.error.reason}: ${r.error.message}`;
}
