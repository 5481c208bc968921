/**
 * Reading Argo CD Applications the way its CLI shows them (`argocd app get`): sync and health
 * status, the last operation, its resource results (hooks included), and conditions. Plus a
 * watcher that records, poll by poll, when each Application first appeared and first was
 * Healthy, which is what "in wave order" is checked against.
 */
import type { Kubectl } from './argo-cd.ts';

export interface ResourceResult {
  readonly group: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly status?: string;
  readonly message?: string;
  readonly hookType?: string;
  readonly hookPhase?: string;
  readonly syncPhase?: string;
}

export interface ApplicationState {
  readonly name: string;
  readonly wave: number;
  readonly project: string;
  readonly automated: boolean;
  readonly sync?: string;
  readonly health?: string;
  readonly healthMessage?: string;
  readonly operationPhase?: string;
  readonly operationMessage?: string;
  readonly syncResult: readonly ResourceResult[];
  /** Resources Argo CD tracks for the Application, with their own status. */
  readonly resources: readonly { group?: string; kind: string; namespace?: string; name: string; status?: string; health?: { status?: string; message?: string } }[];
  readonly conditions: readonly { type: string; message: string }[];
}

interface ApplicationJson {
  metadata: { name: string; annotations?: Record<string, string> };
  spec: { project: string; syncPolicy?: { automated?: unknown } };
  status?: {
    sync?: { status?: string };
    health?: { status?: string; message?: string };
    operationState?: { phase?: string; message?: string; syncResult?: { resources?: ResourceResult[] } };
    resources?: ApplicationState['resources'];
    conditions?: { type: string; message: string }[];
  };
}

function stateOf(a: ApplicationJson): ApplicationState {
  const s = a.status ?? {};
  return {
    name: a.metadata.name,
    wave: Number(a.metadata.annotations?.['argocd.argoproj.io/sync-wave'] ?? 0),
    project: a.spec.project,
    automated: a.spec.syncPolicy?.automated !== undefined,
    sync: s.sync?.status,
    health: s.health?.status,
    healthMessage: s.health?.message,
    operationPhase: s.operationState?.phase,
    operationMessage: s.operationState?.message,
    syncResult: s.operationState?.syncResult?.resources ?? [],
    resources: s.resources ?? [],
    conditions: s.conditions ?? [],
  };
}

/** Every Application in Argo CD's namespace, by name. */
export function applications(kubectl: Kubectl): Map<string, ApplicationState> {
  const list = JSON.parse(kubectl(['get', 'applications.argoproj.io', '-n', 'argocd', '-o', 'json'])) as { items: ApplicationJson[] };
  return new Map(list.items.map((a) => [a.metadata.name, stateOf(a)]));
}

/** One line per Application, for failure messages. */
export function describeApplications(apps: ReadonlyMap<string, ApplicationState>): string {
  return [...apps.values()]
    .map((a) => {
      const unhealthy = a.resources.filter((r) => r.health?.status && r.health.status !== 'Healthy').map((r) => `${r.kind}/${r.name}: ${r.health?.status} ${r.health?.message ?? ''}`.trim());
      const outOfSync = a.resources.filter((r) => r.status && r.status !== 'Synced').map((r) => `${r.kind}/${r.name}: ${r.status}`);
      return [
        `${a.name} (wave ${a.wave}): ${a.sync}/${a.health} ${a.healthMessage ?? ''} op=${a.operationPhase ?? '-'} ${a.operationMessage ?? ''}`.trim(),
        ...a.conditions.map((c) => `    condition ${c.type}: ${c.message}`),
        ...unhealthy.slice(0, 10).map((u) => `    unhealthy ${u}`),
        ...outOfSync.slice(0, 10).map((u) => `    out of sync ${u}`),
      ].join('\n');
    })
    .join('\n');
}

/**
 * Starts a manual sync of an Application, as `argocd app sync` does through the API server: it
 * sets the Application's `operation`, which the application controller carries out.
 */
export function requestSync(kubectl: Kubectl, name: string, revision?: string): void {
  const operation = { initiatedBy: { username: 'harness' }, sync: { ...(revision ? { revision } : {}), syncStrategy: { hook: {} } } };
  kubectl(['patch', 'applications.argoproj.io', name, '-n', 'argocd', '--type', 'merge', '-p', JSON.stringify({ operation })]);
}

/** When each Application was first seen and first Healthy, in poll numbers. */
export class WaveRecorder {
  private poll = 0;
  readonly firstSeen = new Map<string, number>();
  readonly firstHealthy = new Map<string, number>();
  readonly waves = new Map<string, number>();

  record(apps: ReadonlyMap<string, ApplicationState>): void {
    this.poll += 1;
    for (const a of apps.values()) {
      this.waves.set(a.name, a.wave);
      if (!this.firstSeen.has(a.name)) this.firstSeen.set(a.name, this.poll);
      // Argo CD starts the next wave once the earlier ones are Healthy (sync status aside).
      if (a.health === 'Healthy' && !this.firstHealthy.has(a.name)) this.firstHealthy.set(a.name, this.poll);
    }
  }

  /**
   * Pairs that broke wave order: an Application that appeared before one of an earlier wave (both
   * created by the same parent) was Healthy. `skip` names Applications created by hand (the root).
   */
  violations(skip: ReadonlySet<string>): string[] {
    const out: string[] = [];
    for (const [late, seen] of this.firstSeen) {
      if (skip.has(late)) continue;
      for (const [early, wave] of this.waves) {
        if (skip.has(early) || wave >= this.waves.get(late)!) continue;
        const healthy = this.firstHealthy.get(early);
        if (healthy === undefined || healthy > seen) out.push(`${late} (wave ${this.waves.get(late)}) appeared at poll ${seen}, before ${early} (wave ${wave}) was Healthy (poll ${healthy ?? 'never'})`);
      }
    }
    return out;
  }
}
