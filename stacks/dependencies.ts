/**
 * What each rendered object references among the others, the facts sync waves are computed from
 * (stacks/sync-waves.ts): its Namespace and CRD, the Secrets, ConfigMaps, ServiceAccounts and claims
 * its pods read, what a Service or budget selects, and what a route, policy, binding or certificate
 * points at. Which store a workload connects to, and which init Job creates the user it signs in
 * as, is not read here: the tier that wires them reports it (constructs/relations.ts). What an operator makes from a custom resource (CloudNativePG's
 * `<cluster>-app` Secret and `<cluster>-rw` Service) comes from the object model (kube/produced.ts).
 */
import { apiGroupOf } from '../kube/api-version.ts';
import type { Manifest } from '../kube/object.ts';
import { podTemplateOf } from '../kube/pod-template.ts';
import { producedBy } from '../kube/produced.ts';
import { arr, isRecord, str, type Json } from '../kube/read.ts';
import type { Dependency } from './dependency.ts';

function matches(selector: unknown, labels: Record<string, string>): boolean {
  if (!isRecord(selector)) return false;
  const entries = Object.entries(selector);
  return entries.length > 0 && entries.every(([k, v]) => labels[k] === v);
}

/**
 * Every reference between the objects of one rendering, and the relations its constructs
 * `reported` (which Service a client connects to is wired, not written in any field this could
 * read; stacks/reported-dependencies.ts). Objects referenced but not rendered here (a ClusterIssuer
 * installed by an add-on, the cluster DNS) are not dependencies of the rendering.
 */
