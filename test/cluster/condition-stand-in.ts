/**
 * The status conditions of the add-on controllers this harness does not run, played by the test
 * for `pulumi up`: Pulumi waits on a custom resource's `pulumi.com/waitFor` condition
 * (stacks/pulumi/readiness.ts), and for the kinds below no controller here ever sets it, so every
 * `up` would time out on them. Each kind is one Argo CD's harness forgives too, for the same reason
 * (HEALTH_OVERRIDES in ./argo-cd.ts says why its controller cannot run against kwok); a kind
 * listed here and not there fails the harness's own test.
 *
 * The loop sets exactly the condition the object's own annotation names, once the object exists,
 * so what Pulumi orders after it (the init Job after the Postgres Cluster, the routes after the
 * Gateway) still waits for it as on a real cluster; only the controller's work is missing.
 */
import { WAIT_FOR_ANNOTATION } from '../../stacks/pulumi/readiness.ts';
import type { Json, KubeApi } from './kube-api.ts';

/** The kinds whose readiness the loop reports, by Argo CD health key (`<group>_<Kind>`). */
export const CONDITION_STAND_INS = [
  { key: 'gateway.networking.k8s.io_Gateway', apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway' },
  { key: 'postgresql.cnpg.io_Cluster', apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster' },
] as const;

/** The condition type `pulumi.com/waitFor: condition=<type>` asks for, if that is its form. */
export function waitedCondition(o: Json): string | undefined {
  const annotations = ((o['metadata'] as Json | undefined)?.['annotations'] ?? {}) as Record<string, string>;
  return /^condition=([A-Za-z]+)$/.exec(annotations[WAIT_FOR_ANNOTATION] ?? '')?.[1];
}

function hasTrue(o: Json, type: string): boolean {
  const conditions = ((o['status'] as Json | undefined)?.['conditions'] ?? []) as { type?: string; status?: string }[];
  return conditions.some((c) => c.type === type && c.status === 'True');
}

/**
 * Every second, sets the waited-for condition of each object of CONDITION_STAND_INS that lacks it,
 * through the status subresource, as the controller would (a metav1.Condition, the shape both
 * CRDs require).
 * @returns stops the loop
 */
export function startConditionStandIn(api: KubeApi): () => Promise<void> {
  let running = true;
  const done = (async () => {
    while (running) {
      for (const { apiVersion, kind } of CONDITION_STAND_INS) {
        try {
          for (const o of await api.list(apiVersion, kind)) {
            const type = waitedCondition(o);
            if (!type || hasTrue(o, type)) continue;
            const meta = o['metadata'] as { name: string; namespace?: string; generation?: number };
            const condition = {
              type,
              status: 'True',
              reason: 'HarnessStandIn',
              message: `set by the cluster harness: the ${kind} controller is not run (test/cluster/condition-stand-in.ts)`,
              lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
              observedGeneration: meta.generation ?? 1,
            };
            const path = `${await api.pathOf(apiVersion, kind, meta.namespace, meta.name)}/status`;
            await api.request('PATCH', path, JSON.stringify({ status: { conditions: [condition] } }), 'application/merge-patch+json');
          }
        } catch {
          // The CRD is not served yet, or the plane is stopping: the next round sees the truth.
        }
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
  })();
  return async () => {
    running = false;
    await done;
  };
}
