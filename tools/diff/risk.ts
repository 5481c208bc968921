/**
 * What in a diff deserves a reviewer's attention, most severe first:
 *
 * 1. `immutable`: changes Kubernetes refuses on an existing object, so `kubectl apply` or the
 *    Argo CD sync fails (selectors, StatefulSet volumeClaimTemplates/serviceName, Service
 *    clusterIP, Job templates, PVC storage class or a shrink);
 * 2. `deletion`: stateful resources and namespaces that go away with their data;
 * 2b. `edge`: changes to the public entrance (Gateway listeners, route hostnames, certificates,
 *    the Envoy load balancer Service, ACME issuers): a mistake there takes the service off the
 *    air for every client at once, in any environment;
 * 3. `restart`: pod-template changes, one entry per workload, naming what changed;
 * 4. `weakened`: less availability or security in production;
 * 5. `capacity`: the change in requested CPU and memory per environment, at HPA min and max.
 */
import { apiGroupOf } from '../../kube/api-version.ts';
import { podTemplateOf, podTemplatePath } from '../../kube/pod-template.ts';
import { parseQuantity } from '../../kube/quantity.ts';
import { joinPath, resourceLabel, type FieldChange, type Json, type JsonObject, type Resource, type ResourceDiff } from './compare.ts';

export const SEVERITIES = ['immutable', 'deletion', 'edge', 'restart', 'weakened', 'capacity'] as const;
export type Severity = (typeof SEVERITIES)[number];

export interface Risk {
  readonly severity: Severity;
  readonly env: string;
  /** `StatefulSet agent-platform-prod/agent-postgres`, or the environment for capacity. */
  readonly subject: string;
  readonly message: string;
}

const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'DaemonSet']);
const STATEFUL_KINDS = new Set(['PersistentVolumeClaim', 'StatefulSet']);

const at = (f: FieldChange, ...prefix: string[]) => prefix.every((p, i) => f.segments[i] === p);
const show = (v: Json | undefined) => (v === undefined ? '(none)' : typeof v === 'string' ? v : JSON.stringify(v));

function get(obj: Json | undefined, ...path: string[]): Json | undefined {
  let cur: Json | undefined = obj;
  for (const p of path) cur = cur && typeof cur === 'object' && !Array.isArray(cur) ? cur[p] : undefined;
  return cur;
}

function immutableRisks(d: ResourceDiff): string[] {
  const out: string[] = [];
  const fieldsAt = (...prefix: string[]) => d.fields.filter((f) => at(f, ...prefix));
  if (WORKLOADS.has(d.kind) || (d.kind === 'Job' && !isArgoHook(d.new))) {
    if (fieldsAt('spec', 'selector').length) out.push('spec.selector changed: selectors are immutable; the object must be deleted and recreated');
  }
  if (d.kind === 'StatefulSet') {
    if (fieldsAt('spec', 'volumeClaimTemplates').length) out.push('spec.volumeClaimTemplates changed: immutable on a StatefulSet; existing PVCs keep the old template');
    for (const f of fieldsAt('spec', 'serviceName')) out.push(`spec.serviceName ${show(f.old)} → ${show(f.new)}: immutable on a StatefulSet`);
    for (const f of fieldsAt('spec', 'podManagementPolicy')) out.push(`spec.podManagementPolicy ${show(f.old)} → ${show(f.new)}: immutable on a StatefulSet`);
  }
  if (d.kind === 'Service') {
    for (const f of fieldsAt('spec', 'clusterIP')) if (f.old !== undefined) out.push(`spec.clusterIP ${show(f.old)} → ${show(f.new)}: immutable once assigned`);
  }
  if (d.kind === 'Job' && !isArgoHook(d.new) && fieldsAt('spec', 'template').length) out.push('spec.template changed: a Job\'s pod template is immutable; the Job must be recreated');
  if (d.kind === 'PersistentVolumeClaim') {
    for (const f of fieldsAt('spec', 'storageClassName')) out.push(`spec.storageClassName ${show(f.old)} → ${show(f.new)}: immutable on a PVC`);
    for (const f of fieldsAt('spec', 'accessModes')) out.push(`spec.accessModes ${show(f.old)} → ${show(f.new)}: immutable on a PVC`);
    for (const f of fieldsAt('spec', 'resources', 'requests', 'storage')) {
      const [o, n] = [parseQuantity(f.old), parseQuantity(f.new)];
      if (o !== undefined && n !== undefined && n < o) out.push(`storage ${show(f.old)} → ${show(f.new)}: a PVC cannot shrink`);
    }
  }
  if (d.kind === 'Cluster' && apiGroupOf(d.old?.apiVersion) === 'postgresql.cnpg.io') {
    for (const f of d.fields.filter((x) => (at(x, 'spec', 'storage', 'size') || at(x, 'spec', 'walStorage', 'size')))) {
      const [o, n] = [parseQuantity(f.old), parseQuantity(f.new)];
      if (o !== undefined && n !== undefined && n < o) out.push(`${f.path} ${show(f.old)} → ${show(f.new)}: CloudNativePG cannot shrink volumes`);
    }
  }
  return out;
}