export function dependencies(manifests: readonly Manifest[], reported: readonly Dependency[] = []): Dependency[] {
  const deps: Dependency[] = [...reported];
  const byKindName = new Map<string, Manifest>();
  const namespaces = new Map<string, Manifest>();
  const crds = new Map<string, Manifest>();
  const secretProducers = new Map<string, Manifest>();
  for (const m of manifests) {
    const ns = m.metadata.namespace ?? '';
    byKindName.set(`${m.kind}/${ns}/${m.metadata.name}`, m);
    if (m.kind === 'Namespace') namespaces.set(m.metadata.name, m);
    if (m.kind === 'CustomResourceDefinition') {
      const spec = (m['spec'] ?? {}) as Json;
      crds.set(`${str((spec['names'] as Json | undefined)?.['kind'])}.${str(spec['group'])}`, m);
    }
    if (m.kind === 'Secret') secretProducers.set(`${ns}/${m.metadata.name}`, m);
    // What a controller writes for it: an ExternalSecret's or Certificate's Secret, an operator's Secrets.
    for (const s of producedBy(m).secrets) secretProducers.set(`${ns}/${s}`, m);
  }

  const add = (from: Manifest, to: Manifest | undefined, reason: string) => {
    if (to && to !== from) deps.push({ from, to, reason });
  };
  const lookup = (kind: string, ns: string, name: unknown) => (typeof name === 'string' ? byKindName.get(`${kind}/${ns}/${name}`) : undefined);

  for (const m of manifests) {
    const ns = m.metadata.namespace ?? '';
    const spec = (isRecord(m['spec']) ? m['spec'] : {}) as Json;
    if (ns) add(m, namespaces.get(ns), `namespace ${ns}`);
    add(m, crds.get(`${m.kind}.${apiGroupOf(m.apiVersion)}`), `CustomResourceDefinition of ${m.kind}`);

    // Secrets named anywhere (`secretName`, `secretRef.name`, `...Secret.name`, `s3Credentials.x.name`).
    const visit = (node: unknown, key: string) => {
      if (Array.isArray(node)) return node.forEach((n) => visit(n, key));
      if (typeof node === 'string' && /secret(name)?$/i.test(key)) add(m, secretProducers.get(`${ns}/${node}`), `${key} ${node}`);
      if (!isRecord(node)) return;
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

    const pod = podTemplateOf(m);
    if (pod) {
      add(m, lookup('ServiceAccount', ns, pod.spec['serviceAccountName']), `serviceAccountName ${String(pod.spec['serviceAccountName'])}`);
      for (const v of arr(pod.spec['volumes']).filter(isRecord)) {
        const cm = str((v['configMap'] as Json | undefined)?.['name']);
        add(m, lookup('ConfigMap', ns, cm), `volume configMap ${cm}`);
        const claim = str((v['persistentVolumeClaim'] as Json | undefined)?.['claimName']);
        add(m, lookup('PersistentVolumeClaim', ns, claim), `volume persistentVolumeClaim ${claim}`);
        for (const s of arr((v['projected'] as Json | undefined)?.['sources']).filter(isRecord)) {
          const pcm = str((s['configMap'] as Json | undefined)?.['name']);
          add(m, lookup('ConfigMap', ns, pcm), `projected configMap ${pcm}`);
        }
      }
      for (const c of [...arr(pod.spec['containers']), ...arr(pod.spec['initContainers'])].filter(isRecord)) {
        for (const f of arr(c['envFrom']).filter(isRecord)) {
          const cm = str((f['configMapRef'] as Json | undefined)?.['name']);
          add(m, lookup('ConfigMap', ns, cm), `envFrom configMapRef ${cm}`);
        }
        for (const e of arr(c['env']).filter(isRecord)) {
          const cm = str(((e['valueFrom'] as Json | undefined)?.['configMapKeyRef'] as Json | undefined)?.['name']);
          add(m, lookup('ConfigMap', ns, cm), `env configMapKeyRef ${cm}`);
        }
      }
      if (m.kind === 'StatefulSet') add(m, lookup('Service', ns, spec['serviceName']), `serviceName ${String(spec['serviceName'])}`);
    }

    if (m.kind === 'Service') {
      for (const w of manifests) {
        if ((w.metadata.namespace ?? '') !== ns || w.kind === 'Pod') continue;
        const wp = podTemplateOf(w);
        // A StatefulSet's governing Service must exist before it; that edge runs the other way.
        if (!wp || (w.kind === 'StatefulSet' && (w['spec'] as Json)['serviceName'] === m.metadata.name)) continue;
        if (matches(spec['selector'], wp.labels)) add(m, w, `selects the pods of ${w.kind} ${w.metadata.name}`);
      }
    }
    if (m.kind === 'Gateway') {
      // A listener's certificate Secret comes from a Certificate; a pending certificate then holds
      // back the Gateway that needs it, not every workload (see LATE_KINDS).
      for (const l of arr(spec['listeners']).filter(isRecord)) {
        for (const ref of arr((l['tls'] as Json | undefined)?.['certificateRefs']).filter(isRecord)) {
          const secret = str(ref['name']);
          for (const c of manifests) {
            if (c.kind === 'Certificate' && (c.metadata.namespace ?? '') === ns && (c['spec'] as Json | undefined)?.['secretName'] === secret) add(m, c, `listener ${String(l['name'])} certificate Secret ${secret}`);
          }
        }
      }
      const params = (spec['infrastructure'] as Json | undefined)?.['parametersRef'];
      if (isRecord(params)) add(m, lookup(String(params['kind']), ns, params['name']), `infrastructure ${String(params['kind'])} ${String(params['name'])}`);
    }
    if (m.kind === 'HTTPRoute' || m.kind === 'GRPCRoute') {
      for (const p of arr(spec['parentRefs']).filter(isRecord)) add(m, lookup(String(p['kind'] ?? 'Gateway'), str(p['namespace']) ?? ns, p['name']), `parentRef ${String(p['name'])}`);
      for (const r of arr(spec['rules']).filter(isRecord)) {
        for (const b of arr(r['backendRefs']).filter(isRecord)) add(m, lookup(String(b['kind'] ?? 'Service'), str(b['namespace']) ?? ns, b['name']), `backendRef ${String(b['name'])}`);
      }
    }
    // Envoy Gateway's policies attach to a Gateway or route.
    for (const t of arr(spec['targetRefs']).filter(isRecord)) add(m, lookup(String(t['kind']), ns, t['name']), `targetRef ${String(t['kind'])} ${String(t['name'])}`);
    if (m.kind === 'RoleBinding' || m.kind === 'ClusterRoleBinding') {
      const role = (m['roleRef'] ?? {}) as Json;
      add(m, lookup(String(role['kind']), role['kind'] === 'ClusterRole' ? '' : ns, role['name']), `roleRef ${String(role['name'])}`);
      for (const s of arr(m['subjects']).filter(isRecord)) {
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
        const wp = (w.metadata.namespace ?? '') === ns ? podTemplateOf(w) : undefined;
        if (wp && matches(selector, wp.labels)) add(m, w, `budget for ${w.kind} ${w.metadata.name}`);
      }
    }
    if (m.kind === 'ServiceMonitor' || m.kind === 'PodMonitor') {
      const selector = (spec['selector'] as Json | undefined)?.['matchLabels'];
      for (const t of manifests) {
        if ((t.metadata.namespace ?? '') !== ns) continue;
        if (m.kind === 'ServiceMonitor' && t.kind === 'Service' && matches(selector, (t.metadata['labels'] ?? {}) as Record<string, string>)) add(m, t, `monitors Service ${t.metadata.name}`);
        const tp = m.kind === 'PodMonitor' ? podTemplateOf(t) : undefined;
        if (tp && matches(selector, tp.labels)) add(m, t, `monitors pods of ${t.kind} ${t.metadata.name}`);
      }
    }
    // References to another object by a `{ name }` under a key naming its kind: CloudNativePG
    // ScheduledBackup/Pooler -> Cluster, Argo CD Application -> AppProject.
    const clusterRef = str((spec['cluster'] as Json | undefined)?.['name']);
    if (clusterRef && apiGroupOf(m.apiVersion) === 'postgresql.cnpg.io') add(m, lookup('Cluster', ns, clusterRef), `cluster ${clusterRef}`);
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
  return deps;
}
