import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromDirectory, fromGitRef } from '../../../tools/diff/rendering.ts';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const work = mkdtempSync(join(tmpdir(), 'diff-cli-'));
const before = join(work, 'before');
afterAll(() => rmSync(work, { recursive: true, force: true }));

const run = (...args: string[]) => spawnSync(process.execPath, [join(ROOT, 'tools', 'diff', 'cli.ts'), ...args], { encoding: 'utf8', cwd: ROOT });

/** A copy of `before` with `edit` applied to one file's text. */
function variant(name: string, file: string, edit: (text: string) => string): string {
  const dir = join(work, name);
  cpSync(before, dir, { recursive: true });
  writeFileSync(join(dir, file), edit(readFileSync(join(dir, file), 'utf8')));
  return dir;
}

beforeAll(() => {
  const synth = spawnSync(process.execPath, [join(ROOT, 'stacks', 'synth.ts'), '--out', before], { encoding: 'utf8' });
  expect(synth.status, synth.stderr).toBe(0);
});

describe('npm run diff', () => {
  it('exits 0 when two directories hold the same rendering', () => {
    const r = run('--from', before, '--to', before);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('no changes');
  });

  it('exits 1 for an image bump (pods restart, nothing risky) and names the field', () => {
    const after = variant('image', 'prod/deployment-agent-api.yaml', (t) => t.replace('multi-agent-service:1.8.0@', 'multi-agent-service:1.8.1@'));
    const r = run('--from', before, '--to', after);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('[restart] prod: Deployment agent-platform-prod/agent-api: pods restart (rolling update): spec.containers[api].image');
    expect(r.stdout).toContain('spec.template.spec.containers[api].image: "registry.example.com/agent-platform/multi-agent-service:1.8.0@sha256:');
  });

  it('exits 2 for a risky change and writes the Markdown comment to a file', () => {
    const after = variant('selector', 'prod/deployment-agent-api.yaml', (t) => t.replace(/(selector:\n\s+matchLabels:\n)/, '$1      tier: web\n'));
    const out = join(work, 'comment.md');
    const r = run('--from', before, '--to', after, '--format', 'markdown', '--output', out);
    expect(r.status).toBe(2);
    const md = readFileSync(out, 'utf8');
    expect(md).toContain('**immutable**');
    expect(md).toContain('spec.selector changed');
  });

  it('reports the flagged changes as JSON for programs, with the same subjects as the text', () => {
    const after = variant('json', 'prod/deployment-agent-api.yaml', (t) => t.replace(/(selector:\n\s+matchLabels:\n)/, '$1      tier: web\n'));
    const r = run('--from', before, '--to', after, '--format', 'json');
    expect(r.status).toBe(2);
    const report = JSON.parse(r.stdout) as { risks: { severity: string; env: string; subject: string; message: string }[]; summaries: { env: string; risky: number }[] };
    expect(report.risks).toContainEqual(expect.objectContaining({ severity: 'immutable', env: 'prod', subject: 'Deployment agent-platform-prod/agent-api' }));
    expect(report.summaries.find((s) => s.env === 'prod')?.risky).toBeGreaterThan(0);
    expect(r.stdout).not.toContain('spec.template.spec.containers');
  });

  it('compares one environment with another, ignoring that their namespaces differ', () => {
    const r = run('--from', before, '--envs', 'staging,prod');
    // Changed, and risky or not depending on what the tiers render; never "unchanged" or an error.
    expect([1, 2]).toContain(r.status);
    expect(r.stdout).toContain('rendering diff: staging');
    expect(r.stdout).toContain('spec.maxReplicas: 5 → 10');
    expect(r.stdout).not.toContain('namespace: "agent-platform-staging"');
    expect(r.stdout).not.toMatch(/^\s+- Namespace/m);
  });

  it('exits 3 with one line on a bad argument (2 means risky here), and no stack trace', () => {
    const r = run('--envs', 'prod');
    expect(r.status).toBe(3);
    expect(r.stderr).toBe('diff: --envs takes two environment names like staging,prod, got "prod"\n');
    const typo = run('--bse', 'HEAD~1');
    expect(typo.status).toBe(3);
    expect(typo.stderr).toMatch(/^diff: unknown option --bse \(did you mean --base\?\); expected [^\n]*\n$/);
  });

  it('reads the committed rendering at a git ref exactly as the directory it was', () => {
    const repo = join(work, 'repo');
    cpSync(before, join(repo, 'generated'), { recursive: true });
    const git = (...args: string[]) => spawnSync('git', args, { cwd: repo, encoding: 'utf8' });
    expect(git('init', '-q').status).toBe(0);
    git('add', 'generated');
    const commit = git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qm', 'render');
    expect(commit.status, commit.stderr).toBe(0);
    const key = (r: { env: string; kind: string; name: string }) => `${r.env}/${r.kind}/${r.name}`;
    const atRef = fromGitRef(repo, 'HEAD');
    expect(atRef.length).toBeGreaterThan(40);
    expect(atRef.map(key).sort()).toEqual(fromDirectory(before).map(key).sort());
  });
});