/** Fields of the edge whose change can take the service off the air, by kind. */
const EDGE_FIELDS: Readonly<Record<string, readonly { readonly path: readonly string[]; readonly why: string }[]>> = {
  Gateway: [
    { path: ['spec', 'listeners'], why: 'listeners (hostname, port, protocol, certificate) change what the load balancer answers for' },
    { path: ['spec', 'gatewayClassName'], why: 'another GatewayClass means another controller and a new load balancer address' },
    { path: ['spec', 'infrastructure'], why: 'other Envoy parameters can replace the load balancer' },
  ],
  HTTPRoute: [
    { path: ['spec', 'hostnames'], why: 'requests for a hostname no longer listed get 404' },
    { path: ['spec', 'parentRefs'], why: 'a route attached elsewhere stops being served where clients reach it' },
  ],
  Certificate: [
    { path: ['spec', 'dnsNames'], why: 'a certificate without the host fails every TLS handshake' },
    { path: ['spec', 'secretName'], why: 'the listener names the old Secret until it changes too' },
    { path: ['spec', 'issuerRef'], why: 'the new issuer must issue before the old certificate expires' },
  ],
  EnvoyProxy: [{ path: ['spec', 'provider', 'kubernetes', 'envoyService'], why: 'load balancer settings can recreate it with a new address, and DNS still points at the old one' }],
  ClusterIssuer: [{ path: ['spec', 'acme'], why: 'renewals of every certificate of the issuer depend on it' }],
};
const EDGE_KINDS = new Set(['Gateway', 'HTTPRoute', 'Certificate', 'ClusterIssuer']);

function edgeRisks(d: ResourceDiff): string[] {
  if (d.change === 'removed' && EDGE_KINDS.has(d.kind)) return [`${d.kind} removed: clients it served get no answer (or no valid certificate)`];
  if (d.change !== 'changed') return [];
  return (EDGE_FIELDS[d.kind] ?? []).flatMap(({ path, why }) => {
    const fields = d.fields.filter((f) => at(f, ...path));
    if (fields.length === 0) return [];
    const shown = fields.slice(0, 3).map((f) => `${f.path} ${show(f.old)} → ${show(f.new)}`).join('; ');
    return [`${shown}${fields.length > 3 ? ` and ${fields.length - 3} more` : ''}: ${why}`];
  });
}

function isStateful(r: Resource): boolean {
  if (STATEFUL_KINDS.has(r.kind) || r.kind === 'Namespace') return true;
  if (apiGroupOf(r.apiVersion) === 'postgresql.cnpg.io' && ['Cluster', 'ScheduledBackup', 'Backup'].includes(r.kind)) return true;
  if (r.kind === 'CronJob') {
    const labels = (get(r.body, 'metadata', 'labels') ?? {}) as JsonObject;
    return /backup/i.test(r.name) || Object.values(labels).some((v) => typeof v === 'string' && /backup/i.test(v));
  }
  return false;
}

/**
 * An Argo CD resource hook (`argocd.argoproj.io/hook`). Argo CD creates a hook anew on every sync
 * and deletes the previous one first (`BeforeHookCreation`, also its default delete policy), so an
 * immutable field of a hook Job never meets a live object: it is recreated, like a restart.
 * https://argo-cd.readthedocs.io/en/stable/user-guide/resource_hooks/#hook-deletion-policies
 */
