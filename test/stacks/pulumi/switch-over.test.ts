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
import { argoApplicationOf, runSwitchOver, switchOverPlan, type CommandResult } from '../../../stacks/pulumi/switch-over.ts';
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

describe('the switch-over', () => {
  const plan = switchOverPlan({ stack: 'staging', application: { name: 'agent-platform-staging', namespace: 'argocd' }, argoContext: 'nonprod' });
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

  /** A cluster and CLI in which the Application may still exist and `pulumi up` may fail. */
  function recorder(options: { applicationExists: boolean; upFails?: boolean }) {
    const ran: string[] = [];
    const run = async (command: readonly string[]): Promise<CommandResult> => {
      ran.push(command.join(' '));
      if (command[0] === 'kubectl') {
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
    await expect(runSwitchOver(plan, r.run)).rejects.toThrow('switch-over step 3 (take the objects over)');
    expect(r.ran).toHaveLength(3);
  });
});
