import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadEnvironments } from '../../environments/load.ts';
import { compareWithDirectory, replaceTree } from '../../stacks/output.ts';
import { renderEnvironment } from '../../stacks/render.ts';
import { ManifestValidationError, validateManifest } from '../../stacks/validate.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const envs = loadEnvironments(join(ROOT, 'environments'));
const temps: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'synth-test-'));
  temps.push(d);
  return d;
}
afterAll(() => temps.forEach((d) => rmSync(d, { recursive: true, force: true })));

function synth(args: string[]) {
  return spawnSync(process.execPath, [join(ROOT, 'stacks/synth.ts'), ...args], { encoding: 'utf8', cwd: ROOT });
}

/** Every file under `dir`, with its content. */
function snapshotDir(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, prefix: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name), `${prefix}${e.name}/`);
      else out[`${prefix}${e.name}`] = readFileSync(join(d, e.name), 'utf8');
    }
  };
  walk(dir, '');
  return out;
}

describe.each(envs.map((e) => [e.name, e] as const))('environment %s', (_name, env) => {
  it('synthesizes, and every object passes schema validation', async () => {
    const files = await renderEnvironment(env);
    expect(files.length).toBeGreaterThan(10);
    for (const f of files) await validateManifest(f.manifest, f.path);
  });

  it('renders byte-identical output on every run', async () => {
    const a = await renderEnvironment(env);
    const b = await renderEnvironment(env);
    expect(b.map((f) => [f.path, f.content])).toEqual(a.map((f) => [f.path, f.content]));
  });

  it('is committed and current in generated/', async () => {
    const files = await renderEnvironment(env);
    expect(compareWithDirectory(files, join(ROOT, 'generated'), [env.name])).toEqual([]);
  });

  it('puts every namespaced object in the environment namespace', async () => {
    for (const f of await renderEnvironment(env)) {
      if (f.manifest.kind !== 'Namespace') expect(f.manifest.metadata.namespace, f.path).toBe(env.namespace);
    }
  });

  it('renders no Secret and no secret value', async () => {
    const files = await renderEnvironment(env);
    expect(files.filter((f) => f.manifest.kind === 'Secret')).toEqual([]);
    // A `password:` followed by an External Secrets template reference (`{{ .KEY }}`) or by a whole
    // environment variable Grafana expands in provisioning files (`$NAME`) names where a value
    // comes from; anything else after it would be a value.
    for (const f of files) {
      expect(f.content, f.path).not.toMatch(/sk-[A-Za-z0-9]{10,}|password:\s*(?!["']?\{\{ \.[A-Z0-9_]+ (\| urlquery )?\}\}["']?$|\$[A-Z][A-Z0-9_]*$)\S+/im);
    }
  });
});

describe('changing one value', () => {
  it('changes only the lines that depend on it', async () => {
    const prod = envs.find((e) => e.name === 'prod')!;
    const before = new Map((await renderEnvironment(prod)).map((f) => [f.path, f.content]));
    const changed = { ...prod, settings: { ...prod.settings, maxConcurrentAgents: 60 } };
    const after = await renderEnvironment(changed);
    const diffs = after.filter((f) => before.get(f.path) !== f.content);
    // The setting itself, and the checksum that rolls the pods reading it.
    expect(diffs.map((f) => f.path)).toEqual(['prod/configmap-agent-service-settings.yaml', 'prod/deployment-agent-api.yaml', 'prod/deployment-agent-worker.yaml']);
    for (const f of diffs) {
      const old = before.get(f.path)!.split('\n');
      const lines = f.content.split('\n');
      expect(lines).toHaveLength(old.length);
      expect(lines.filter((l, i) => l !== old[i])).toHaveLength(1);
    }
  });
});

describe('schema validation', () => {
  it('rejects a broken object, naming it and the failing field', async () => {
    const broken = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'api' },
      spec: {
        selector: { matchLabels: { app: 'api' } },
        template: { spec: { containers: [{ name: 'api', image: 'x:1', ports: [{ containerPort: 'http' }] }] } },
      },
    };
    expect.assertions(3);
    try {
      await validateManifest(broken, 'generated/dev/deployment-api.yaml (Deployment api)');
    } catch (e) {
      expect(e).toBeInstanceOf(ManifestValidationError);
      expect((e as ManifestValidationError).field).toBe('spec.template.spec.containers[0].ports[0].containerPort');
      expect((e as Error).message).toBe(
        'generated/dev/deployment-api.yaml (Deployment api): spec.template.spec.containers[0].ports[0].containerPort: must be integer',
      );
    }
  });

  it('refuses a kind it has no schema for', async () => {
    await expect(validateManifest({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } }, 'widget')).rejects.toThrowError(
      'widget: no schema is known for example.com/v1 Widget; add its models package to stacks/validate.ts',
    );
  });

  it('validates custom resources against their CRD schema', async () => {
    const bad = { apiVersion: 'external-secrets.io/v1', kind: 'ExternalSecret', metadata: { name: 's' }, spec: { data: [{ secretKey: 1 }] } };
    await expect(validateManifest(bad, 'es')).rejects.toThrowError(/^es: spec\.data\[0\]/);
  });
});