function isArgoHook(r: Resource | undefined): boolean {
  return typeof get(r?.body, 'metadata', 'annotations', 'argocd.argoproj.io/hook') === 'string';
}

/** The pod template path of a workload kind (a hook Job's is replaced on the next sync). */
function templatePrefix(kind: string, r?: Resource): string[] | undefined {
  if (!WORKLOADS.has(kind) && kind !== 'CronJob' && !(kind === 'Job' && isArgoHook(r))) return undefined;
  const path = podTemplatePath(kind);
  return path ? [...path] : undefined;
}

function restartRisk(d: ResourceDiff): string | undefined {
  const prefix = templatePrefix(d.kind, d.new);
  if (!prefix || d.change !== 'changed') return undefined;
  const fields = d.fields.filter((f) => at(f, ...prefix));
  if (fields.length === 0) return undefined;
  const what = fields.map((f) => joinPath(f.segments.slice(prefix.length))).slice(0, 4);
  const more = fields.length > 4 ? ` and ${fields.length - 4} more` : '';
  const verb = d.kind === 'CronJob' ? 'the next run uses a new pod template' : d.kind === 'Job' ? 'the hook Job is deleted and recreated on the next sync' : 'pods restart (rolling update)';
  return `${verb}: ${what.join(', ')}${more}`;
}

function probes(body: JsonObject | undefined, prefix: string[]): Set<string> {
  const spec = get(body, ...prefix, 'spec');
  const found = new Set<string>();
  for (const c of (get(spec, 'containers') ?? []) as JsonObject[]) {
    for (const p of ['livenessProbe', 'readinessProbe', 'startupProbe']) if (c[p] !== undefined) found.add(`${String(c['name'])}.${p}`);
  }
  return found;
}

/** Security settings that must not loosen, with the value that is the safe one. */
const SAFE_SECURITY: readonly [string, Json][] = [
  ['runAsNonRoot', true],
  ['readOnlyRootFilesystem', true],
  ['allowPrivilegeEscalation', false],
  ['privileged', false],
  ['automountServiceAccountToken', false],
  ['hostNetwork', false],
  ['hostPID', false],
];

/** Annotations and labels that waive a policy check. */
const WAIVER = /waive|exempt|policy-exception|skip-(policy|check)/i;

