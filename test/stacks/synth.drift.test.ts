import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const SYNTH = join(import.meta.dirname, '..', '..', 'stacks', 'synth.ts');
const out = mkdtempSync(join(tmpdir(), 'drift-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

const synth = (...args: string[]) => spawnSync(process.execPath, [SYNTH, '--out', out, ...args], { encoding: 'utf8' });

describe('drift gate (npm run synth -- --check)', () => {
  it('passes on a fresh synth and names the Argo CD group among those checked', () => {
    expect(synth().status).toBe(0);
    const check = synth('--check');
    expect(check.status).toBe(0);
    expect(check.stdout).toMatch(/generated\/ is current \([0-9]+ files, dev, prod, staging, argocd\)/);
  });

  it('fails on a hand edit of an Argo CD Application and says which file and which group', () => {
    appendFileSync(join(out, 'argocd', 'root', 'application-agent-platform-prod.yaml'), '# synced by hand\n');
    writeFileSync(join(out, 'argocd', 'clusters', 'prod', 'clusterissuer-hand-made.yaml'), 'kind: ClusterIssuer\n');
    const check = synth('--check');
    expect(check.status).toBe(1);
    expect(check.stderr).toContain('argocd:\n  stale   generated/argocd/clusters/prod/clusterissuer-hand-made.yaml\n  changed generated/argocd/root/application-agent-platform-prod.yaml');
  });

  it('a new synth replaces the whole group, removing what no longer renders', () => {
    expect(synth().status).toBe(0);
    expect(synth('--check').status).toBe(0);
  });
});
