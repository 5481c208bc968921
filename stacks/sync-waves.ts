/**
 * Argo CD sync waves derived from what the rendered objects reference, never numbered by hand.
 *
 * Every object's wave is the length of the longest chain of references below it: a Namespace or
 * CRD references nothing and lands in wave 0; a ConfigMap or ExternalSecret references its
 * Namespace (1); a Deployment references its ConfigMap, Secret and ServiceAccount (2); its Service
 * selects it (3); the HTTPRoute routes to the Service (4). A workload whose configuration names a
 * Service (a `DATABASE_URL` pointing at `agent-postgres-rw`, a scrape config pointing at
 * `agent-api`) comes after that Service, so data stores precede the app and monitoring follows it.
 * A workload that reads a credential an init Job also reads comes after that Job (see
 * init-job-dependencies.ts): the API after `postgres-init`, which creates its roles and databases.
 * A new component gets the right wave from its references alone.
 */
import { initJobDependencies } from './init-job-dependencies.ts';
import type { Manifest } from './render.ts';

export const SYNC_WAVE_ANNOTATION = 'argocd.argoproj.io/sync-wave';

/** `from` references `to`, so `to` must be applied (and healthy) first. */
export interface Dependency {
  readonly from: Manifest;
  readonly to: Manifest;
  /** Why, for messages and tests: `envFrom configMapRef agent-service-settings`. */
  readonly reason: string;
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** `Deployment/agent-platform-prod/agent-api`. */
export function objectKey(m: Manifest): string {
  return `${m.kind}/${m.metadata.namespace ?? ''}/${m.metadata.name}`;
}

function groupOf(apiVersion: string): string {
  const slash = apiVersion.lastIndexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/** The pod spec a workload runs, and the labels its pods carry. */
function podTemplate(m: Manifest): { spec: Json; labels: Record<string, string> } | undefined {
  const spec = m['spec'];
  if (!isObject(spec)) return undefined;
  let template: unknown;
  if (m.kind === 'CronJob') template = ((spec['jobTemplate'] as Json | undefined)?.['spec'] as Json | undefined)?.['template'];
  else if (['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job'].includes(m.kind)) template = spec['template'];
  else if (m.kind === 'Pod') template = { metadata: m.metadata, spec };
  if (!isObject(template) || !isObject(template['spec'])) return undefined;
  const labels = ((template['metadata'] as Json | undefined)?.['labels'] ?? {}) as Record<string, string>;
  return { spec: template['spec'], labels };
}

function matches(selector: unknown, labels: Record<string, string>): boolean {
  if (!isObject(selector)) return false;
  const entries = Object.entries(selector);
  return entries.length > 0 && entries.every(([k, v]) => labels[k] === v);
}

/** Objects other objects' controllers create under a derived name (CloudNativePG's Secrets and Services). */
function derivedNames(m: Manifest): { secrets: string[]; services: string[] } {
  if (m.kind === 'Cluster' && groupOf(m.apiVersion) === 'postgresql.cnpg.io') {
    const n = m.metadata.name;
    return { secrets: [`${n}-app`, `${n}-superuser`, `${n}-ca`], services: [`${n}-rw`, `${n}-ro`, `${n}-r`] };
  }
  return { secrets: [], services: [] };
}

/** All string values of a pod spec's literal env vars, plus the data of ConfigMaps it reads. */
function configurationText(spec: Json, configMaps: ReadonlyMap<string, Manifest>, ns: string): string[] {
  const texts: string[] = [];
  const containers = [...asArray(spec['containers']), ...asArray(spec['initContainers'])].filter(isObject);
  const mapNames = new Set<string>();
  for (const c of containers) {
    for (const e of asArray(c['env']).filter(isObject)) {
      const value = str(e['value']);
      if (value) texts.push(value);
    }
    for (const a of [...asArray(c['args']), ...asArray(c['command'])]) if (typeof a === 'string') texts.push(a);
    for (const f of asArray(c['envFrom']).filter(isObject)) {
      const name = str((f['configMapRef'] as Json | undefined)?.['name']);
      if (name) mapNames.add(name);
    }
  }
  for (const v of asArray(spec['volumes']).filter(isObject)) {
    const name = str((v['configMap'] as Json | undefined)?.['name']);
    if (name) mapNames.add(name);
    for (const s of asArray((v['projected'] as Json | undefined)?.['sources']).filter(isObject)) {
      const pname = str((s['configMap'] as Json | undefined)?.['name']);
      if (pname) mapNames.add(pname);
    }
  }
  for (const name of mapNames) {
    const cm = configMaps.get(`${ns}/${name}`);
    for (const [key, value] of Object.entries((cm?.['data'] ?? {}) as Record<string, unknown>)) {
      // A mounted script names hosts in comments and messages ("scale deployment agent-api");
      // where it connects comes from its pod's env, read above. Only configuration files count.
      if (typeof value === 'string' && !SCRIPT_FILE.test(key)) texts.push(value);
    }
  }
  return texts;
}

/** Data keys of a ConfigMap that hold code rather than configuration. */
const SCRIPT_FILE = /\.(sh|bash|sql|py)$/;

/** Whether `text` uses `host` as a host name (`host`, `host:5432`, `host.ns.svc`, `//host/`), not as a substring of a word. */
function mentionsHost(text: string, host: string): boolean {
  // Checked for every (workload, Service) pair: a plain substring test first, and one compiled
  // pattern per host.
  if (!text.includes(host)) return false;
  let pattern = HOST_PATTERNS.get(host);
  if (!pattern) {
    const escaped = host.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    pattern = new RegExp(`(^|[/@\\s,="'\\[])${escaped}(\\.[a-z0-9-]+)*(:[0-9]+)?($|[/\\s,"'\\]?:])`);
    HOST_PATTERNS.set(host, pattern);
  }
  return pattern.test(text);
}
const HOST_PATTERNS = new Map<string, RegExp>();

/**
 * Every reference between the objects of one rendering. Objects referenced but not rendered here
 * (a ClusterIssuer installed by an add-on, the cluster DNS) are not dependencies of the rendering.
 */
export function dependencies(manifests: readonly Manifest[]): Dependency[] {
  const deps: Dependency[] = [];
  const byKindName = new Map<string, Manifest>();
  const namespaces = new Map<string, Manifest>();
  const crds = new Map<string, Manifest>();
  const configMaps = new Map<string, Manifest>();
  const secretProducers = new Map<string, Manifest>();
  const services = new Map<string, Manifest>();
  for (const m of manifests) {
    const ns = m.metadata.namespace ?? '';
    byKindName.set(`${m.kind}/${ns}/${m.metadata.name}`, m);
    if (m.kind === 'Namespace') namespaces.set(m.metadata.name, m);
    if (m.kind === 'CustomResourceDefinition') {
      const spec = (m['spec'] ?? {}) as Json;
      crds.set(`${str((spec['names'] as Json | undefined)?.['kind'])}.${str(spec['group'])}`, m);
    }
    if (m.kind === 'ConfigMap') configMaps.set(`${ns}/${m.metadata.name}`, m);
    if (m.kind === 'Secret') secretProducers.set(`${ns}/${m.metadata.name}`, m);
    if (m.kind === 'ExternalSecret') {
      const target = str(((m['spec'] as Json | undefined)?.['target'] as Json | undefined)?.['name']) ?? m.metadata.name;
      secretProducers.set(`${ns}/${target}`, m);
    }
    if (m.kind === 'Certificate') {
      const secretName = str((m['spec'] as Json | undefined)?.['secretName']);
      if (secretName) secretProducers.set(`${ns}/${secretName}`, m);
    }
    if (m.kind === 'Service') services.set(`${ns}/${m.metadata.name}`, m);
    const derived = derivedNames(m);
    for (const s of derived.secrets) secretProducers.set(`${ns}/${s}`, m);
    for (const s of derived.services) services.set(`${ns}/${s}`, m);
  }

  const add = (from: Manifest, to: Manifest | undefined, reason: string) => {
    if (to && to !== from) deps.push({ from, to, reason });
  };
  const lookup = (kind: string, ns: string, name: unknown) => (typeof name === 'string' ? byKindName.get(`${kind}/${ns}/${name}`) : undefined);

  for (const m of manifests) {
    const ns = m.metadata.namespace ?? '';
    const spec = (isObject(m['spec']) ? m['spec'] : {}) as Json;
    if (ns) add(m, namespaces.get(ns), `namespace ${ns}`);
    add(m, crds.get(`${m.kind}.${groupOf(m.apiVersion)}`), `CustomResourceDefinition of ${m.kind}`);

    // Secrets named anywhere (`secretName`, `secretRef.name`, `...Secret.name`, `s3Credentials.x.name`).
    const visit = (node: unknown, key: string) => {
      if (Array.isArray(node)) return node.forEach((n) => visit(n, key));
      if (typeof node === 'string' && /secret(name)?$/i.test(key)) add(m, secretProducers.get(`${ns}/${node}`), `${key} ${node}`);
      if (!isObject(node)) return;
      if (key === 'serviceAccountRef') {
        const name = str(node['name']);
        add(m, lookup('ServiceAccount', str(node['namespace']) ?? ns, name), `serviceAccountRef ${name}`);
      }
      if (/secret(keyref|ref)?$|credentials$/i.test(key) || /^(secretKeyRef|secretRef)$/.test(key)) {
        const name = str(node['name']);
        if (name) add(m, secretProducers.get(`${ns}/${name}`), `${key} ${name}`);
      }
      for (const [k, v] of Object.entries(node)) visit(v, key === 's3Credentials' || key === 'credentials' ? key : k);
    };
    visit(spec, '');

    const pod = podTemplate(m);
    if (pod) {
      add(m, lookup('ServiceAccount', ns, pod.spec['serviceAccountName']), `serviceAccountName ${String(pod.spec['serviceAccountName'])}`);
      for (const v of asArray(pod.spec['volumes']).filter(isObject)) {
        const cm = str((v['configMap'] as Json | undefined)?.['name']);
        add(m, lookup('ConfigMap', ns, cm), `volume configMap ${cm}`);
        const claim = str((v['persistentVolumeClaim'] as Json | undefined)?.['claimName']);
        add(m, lookup('PersistentVolumeClaim', ns, claim), `volume persistentVolumeClaim ${claim}`);
        for (const s of asArray((v['projected'] as Json | undefined)?.['sources']).filter(isObject)) {
          const pcm = str((s['configMap'] as Json | undefined)?.['name']);
          add(m, lookup('ConfigMap', ns, pcm), `projected configMap ${pcm}`);
        }
      }
      for (const c of [...asArray(pod.spec['containers']), ...asArray(pod.spec['initContainers'])].filter(isObject)) {
        for (const f of asArray(c['envFrom']).filter(isObject)) {
          const cm = str((f['configMapRef'] as Json | undefined)?.['name']);
          add(m, lookup('ConfigMap', ns, cm), `envFrom configMapRef ${cm}`);
        }
        for (const e of asArray(c['env']).filter(isObject)) {
          const cm = str(((e['valueFrom'] as Json | undefined)?.['configMapKeyRef'] as Json | undefined)?.['name']);
          add(m, lookup('ConfigMap', ns, cm), `env configMapKeyRef ${cm}`);
        }
      }
      // A workload configured to talk to a Service starts after that Service's backends.
      const texts = configurationText(pod.spec, configMaps, ns);
      for (const [key, svc] of services) {
        const [svcNs, svcName] = key.split('/') as [string, string];
        if (svcNs !== ns) continue;
        if (!texts.some((t) => mentionsHost(t, svcName) || mentionsHost(t, `${svcName}.${ns}`))) continue;
        add(m, svc, `configuration names Service ${svcName}`);
        // A headless Service comes before its StatefulSet, so waiting for the Service alone is not enough.
        const selector = svc.kind === 'Service' ? (svc['spec'] as Json | undefined)?.['selector'] : undefined;
        for (const w of manifests) {
          const wp = (w.metadata.namespace ?? '') === ns && w !== m ? podTemplate(w) : undefined;
          if (wp && matches(selector, wp.labels)) add(m, w, `configuration names Service ${svcName} of ${w.kind} ${w.metadata.name}`);
        }
      }
      if (m.kind === 'StatefulSet') add(m, lookup('Service', ns, spec['serviceName']), `serviceName ${String(spec['serviceName'])}`);
    }

    if (m.kind === 'Service') {
      for (const w of manifests) {
        if ((w.metadata.namespace ?? '') !== ns || w.kind === 'Pod') continue;
        const wp = podTemplate(w);
        // A StatefulSet's governing Service must exist before it; that edge runs the other way.
        if (!wp || (w.kind === 'StatefulSet' && (w['spec'] as Json)['serviceName'] === m.metadata.name)) continue;
        if (matches(spec['selector'], wp.labels)) add(m, w, `selects the pods of ${w.kind} ${w.metadata.name}`);
      }
    }
    if (m.kind === 'Gateway') {
      // A listener's certificate Secret comes from a Certificate; a pending certificate then holds
      // back the Gateway that needs it, not every workload (see LATE_KINDS).
      for (const l of asArray(spec['listeners']).filter(isObject)) {
        for (const ref of asArray((l['tls'] as Json | undefined)?.['certificateRefs']).filter(isObject)) {
          const secret = str(ref['name']);
          for (const c of manifests) {
            if (c.kind === 'Certificate' && (c.metadata.namespace ?? '') === ns && (c['spec'] as Json | undefined)?.['secretName'] === secret) add(m, c, `listener ${String(l['name'])} certificate Secret ${secret}`);
          }
        }
      }
      const params = (spec['infrastructure'] as Json | undefined)?.['parametersRef'];
      if (isObject(params)) add(m, lookup(String(params['kind']), ns, params['name']), `infrastructure ${String(params['kind'])} ${String(params['name'])}`);
    }
    if (m.kind === 'HTTPRoute' || m.kind === 'GRPCRoute') {
      for (const p of asArray(spec['parentRefs']).filter(isObject)) add(m, lookup(String(p['kind'] ?? 'Gateway'), str(p['namespace']) ?? ns, p['name']), `parentRef ${String(p['name'])}`);
      for (const r of asArray(spec['rules']).filter(isObject)) {
        for (const b of asArray(r['backendRefs']).filter(isObject)) add(m, lookup(String(b['kind'] ?? 'Service'), str(b['namespace']) ?? ns, b['name']), `backendRef ${String(b['name'])}`);
      }
    }
    // Envoy Gateway's policies attach to a Gateway or route.
    for (const t of asArray(spec['targetRefs']).filter(isObject)) add(m, lookup(String(t['kind']), ns, t['name']), `targetRef ${String(t['kind'])} ${String(t['name'])}`);
    if (m.kind === 'RoleBinding' || m.kind === 'ClusterRoleBinding') {
      const role = (m['roleRef'] ?? {}) as Json;
      add(m, lookup(String(role['kind']), role['kind'] === 'ClusterRole' ? '' : ns, role['name']), `roleRef ${String(role['name'])}`);
      for (const s of asArray(m['subjects']).filter(isObject)) {
        if (s['kind'] === 'ServiceAccount') add(m, lookup('ServiceAccount', str(s['namespace']) ?? ns, s['name']), `subject ServiceAccount ${String(s['name'])}`);
      }
    }
    if (m.kind === 'HorizontalPodAutoscaler') {
      const target = (spec['scaleTargetRef'] ?? {}) as Json;
      add(m, lookup(String(target['kind']), ns, target['name']), `scaleTargetRef ${String(target['kind'])} ${String(target['name'])}`);
    }
    if (m.kind === 'PodDisruptionBudget') {
      const selector = (spec['selector'] as Json | undefined)?.['matchLabels'];
      for (const w of manifests) {
        const wp = (w.metadata.namespace ?? '') === ns ? podTemplate(w) : undefined;
        if (wp && matches(selector, wp.labels)) add(m, w, `budget for ${w.kind} ${w.metadata.name}`);
      }
    }
    if (m.kind === 'ServiceMonitor' || m.kind === 'PodMonitor') {
      const selector = (spec['selector'] as Json | undefined)?.['matchLabels'];
      for (const t of manifests) {
        if ((t.metadata.namespace ?? '') !== ns) continue;
        if (m.kind === 'ServiceMonitor' && t.kind === 'Service' && matches(selector, (t.metadata['labels'] ?? {}) as Record<string, string>)) add(m, t, `monitors Service ${t.metadata.name}`);
        const tp = m.kind === 'PodMonitor' ? podTemplate(t) : undefined;
        if (tp && matches(selector, tp.labels)) add(m, t, `monitors pods of ${t.kind} ${t.metadata.name}`);
      }
    }
    // References to another object by a `{ name }` under a key naming its kind: CloudNativePG
    // ScheduledBackup/Pooler -> Cluster, Argo CD Application -> AppProject.
    const clusterRef = str((spec['cluster'] as Json | undefined)?.['name']);
    if (clusterRef && groupOf(m.apiVersion) === 'postgresql.cnpg.io') add(m, lookup('Cluster', ns, clusterRef), `cluster ${clusterRef}`);
    if (m.kind === 'Application' && typeof spec['project'] === 'string') add(m, lookup('AppProject', ns, spec['project']), `project ${spec['project']}`);
    if (m.kind === 'Certificate') {
      const issuer = (spec['issuerRef'] ?? {}) as Json;
      const kind = str(issuer['kind']) ?? 'Issuer';
      add(m, lookup(kind, kind === 'ClusterIssuer' ? '' : ns, issuer['name']), `issuerRef ${kind} ${String(issuer['name'])}`);
    }
    if (m.kind === 'ExternalSecret') {
      const store = (spec['secretStoreRef'] ?? {}) as Json;
      add(m, lookup(String(store['kind'] ?? 'SecretStore'), store['kind'] === 'ClusterSecretStore' ? '' : ns, store['name']), `secretStoreRef ${String(store['name'])}`);
    }
  }
  // A workload signing in with an account an init Job creates comes after that Job.
  deps.push(...initJobDependencies(manifests, deps));
  return deps;
}

/**
 * The wave of every object: 0 for objects that reference nothing rendered, otherwise one more than
 * the highest wave among what they reference. A reference cycle (which Kubernetes tolerates, since
 * controllers retry) is broken at the edge that closes it, deterministically.
 */
export function syncWaves(manifests: readonly Manifest[], extra: readonly Dependency[] = []): Map<Manifest, number> {
  const edges = new Map<Manifest, Manifest[]>();
  for (const d of [...dependencies(manifests), ...extra]) edges.set(d.from, [...(edges.get(d.from) ?? []), d.to]);
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