function weakenedRisks(d: ResourceDiff, hpaMinimum: ReadonlyMap<string, number>): string[] {
  const out: string[] = [];
  if (d.change === 'removed') {
    if (d.kind === 'NetworkPolicy') out.push('NetworkPolicy removed: traffic it denied is now allowed');
    if (d.kind === 'PodDisruptionBudget') out.push('PodDisruptionBudget removed: voluntary disruptions may take every pod at once');
    return out;
  }
  const oldBody = d.old?.body;
  const newBody = d.new?.body;
  for (const f of d.fields) {
    const last = f.segments[f.segments.length - 1] ?? '';
    if ((last === 'replicas' && at(f, 'spec', 'replicas')) || (d.kind === 'HorizontalPodAutoscaler' && at(f, 'spec', 'minReplicas')) || (d.kind === 'Cluster' && at(f, 'spec', 'instances'))) {
      // Handing replicas over to an HPA is not a reduction if its minimum keeps the count.
      const floor = typeof f.new === 'number' ? f.new : (hpaMinimum.get(`${d.env}/${d.kind}/${d.namespace}/${d.name}`) ?? 1);
      if (typeof f.old === 'number' && floor < f.old) out.push(`${f.path} ${show(f.old)} → ${typeof f.new === 'number' ? f.new : `${floor} (HPA minimum)`}: fewer replicas`);
    }
    if (d.kind === 'HorizontalPodAutoscaler' && at(f, 'spec', 'maxReplicas') && typeof f.old === 'number' && typeof f.new === 'number' && f.new < f.old) {
      out.push(`spec.maxReplicas ${f.old} → ${f.new}: less headroom under load`);
    }
    if (d.kind === 'PodDisruptionBudget' && at(f, 'spec', 'minAvailable') && typeof f.old === 'number' && (typeof f.new !== 'number' || f.new < f.old)) {
      out.push(`spec.minAvailable ${show(f.old)} → ${show(f.new)}: budget loosened`);
    }
    if (d.kind === 'PodDisruptionBudget' && at(f, 'spec', 'maxUnavailable') && (f.old === undefined || (typeof f.old === 'number' && typeof f.new === 'number' && f.new > f.old))) {
      out.push(`spec.maxUnavailable ${show(f.old)} → ${show(f.new)}: budget loosened`);
    }
    for (const [field, safe] of SAFE_SECURITY) {
      if (last === field && f.old === safe && f.new !== safe) out.push(`${f.path} ${show(f.old)} → ${show(f.new)}: weaker pod security`);
    }
    if (last === 'drop' && f.segments.includes('capabilities')) out.push(`${f.path} ${show(f.old)} → ${show(f.new)}: capabilities no longer dropped`);
    if (last === 'add' && f.segments.includes('capabilities') && f.new !== undefined) out.push(`${f.path} → ${show(f.new)}: capabilities added`);
    if ((f.segments[1] === 'annotations' || f.segments[1] === 'labels') && f.old === undefined && WAIVER.test(last.replace(/^\["?|"?\]$/g, ''))) {
      out.push(`${f.path} added: a policy waiver`);
    }
  }
  const prefix = templatePrefix(d.kind);
  if (prefix) {
    const after = probes(newBody, prefix);
    for (const p of probes(oldBody, prefix)) if (!after.has(p)) out.push(`${p} removed: failures go undetected`);
  }
  if (d.kind === 'NetworkPolicy') {
    const types = (b: JsonObject | undefined) => new Set(((get(b, 'spec', 'policyTypes') ?? []) as string[]));
    for (const t of types(oldBody)) if (!types(newBody).has(t)) out.push(`policyTypes no longer include ${t}: that direction is open`);
  }
  return out;
}

/** Requested CPU (millicores) and memory (bytes) of an environment at HPA minimum and maximum. */
export interface Capacity {
  readonly cpuMin: number;
  readonly cpuMax: number;
  readonly memoryMin: number;
  readonly memoryMax: number;
}

function podRequests(spec: Json | undefined): { cpu: number; memory: number } {
  let cpu = 0;
  let memory = 0;
  for (const c of (get(spec, 'containers') ?? []) as JsonObject[]) {
    const req = get(c, 'resources', 'requests') as JsonObject | undefined;
    cpu += Math.round((parseQuantity(req?.['cpu']) ?? 0) * 1000);
    memory += parseQuantity(req?.['memory']) ?? 0;
  }
  return { cpu, memory };
}

/** Requests × replicas over every workload of one environment; an HPA's bounds replace `replicas`. */
export function capacityOf(resources: readonly Resource[]): Capacity {
  const hpas = new Map<string, { min: number; max: number }>();
  for (const r of resources) {
    if (r.kind !== 'HorizontalPodAutoscaler') continue;
    const target = get(r.body, 'spec', 'scaleTargetRef') as JsonObject | undefined;
    hpas.set(`${String(target?.['kind'])}/${r.namespace}/${String(target?.['name'])}`, {
      min: Number(get(r.body, 'spec', 'minReplicas') ?? 1),
      max: Number(get(r.body, 'spec', 'maxReplicas') ?? 1),
    });
  }
  const total = { cpuMin: 0, cpuMax: 0, memoryMin: 0, memoryMax: 0 };
  for (const r of resources) {
    let req: { cpu: number; memory: number };
    let replicas: number;
    if (WORKLOADS.has(r.kind) && r.kind !== 'DaemonSet') {
      req = podRequests(podTemplateOf(r.body)?.spec as JsonObject | undefined);
      replicas = Number(get(r.body, 'spec', 'replicas') ?? 1);
    } else if (r.kind === 'Cluster' && apiGroupOf(r.apiVersion) === 'postgresql.cnpg.io') {
      req = podRequests({ containers: [{ resources: get(r.body, 'spec', 'resources') ?? {} }] });
      replicas = Number(get(r.body, 'spec', 'instances') ?? 1);
    } else continue;
    const hpa = hpas.get(`${r.kind}/${r.namespace}/${r.name}`);
    const [min, max] = hpa ? [hpa.min, hpa.max] : [replicas, replicas];
    total.cpuMin += req.cpu * min;
    total.cpuMax += req.cpu * max;
    total.memoryMin += req.memory * min;
    total.memoryMax += req.memory * max;
  }
  return total;
}