describe('the synth command', () => {
  it('leaves generated/ exactly as it was when an environment is invalid', () => {
    const envDir = tempDir();
    cpSync(join(ROOT, 'environments'), envDir, { recursive: true });
    const prod = readFileSync(join(envDir, 'prod.yaml'), 'utf8');
    writeFileSync(join(envDir, 'prod.yaml'), prod.replace('minReplicas: 3', 'minReplicas: three'));
    const out = tempDir();
    cpSync(join(ROOT, 'generated'), out, { recursive: true });
    writeFileSync(join(out, 'dev', 'deployment-agent-api.yaml'), 'stale on purpose\n');
    const before = snapshotDir(out);

    const run = synth(['--environments', envDir, '--out', out]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('synth failed; generated/ was left unchanged.');
    expect(run.stderr).toMatch(/prod\.yaml: api\.autoscaling\.minReplicas: expected a number, got "three"/);
    expect(snapshotDir(out)).toEqual(before);
  });

  it('--check lists the stale files per environment and exits 1', () => {
    const out = tempDir();
    cpSync(join(ROOT, 'generated'), out, { recursive: true });
    writeFileSync(join(out, 'staging', 'deployment-agent-api.yaml'), 'edited by hand\n');
    writeFileSync(join(out, 'dev', 'leftover.yaml'), 'kind: ConfigMap\n');
    rmSync(join(out, 'prod', 'service-agent-api.yaml'));

    const run = synth(['--check', '--out', out]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('generated/ is stale');
    expect(run.stderr).toMatch(/dev:\n {2}stale {3}generated\/dev\/leftover\.yaml/);
    expect(run.stderr).toMatch(/prod:\n {2}missing generated\/prod\/service-agent-api\.yaml/);
    expect(run.stderr).toMatch(/staging:\n {2}changed generated\/staging\/deployment-agent-api\.yaml/);
  });

  it('writes every environment, and --check then passes', () => {
    const out = tempDir();
    const write = synth(['--out', out]);
    expect(write.stderr).toBe('');
    expect(write.status).toBe(0);
    expect(snapshotDir(out)).toEqual(snapshotDir(join(ROOT, 'generated')));
    expect(synth(['--check', '--out', out]).status).toBe(0);
  });
});

describe('atomic writing', () => {
  it('replaces the tree whole, removing files and groups no longer rendered', () => {
    const out = tempDir();
    replaceTree([{ path: 'a/one.yaml', content: '1' }, { path: 'a/two.yaml', content: '2' }, { path: 'b/one.yaml', content: '1' }], out);
    replaceTree([{ path: 'a/one.yaml', content: '1b' }], out);
    expect(snapshotDir(out)).toEqual({ 'a/one.yaml': '1b' });
  });

  it('keeps the entries it is told to keep (synth --env keeps the other environments)', () => {
    const out = tempDir();
    replaceTree([{ path: 'a/one.yaml', content: '1' }, { path: 'b/one.yaml', content: '1' }, { path: 'c/one.yaml', content: '1' }], out);
    replaceTree([{ path: 'a/one.yaml', content: '2' }], out, { keep: (e) => e === 'b' });
    expect(snapshotDir(out)).toEqual({ 'a/one.yaml': '2', 'b/one.yaml': '1' });
  });

  it('leaves the output untouched when writing fails part-way, and no staging directory behind', () => {
    const out = tempDir();
    replaceTree([{ path: 'a/one.yaml', content: '1' }, { path: 'b/one.yaml', content: '1' }], out);
    const before = snapshotDir(out);
    expect(() => replaceTree([{ path: 'a/one.yaml', content: 'new' }, { path: 'b/bad\0name.yaml', content: 'x' }], out)).toThrow();
    expect(snapshotDir(out)).toEqual(before);
    expect(readdirSync(join(out, '..')).filter((n) => n.includes(`${out.split('/').pop()}.`))).toEqual([]);
  });
});
