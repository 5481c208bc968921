import { credentialsOf, secretKeysOf } from '../credentials.ts';
import { appContainersOf, arr, at, containersOf, kindOf, LONG_RUNNING_KINDS, nameOf, namespaceOf, podTemplateOf, rec, selects, str } from '../objects.ts';
import type { RenderedSet } from '../rendered-set.ts';
import type { K8sObject, Rule } from '../types.ts';

const HOOK = 'argocd.argoproj.io/hook';

/** Literal settings of a pod (env values, command, args): where a Job names the host it talks to. */
function settingsText(o: K8sObject): string[] {
  const t = podTemplateOf(o);
  if (!t) return [];
  return containersOf(t).flatMap((c) => [
    ...arr(c.container['env']).flatMap((e) => (str(at(e, 'value')) ? [str(at(e, 'value'))!] : [])),
    ...[...arr(c.container['command']), ...arr(c.container['args'])].filter((a): a is string => typeof a === 'string'),
  ]);
}

/** Whether `o`'s settings name a Service that selects `w`'s pods: `o` then talks to `w` (its store), so `w` does not wait for it. */
function talksTo(o: K8sObject, w: K8sObject, set: RenderedSet): boolean {
  const labels = podTemplateOf(w)?.labels ?? {};
  const ns = namespaceOf(o) ?? '';
  const hosts = set.ofKindIn('Service', ns).filter((s) => rec(at(s, 'spec', 'selector')) && selects(at(s, 'spec', 'selector'), labels, true)).map(nameOf);
  const text = settingsText(o);
  return hosts.some((h) => text.some((t) => new RegExp(`(^|[/@\\s=])${h.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[.:/\\s])`).test(t)));
}

/** A container that reports readiness (or startup): the pod is not Ready until what it checks works. */
function gatesReadiness(w: K8sObject): boolean {
  const t = podTemplateOf(w);
  return t !== undefined && appContainersOf(t).some((c) => c.container['readinessProbe'] !== undefined || c.container['startupProbe'] !== undefined);
}

/** The credentials each Secret of the set carries. */
function credentialIndex(set: RenderedSet): ReturnType<typeof secretKeysOf> {
  return secretKeysOf(set.objects);
}

export const rule: Rule = {
  id: 'init-job-not-postsync',
  category: 'gitops',
  description: 'A Job that initialises what a workload signs in with (it reads a stored credential that a workload with a readiness or startup probe also reads, and is not that workload’s client) must not be an Argo CD PostSync hook.',
  rationale:
    'Argo CD runs PostSync hooks only after every resource is Healthy; when the workload’s readiness needs the roles, databases or users the Job creates, it never becomes Healthy, so the hook never runs and a fresh environment waits for itself forever. A Sync hook runs in its wave, after the store and before its consumers, and still re-runs on every sync so a rotated password reaches the store.',
  severity: 'error',
  kinds: ['Job', 'Pod'],
  scope: 'set',
  check: (o, set) => {
    const hooks = (str(at(o, 'metadata', 'annotations', HOOK)) ?? '').split(',').map((h) => h.trim());
    if (!hooks.includes('PostSync')) return [];
    const ns = namespaceOf(o) ?? '';
    const creds = credentialsOf(o, set.derived(credentialIndex));
    if (creds.size === 0) return [];
    const needs: string[] = [];
    for (const kind of LONG_RUNNING_KINDS) {
      for (const w of set.ofKindIn(kind, ns)) {
        const shared = [...credentialsOf(w, set.derived(credentialIndex))].filter((c) => creds.has(c));
        if (shared.length === 0 || !gatesReadiness(w) || talksTo(o, w, set)) continue;
        needs.push(`${kindOf(w)} ${nameOf(w)} (${shared.map((c) => c.slice(c.lastIndexOf(':') + 1)).sort().join(', ')})`);
      }
    }
    if (needs.length === 0) return [];
    return [
      {
        path: `metadata.annotations.${HOOK}`,
        message: `${kindOf(o)} ${nameOf(o)} is a PostSync hook, but ${needs.join(', ')} sign(s) in with credentials it sets up and gate(s) readiness on them, so it would wait for a hook that only runs once it is Healthy; expected argocd.argoproj.io/hook: Sync (in a wave after the store, before its consumers)`,
      },
    ];
  },
};