/** Cores, up to three decimals: `1.75`. */
export function formatCpu(millis: number): string {
  return `${Number((millis / 1000).toFixed(3))}`;
}

/** Gi (up to two decimals) from 1 Gi up, Mi below. */
export function formatMemory(bytes: number): string {
  if (bytes >= 2 ** 30) return `${Number((bytes / 2 ** 30).toFixed(2))}Gi`;
  return `${Math.round(bytes / 2 ** 20)}Mi`;
}

function capacityRisk(env: string, before: Capacity, after: Capacity): Risk | undefined {
  if (JSON.stringify(before) === JSON.stringify(after)) return undefined;
  const range = (a: number, b: number, f: (n: number) => string) => (a === b ? f(a) : `${f(a)}–${f(b)}`);
  const cpu = `CPU (cores) ${range(before.cpuMin, before.cpuMax, formatCpu)} → ${range(after.cpuMin, after.cpuMax, formatCpu)}`;
  const mem = `memory ${range(before.memoryMin, before.memoryMax, formatMemory)} → ${range(after.memoryMin, after.memoryMax, formatMemory)}`;
  return { severity: 'capacity', env, subject: env, message: `requested ${cpu}, ${mem} (at HPA minimum–maximum)` };
}

/**
 * Every risk of a diff, most severe first. `production` names the environments the
 * availability and security rules apply to.
 */
export function assessRisks(
  diffs: readonly ResourceDiff[],
  production: ReadonlySet<string>,
  capacity: { readonly before: ReadonlyMap<string, Capacity>; readonly after: ReadonlyMap<string, Capacity> },
  after: readonly Resource[] = [],
): Risk[] {
  const hpaMinimum = new Map<string, number>();
  for (const r of after) {
    if (r.kind !== 'HorizontalPodAutoscaler') continue;
    const target = get(r.body, 'spec', 'scaleTargetRef') as JsonObject | undefined;
    hpaMinimum.set(`${r.env}/${String(target?.['kind'])}/${r.namespace}/${String(target?.['name'])}`, Number(get(r.body, 'spec', 'minReplicas') ?? 1));
  }
  const risks: Risk[] = [];
  for (const d of diffs) {
    const subject = resourceLabel(d);
    const push = (severity: Severity, message: string) => risks.push({ severity, env: d.env, subject, message });
    if (d.change === 'changed') for (const m of immutableRisks(d)) push('immutable', m);
    if (d.change === 'removed' && d.old && isStateful(d.old)) {
      push('deletion', d.kind === 'Namespace' ? 'namespace deleted, with everything in it' : `${d.kind} deleted${d.kind === 'CronJob' ? ' (backups stop)' : ', with its data unless retained'}`);
    }
    for (const m of edgeRisks(d)) push('edge', m);
    const restart = restartRisk(d);
    if (restart) push('restart', restart);
    if (production.has(d.env)) for (const m of weakenedRisks(d, hpaMinimum)) push('weakened', m);
  }
  for (const env of [...new Set([...capacity.before.keys(), ...capacity.after.keys()])].sort()) {
    const zero = { cpuMin: 0, cpuMax: 0, memoryMin: 0, memoryMax: 0 };
    const r = capacityRisk(env, capacity.before.get(env) ?? zero, capacity.after.get(env) ?? zero);
    if (r) risks.push(r);
  }
  const rank = (r: Risk) => SEVERITIES.indexOf(r.severity);
  return risks.sort((a, b) => rank(a) - rank(b) || (a.env < b.env ? -1 : a.env > b.env ? 1 : 0) || (a.subject < b.subject ? -1 : a.subject > b.subject ? 1 : 0));
}
