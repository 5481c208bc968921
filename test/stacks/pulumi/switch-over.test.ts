/**
 * Switching an environment from Argo CD to `pulumi up`: the provider adopts existing objects only
 * when told to, and the switch-over runs in order (Argo CD gone first, adoption on for one `up`,
 * then off). `runSwitchOver` takes the command runner, so a test with the real CLI and cluster can
 * run the same plan with `spawnRunner`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { environmentNames, loadEnvironment } from '../../../environments/load.ts';
import { planSecret, type SecretValues } from '../../../stacks/pulumi/pulumi-secrets.ts';
import { externalSecretKeys } from '../../../kube/external-secret.ts';
import { producedBy } from '../../../kube/produced.ts';
import { argoApplicationOf, externalSecretsOf, PATCH_FORCE_VARIABLE, runSwitchOver, switchOverPlan, type CommandResult } from '../../../stacks/pulumi/switch-over.ts';
import { ENVIRONMENTS_DIR, runProgram } from '../../support/pulumi-mocks.ts';

const ROOT = join(import.meta.dirname, '..', '..', '..');

async function pulumiRun(adoptExistingObjects?: boolean) {
  const probe = await runProgram('staging', { delivery: 'gitops' });
  const values: Record<string, Record<string, string>> = {};
  for (const m of probe.result.manifests.filter((o) => o.kind === 'ExternalSecret')) {
    for (const e of planSecret(m, probe.env.secrets.remoteKeyPrefix).entries) values[e.configKey] = { ...values[e.configKey], [e.property]: 'x' };
  }
  return runProgram('staging', { delivery: 'pulumi', secrets: values as SecretValues, ...(adoptExistingObjects === undefined ? {} : { config: { adoptExistingObjects } }) });
}

describe('the Kubernetes provider', () => {
  it('adopts existing objects only when adoptExistingObjects is set', async () => {
    expect((await pulumiRun()).ofType('pulumi:providers:kubernetes')[0]!.inputs['upsertExistingObjects']).toBe('false');
    expect((await pulumiRun(true)).ofType('pulumi:providers:kubernetes')[0]!.inputs['upsertExistingObjects']).toBe('true');
  });
});

describe.each(environmentNames(ENVIRONMENTS_DIR))('the Argo CD Application of %s', (name) => {
  it('is the one committed under generated/argocd', () => {
    const env = loadEnvironment(ENVIRONMENTS_DIR, name);
    const app = argoApplicationOf(env);
    const file = join(ROOT, 'generated', 'argocd', 'root', `application-${app.name}.yaml`);
    expect(existsSync(file)).toBe(true);
    expect((yaml.load(readFileSync(file, 'utf8')) as { metadata: { namespace: string } }).metadata.namespace).toBe(app.namespace);
  });
});

describe.each(environmentNames(ENVIRONMENTS_DIR))('what Pulumi applies in %s', (name) => {
  // An object a controller writes under gitops delivery (a Secret of an ExternalSecret, ...) that
  // Pulumi applies itself after the switch: its fields belong to that controller's field manager,
  // which refuses Pulumi's first apply as a conflict, and the controller would go on writing it.
  // The switch-over must release every such producer before the forced up.
  it('is written by no controller the switch-over leaves running', async () => {
    const gitops = await runProgram(name, { delivery: 'gitops' });
    const values: Record<string, Record<string, string>> = {};
    for (const m of gitops.result.manifests.filter((o) => o.kind === 'ExternalSecret')) {
      for (const e of planSecret(m, gitops.env.secrets.remoteKeyPrefix).entries) values[e.configKey] = { ...values[e.configKey], [e.property]: 'x' };
    }
    const pulumiRun = await runProgram(name, { delivery: 'pulumi', secrets: values as SecretValues });
    const applied = new Set(pulumiRun.registered.filter((r) => r.type.startsWith('kubernetes:')).map((r) => r.name));
    const plan = switchOverPlan({
      stack: name,
      application: { name: `agent-platform-${name}`, namespace: 'argocd' },
      argoContext: 'c',
      cluster: { context: 'c', namespace: gitops.env.namespace },
      externalSecrets: externalSecretsOf(gitops.result.manifests),
    });
    // What the plan's orphaning delete names, read from the command itself.
    const release = plan.find((s) => s.command.includes('--cascade=orphan'))?.command ?? [];
    const released = new Set(release.slice(release.indexOf('externalsecrets.external-secrets.io') + 1).filter((a) => !a.startsWith('--')));
    const contested: string[] = [];
    for (const m of gitops.result.manifests) {
      const ns = m.metadata.namespace ?? '';
      const made = producedBy(m);
      const writes = [...made.secrets.map((n) => `Secret/${ns}/${n}`), ...made.configMaps.map((n) => `ConfigMap/${ns}/${n}`), ...made.services.map((s) => `Service/${ns}/${s.name}`), ...made.pvcs.map((n) => `PersistentVolumeClaim/${ns}/${n}`)];
      for (const w of writes.filter((w) => applied.has(w))) {
        const releasedHere = m.kind === 'ExternalSecret' && released.has(m.metadata.name) && w === `Secret/${ns}/${externalSecretKeys(m).target}`;
        if (!releasedHere) contested.push(`${w} (written by ${m.kind} ${m.metadata.name})`);
      }
    }
    expect(contested).toEqual([]);
    expect(released.size).toBe(gitops.result.manifests.filter((m) => m.kind === 'ExternalSecret').length);
  });
});

describe('the switch-over', () => {
  const plan = switchOverPlan({
    stack: 'staging',
    application: { name: 'agent-platform-staging', namespace: 'argocd' },
    argoContext: 'nonprod',
    cluster: { context: 'nonprod', namespace: 'agent-platform-staging' },
    externalSecrets: ['agent-service', 'redis-auth'],
  });
  const ups = plan.flatMap((s, i) => (s.command.slice(0, 2).join(' ') === 'pulumi up' ? [i] : []));
  const adoption = (value: string) => plan.findIndex((s) => s.command.includes('adoptExistingObjects') && s.command.at(-1) === value);

  it('checks that Argo CD is gone before anything else, and adopts for exactly one up', () => {
    expect(plan[0]!.command).toEqual(['kubectl', '--context', 'nonprod', '--namespace', 'argocd', 'get', 'applications.argoproj.io', 'agent-platform-staging']);
    expect(plan[0]!.expect).toBe('absent');
    expect(ups).toHaveLength(2);
    expect(adoption('true')).toBeLessThan(ups[0]!);
    expect(adoption('false')).toBeGreaterThan(ups[0]!);
    expect(adoption('false')).toBeLessThan(ups[1]!);
    for (const i of ups) expect(plan[i]!.command).toEqual(expect.arrayContaining(['--stack', 'staging', '--policy-pack', 'policies/pulumi-pack']));
  });

  it('releases the ExternalSecrets, keeping their Secrets, and forces only the adopting up', () => {
    const release = plan.findIndex((s) => s.command.includes('externalsecrets.external-secrets.io'));
    expect(plan[release]!.command).toEqual([
      'kubectl', '--context', 'nonprod', '--namespace', 'agent-platform-staging', 'delete', 'externalsecrets.external-secrets.io', 'agent-service', 'redis-auth', '--cascade=orphan', '--ignore-not-found',
    ]);
    expect(release).toBeGreaterThan(0);
    expect(release).toBeLessThan(ups[0]!);
    expect(plan[ups[0]!]!.env).toEqual({ [PATCH_FORCE_VARIABLE]: 'true' });
    expect(plan[ups[1]!]!.env).toBeUndefined();
  });

  /** A cluster and CLI in which the Application may still exist and `pulumi up` may fail. */
  function recorder(options: { applicationExists: boolean; upFails?: boolean }) {
    const ran: string[] = [];
    const run = async (command: readonly string[]): Promise<CommandResult> => {
      ran.push(command.join(' '));
      if (command[0] === 'kubectl' && command.includes('get')) {
        return options.applicationExists
          ? { code: 0, stdout: 'agent-platform-staging   Synced   Healthy', stderr: '' }
          : { code: 1, stdout: '', stderr: 'Error from server (NotFound): applications.argoproj.io "agent-platform-staging" not found' };
      }
      return options.upFails && command[1] === 'up' ? { code: 255, stdout: '', stderr: 'error: update failed' } : { code: 0, stdout: '', stderr: '' };
    };
    return { ran, run };
  }

  it('runs every step in order once Argo CD has let go', async () => {
    const r = recorder({ applicationExists: false });
    await runSwitchOver(plan, r.run);
    expect(r.ran).toEqual(plan.map((s) => s.command.join(' ')));
  });

  it('stops before any pulumi command while Argo CD still has the Application', async () => {
    const r = recorder({ applicationExists: true });
    await expect(runSwitchOver(plan, r.run)).rejects.toThrow('found it: Argo CD still delivers the environment');
    expect(r.ran.filter((c) => c.startsWith('pulumi'))).toEqual([]);
  });

  it('stops at a failed up, naming the step to resume from', async () => {
    const r = recorder({ applicationExists: false, upFails: true });
    await expect(runSwitchOver(plan, r.run)).rejects.toThrow(`switch-over step ${ups[0]! + 1} (take the objects over): ${PATCH_FORCE_VARIABLE}=true pulumi up`);
    expect(r.ran).toHaveLength(ups[0]! + 1);
  });
});
