/**
 * What the control plane says about an applied environment, each check returning the problems it
 * found as sentences naming the object (empty when all is well), and what it could not judge.
 *
 * kwok makes pods Running and Ready and completes Job pods; it runs no container, no probe, no
 * kubelet admission beyond the API server's, and does not enforce NetworkPolicies. The resource
 * metrics API is not served (no metrics-server), so an HPA can read its target's scale but never a
 * metric: its target resolution is proven, its scaling decisions are not.
 */
import { arr, at, kindOf, nameOf, namespaceOf, rec, str } from '../../policies/objects.ts';
import { stringMap } from '../../kube/read.ts';
import type { K8sObject } from '../../policies/types.ts';
import { type Json, type KubeApi, waitFor } from './kube-api.ts';
import { labelOf, unhealthyReason } from './sync.ts';

/** Problems found, and what was left unproven with the reason. */
export interface CheckResult {
  readonly problems: string[];
  readonly unproven: string[];
}

const LONG_RUNNING = new Set(['Deployment', 'StatefulSet', 'DaemonSet']);

/** Pod template labels of our long-running workloads, by namespace. */
function podLabels(objects: readonly K8sObject[]): { owner: K8sObject; namespace: string; labels: Record<string, string>; spec: Json }[] {
  return objects
    .filter((o) => LONG_RUNNING.has(kindOf(o)))
    .map((o) => ({ owner: o, namespace: namespaceOf(o) ?? '', labels: stringMap(at(o, 'spec', 'template', 'metadata', 'labels')), spec: rec(at(o, 'spec', 'template', 'spec')) ?? {} }));
}

function selects(selector: Record<string, unknown>, labels: Record<string, string>): boolean {
  const entries = Object.entries(selector);
  return entries.length > 0 && entries.every(([k, v]) => labels[k] === v);
}

/**
 * Runs `check` on every item at once and gathers what they found, sorted. A check that throws
 * (a wait that timed out, saying what it last saw) adds its message as a problem.
 */
async function checkEach<T>(items: readonly T[], check: (item: T, found: CheckResult) => Promise<void>): Promise<CheckResult> {
  const found: CheckResult = { problems: [], unproven: [] };
  await Promise.all(
    items.map(async (item) => {
      try {
        await check(item, found);
      } catch (e) {
        found.problems.push((e as Error).message);
      }
    }),
  );
  return { problems: found.problems.sort(), unproven: found.unproven.sort() };
}

/** Waits until the live object is healthy by sync.ts's reading (rolled out, completed). */
async function waitHealthy(api: KubeApi, what: string, ref: { apiVersion: string; kind: string; namespace: string | undefined; name: string }, timeoutMs: number): Promise<void> {
  await waitFor(what, timeoutMs, async (note) => {
    const live = await api.get(ref.apiVersion, ref.kind, ref.namespace, ref.name);
    if (!live) return note('not found'), undefined;
    const why = unhealthyReason(live);
    if (why) note(why);
    return why === undefined ? true : undefined;
  });
}

/** Waits until every Deployment and StatefulSet has all its desired replicas ready and updated. */
export function rolloutProblems(api: KubeApi, objects: readonly K8sObject[], timeoutMs = 180_000): Promise<CheckResult> {
  const rolling = objects.filter((o) => kindOf(o) === 'Deployment' || kindOf(o) === 'StatefulSet');
  return checkEach(rolling, (o) => waitHealthy(api, `${labelOf(o)} to roll out`, { apiVersion: String(o.apiVersion), kind: kindOf(o), namespace: namespaceOf(o), name: nameOf(o) }, timeoutMs));
}

/** Waits until every Job of `objects` has completed (kwok completes Job pods it admitted). */
export async function jobProblems(api: KubeApi, jobs: readonly { namespace: string; name: string }[], timeoutMs = 120_000): Promise<string[]> {
  const found = await checkEach(jobs, ({ namespace, name }) => waitHealthy(api, `Job ${namespace}/${name} to complete`, { apiVersion: 'batch/v1', kind: 'Job', namespace, name }, timeoutMs));
  return found.problems;
}

