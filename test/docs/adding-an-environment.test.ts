/**
 * Issue 13: the steps of docs/adding-an-environment.md, followed as written in a copy of the
 * repository: a `qa` environment copied from staging, synthesized, checked by the policies, and
 * accepted by the tests that list the environments (which derive the list from environments/).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const tree = mkdtempSync(join(tmpdir(), 'add-env-'));
afterAll(() => rmSync(tree, { recursive: true, force: true }));

/** The environment of a fresh shell: none of this vitest's own variables, no colours. */
const shellEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST') && k !== 'NODE_OPTIONS' && k !== 'TEST'));
const run = (...args: string[]) => spawnSync(process.execPath, args, { cwd: tree, encoding: 'utf8', env: { ...shellEnv, NO_COLOR: '1', FORCE_COLOR: '0' } });

/** The documented steps, so the test fails when the steps change without it. */
const steps = readFileSync(join(ROOT, 'docs', 'adding-an-environment.md'), 'utf8');

beforeAll(() => {
  for (const entry of readdirSync(ROOT)) {
    if (['node_modules', '.git', 'generated', 'coverage'].includes(entry) || entry.startsWith('.generated')) continue;
    cpSync(join(ROOT, entry), join(tree, entry), { recursive: true });
  }
  symlinkSync(join(ROOT, 'node_modules'), join(tree, 'node_modules'));

  // Step 1: copy staging.yaml and set every field the step names.
  const qa = yaml.load(readFileSync(join(tree, 'environments', 'staging.yaml'), 'utf8')) as any;
  qa.name = 'qa';
  qa.namespace = 'agent-platform-qa';
  qa.ingress.host = 'api.qa.agents.example.com';
  qa.settings.corsOrigins = ['https://app.qa.agents.example.com'];
  qa.secrets.store.name = 'agent-platform-qa';
  qa.secrets.remoteKeyPrefix = 'agent-platform/qa';
  qa.data.backup = { ...qa.data.backup, bucket: 'agent-platform-backups-qa', prefix: 'agent-platform/qa', roleArn: 'arn:aws:iam::111111111111:role/agent-platform-qa-backup' };
  qa.gitops.secretStore.roleArn = 'arn:aws:iam::111111111111:role/agent-platform-qa-secrets';
  qa.monitoring.alertmanager.receivers = [{ name: 'qa-alerts', type: 'slack', channel: '#agent-platform-qa' }];
  qa.monitoring.alertmanager.route = { default: 'qa-alerts', critical: 'qa-alerts', warning: 'qa-alerts' };
  writeFileSync(join(tree, 'environments', 'qa.yaml'), `# yaml-language-server: $schema=./environment.schema.json\n${yaml.dump(qa)}`);
  // Step 3: the stack file.
  cpSync(join(tree, 'Pulumi.staging.yaml'), join(tree, 'Pulumi.qa.yaml'));
}, 60_000);

describe('adding an environment, as docs/adding-an-environment.md says', () => {
  it('the steps name every field the copy must change', () => {
    for (const field of ['name', 'namespace', 'ingress.host', 'settings.corsOrigins', 'secrets.store.name', 'secrets.remoteKeyPrefix', 'data.backup', 'roleArn', 'gitops', 'monitoring.alertmanager.receivers', 'monitoring.alertmanager.route', 'Pulumi.<name>.yaml']) {
      expect(steps, field).toContain(`\`${field}\``);
    }
    expect(steps).not.toContain('pick the new environment up by themselves');
  });

  it('step 2: synth writes generated/qa and its Argo CD Application, and the policies pass', () => {
    const synth = run('stacks/synth.ts');
    expect(synth.stderr).toBe('');
    expect(synth.status).toBe(0);
    expect(existsSync(join(tree, 'generated', 'qa', 'namespace-agent-platform-qa.yaml'))).toBe(true);
    expect(readdirSync(join(tree, 'generated', 'argocd'), { recursive: true }).join('\n')).toContain('qa');
    const policy = run('policies/cli.ts', '--env', 'qa');
    expect(policy.stdout).toContain('0 error(s)');
    expect(policy.status).toBe(0);
  }, 120_000);

  it('step 4: the tests that list environments pass with it', () => {
    const vitest = run(join(tree, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--reporter=verbose', 'test/environments/load.test.ts', 'test/stacks/pulumi/index.test.ts', 'test/components/elasticsearch/index.logs-reader.test.ts');
    expect(vitest.stdout + vitest.stderr).toMatch(/Tests\s+\S*\d+ passed/);
    expect(vitest.status, vitest.stdout.slice(-3000)).toBe(0);
    expect(vitest.stdout).toContain('runs stack qa from its committed config');
    expect(vitest.stdout).toContain('logs reader in qa');
  }, 240_000);
});
