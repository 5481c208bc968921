/**
 * Argo CD sync waves derived from what the rendered objects reference, never numbered by hand.
 *
 * Every object's wave is the length of the longest chain of references below it: a Namespace or
 * CRD references nothing and lands in wave 0; a ConfigMap or ExternalSecret references its
 * Namespace (1); a Deployment references its ConfigMap, Secret and ServiceAccount (2); its Service
 * selects it (3); the HTTPRoute routes to the Service (4). A workload that connects to another
 * (the API to Postgres, Prometheus to the API it scrapes) comes after it, as the tier that wires
 * them reports (constructs/relations.ts, passed in as `extra`), so data stores precede the app and
 * monitoring follows it.
 * A workload that signs in as a user an init Job creates comes after that Job, as the store's
 * module reports (`client.connections.startsAfter(init, ...)`): the API after `postgres-init`,
 * which creates its roles and databases.
 * A new component gets the right wave from its references and the connections it declares.
 */
import type { Manifest } from '../kube/object.ts';
import { dependencies } from './dependencies.ts';
import { objectKey, type Dependency } from './dependency.ts';

export const SYNC_WAVE_ANNOTATION = 'argocd.argoproj.io/sync-wave';

/**
 * The wave of every object: 0 for objects that reference nothing rendered, otherwise one more than
 * the highest wave among what they reference. A reference cycle (which Kubernetes tolerates, since
 * controllers retry) is broken at the edge that closes it, deterministically.
 */
export function syncWaves(manifests: readonly Manifest[], extra: readonly Dependency[] = []): Map<Manifest, number> {
  const edges = new Map<Manifest, Manifest[]>();
  for (const d of dependencies(manifests, extra)) edges.set(d.from, [...(edges.get(d.from) ?? []), d.to]);
  for (const list of edges.values()) list.sort((a, b) => (objectKey(a) < objectKey(b) ? -1 : 1));
  const waves = new Map<Manifest, number>();
  const onStack = new Set<Manifest>();
  const depth = (m: Manifest): number => {
    const known = waves.get(m);
    if (known !== undefined) return known;
    onStack.add(m);
    let wave = 0;
    for (const to of edges.get(m) ?? []) if (!onStack.has(to)) wave = Math.max(wave, depth(to) + 1);
    onStack.delete(m);
    waves.set(m, wave);
    return wave;
  };
  for (const m of [...manifests].sort((a, b) => (objectKey(a) < objectKey(b) ? -1 : 1))) depth(m);
  // Argo CD waits for a wave to be healthy before the next. A Certificate is healthy only once the
  // CA has answered (DNS, ACME), so it goes as late as its consumers allow: a pending certificate
  // then holds back the Gateway that needs it, not every workload.
  for (const m of manifests) {
    if (!LATE_KINDS.has(m.kind)) continue;
    const consumers = [...edges].filter(([, to]) => to.includes(m)).map(([from]) => waves.get(from)!);
    if (consumers.length > 0) waves.set(m, Math.max(waves.get(m)!, Math.min(...consumers) - 1));
  }
  return waves;
}

/** Kinds whose health depends on the outside world; see {@link syncWaves}. */
const LATE_KINDS: ReadonlySet<string> = new Set(['Certificate']);

/** Writes each object's wave into its `argocd.argoproj.io/sync-wave` annotation. */
export function applySyncWaves(manifests: readonly Manifest[], extra: readonly Dependency[] = []): void {
  for (const [m, wave] of syncWaves(manifests, extra)) {
    const annotations = (m.metadata['annotations'] ?? {}) as Record<string, string>;
    m.metadata['annotations'] = { ...annotations, [SYNC_WAVE_ANNOTATION]: String(wave) };
  }
}