/** The port number a Service port reaches on a pod of `spec` (a named targetPort resolved). */
function targetPortOf(port: Json, spec: Json): number | undefined {
  const target = port['targetPort'] ?? port['port'];
  if (typeof target === 'number') return target;
  for (const c of [...arr(spec['containers']), ...arr(spec['initContainers'])]) {
    for (const p of arr(at(c, 'ports'))) if (str(at(p, 'name')) === target) return at(p, 'containerPort') as number;
  }
  return undefined;
}

/**
 * Every Service whose selector matches pods of our workloads gets EndpointSlices that carry each
 * port it declares (by name, at the resolved target port) and at least one ready endpoint. A
 * Service selecting pods an operator or add-on would create is reported as unproven.
 */
export function endpointSliceProblems(api: KubeApi, objects: readonly K8sObject[], timeoutMs = 60_000): Promise<CheckResult> {
  const pods = podLabels(objects);
  return checkEach(
    objects.filter((o) => kindOf(o) === 'Service'),
    async (svc, found) => {
      const ns = namespaceOf(svc) ?? '';
      const selector = rec(at(svc, 'spec', 'selector'));
      if (!selector) {
        found.unproven.push(`${labelOf(svc)}: no selector (its endpoints are written by hand or by an operator)`);
        return;
      }
      const owner = pods.find((p) => p.namespace === ns && selects(selector, p.labels));
      if (!owner) {
        found.unproven.push(`${labelOf(svc)}: selects ${JSON.stringify(selector)}, pods none of our workloads creates (an operator's)`);
        return;
      }
      const wanted = arr(at(svc, 'spec', 'ports')).map((p) => ({ name: str(at(p, 'name')) ?? '', port: targetPortOf(p as Json, owner.spec), protocol: str(at(p, 'protocol')) ?? 'TCP' }));
      for (const w of wanted) if (w.port === undefined) found.problems.push(`${labelOf(svc)}: port ${w.name || '(unnamed)'} names a targetPort no container of ${labelOf(owner.owner)} declares`);
      await waitFor(`EndpointSlices of ${labelOf(svc)}`, timeoutMs, async (note) => {
        const slices = await api.list('discovery.k8s.io/v1', 'EndpointSlice', ns, `kubernetes.io/service-name=${nameOf(svc)}`);
        const ports = slices.flatMap((s) => arr(s['ports']).map((p) => ({ name: str(at(p, 'name')) ?? '', port: at(p, 'port'), protocol: str(at(p, 'protocol')) ?? 'TCP' })));
        const ready = slices.flatMap((s) => arr(s['endpoints'])).filter((e) => at(e, 'conditions', 'ready') === true).length;
        const missing = wanted.filter((w) => !ports.some((p) => p.name === w.name && p.port === w.port && p.protocol === w.protocol));
        if (missing.length || ready === 0) {
          note(`${slices.length} slices, ${ready} ready endpoints, ports ${JSON.stringify(ports)}; missing ${JSON.stringify(missing)}`);
          return undefined;
        }
        return true;
      });
    },
  );
}

/**
 * Every HorizontalPodAutoscaler's scaleTargetRef names an object we render, with the right
 * apiVersion and kind, that exists in the cluster; and the HPA controller reads its scale
 * subresource (condition AbleToScale=True). Metrics are not served here: ScalingActive stays False.
 */
export function hpaProblems(api: KubeApi, objects: readonly K8sObject[], timeoutMs = 90_000): Promise<CheckResult> {
  return checkEach(
    objects.filter((o) => kindOf(o) === 'HorizontalPodAutoscaler'),
    async (hpa, found) => {
      const ns = namespaceOf(hpa) ?? '';
      const ref = rec(at(hpa, 'spec', 'scaleTargetRef')) ?? {};
      const [apiVersion, kind, name] = [str(ref['apiVersion']) ?? '', str(ref['kind']) ?? '', str(ref['name']) ?? ''];
      const ours = objects.find((o) => kindOf(o) === kind && nameOf(o) === name && namespaceOf(o) === ns && o.apiVersion === apiVersion);
      if (!ours) found.problems.push(`${labelOf(hpa)}: scaleTargetRef ${apiVersion} ${kind} ${name} is not an object of this environment`);
      const live = apiVersion && kind && name ? await api.get(apiVersion, kind, ns, name).catch(() => undefined) : undefined;
      if (!live) {
        found.problems.push(`${labelOf(hpa)}: scaleTargetRef ${apiVersion} ${kind} ${name} does not exist in the cluster`);
        return;
      }
      found.unproven.push(`${labelOf(hpa)}: scaling on metrics (the resource metrics API is not served by this control plane)`);
      await waitFor(`${labelOf(hpa)} to read its target's scale`, timeoutMs, async (note) => {
        const h = await api.get('autoscaling/v2', 'HorizontalPodAutoscaler', ns, nameOf(hpa));
        const able = arr(at(h, 'status', 'conditions')).find((c) => at(c, 'type') === 'AbleToScale');
        note(able ? `AbleToScale=${String(at(able, 'status'))} ${String(at(able, 'reason'))}: ${String(at(able, 'message'))}` : 'no AbleToScale condition yet');
        return at(able, 'status') === 'True' ? true : undefined;
      });
    },
  );
}

/**
 * Every PodDisruptionBudget covering our pods allows at least one voluntary disruption once the
 * workloads are up (status.disruptionsAllowed >= 1), so a node drain can proceed. Budgets over
 * pods an operator creates are unproven.
 */
export function pdbProblems(api: KubeApi, objects: readonly K8sObject[], timeoutMs = 90_000): Promise<CheckResult> {
  const pods = podLabels(objects);
  return checkEach(
    objects.filter((o) => kindOf(o) === 'PodDisruptionBudget'),
    async (pdb, found) => {
      const ns = namespaceOf(pdb) ?? '';
      const selector = rec(at(pdb, 'spec', 'selector', 'matchLabels')) ?? {};
      if (!pods.some((p) => p.namespace === ns && selects(selector, p.labels))) {
        found.unproven.push(`${labelOf(pdb)}: covers pods an operator creates`);
        return;
      }
      await waitFor(`${labelOf(pdb)} to allow a disruption`, timeoutMs, async (note) => {
        const live = await api.get('policy/v1', 'PodDisruptionBudget', ns, nameOf(pdb));
        const s = rec(at(live, 'status')) ?? {};
        note(`disruptionsAllowed ${String(s['disruptionsAllowed'])}, currentHealthy ${String(s['currentHealthy'])}, desiredHealthy ${String(s['desiredHealthy'])}, expectedPods ${String(s['expectedPods'])}`);
        return typeof s['disruptionsAllowed'] === 'number' && s['disruptionsAllowed'] >= 1 ? true : undefined;
      });
    },
  );
}

/**
 * Warning events that report a refused or failed create: a controller that could not create a pod
 * or Job (FailedCreate: Pod Security, quota, a missing ServiceAccount), and any warning quoting a
 * Pod Security violation, an exceeded quota or an immutable field. The HPA's metric warnings are
 * expected here (no metrics API) and not counted.
 */
const REFUSED_REASONS = new Set(['FailedCreate', 'FailedCreatePodSandBox', 'FailedMount', 'FailedAttachVolume', 'ProvisioningFailed', 'FailedBinding']);
const REFUSED_MESSAGE = /violates PodSecurity|exceeded quota|field is immutable|is forbidden|forbidden:/i;
/** Warnings caused by what this control plane lacks (a metrics API), not by our objects. */
export const EXPECTED_WARNINGS = new Set(['FailedGetResourceMetric', 'FailedComputeMetricsReplicas', 'FailedGetContainerResourceMetric']);

export async function refusalEvents(api: KubeApi, namespaces: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const ns of namespaces) {
    for (const e of await api.list('v1', 'Event', ns)) {
      if (e['type'] !== 'Warning') continue;
      const reason = String(e['reason'] ?? '');
      const message = String(e['message'] ?? '');
      if (EXPECTED_WARNINGS.has(reason)) continue;
      if (!REFUSED_REASONS.has(reason) && !REFUSED_MESSAGE.test(message)) continue;
      const obj = rec(e['involvedObject']) ?? {};
      out.push(`${String(obj['kind'])} ${ns}/${String(obj['name'])}: ${reason}: ${message}`);
    }
  }
  return [...new Set(out)].sort();
}
