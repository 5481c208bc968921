/**
 * Issue 13: a synth killed at any moment leaves `generated/` as the old tree or the new one, never
 * a mix or nothing; the next run removes what the killed one left; `--check` reports anything a
 * fresh synth would not write, and a full synth removes the output of deleted environments.
 *
 * The real command is killed (SIGKILL): at named steps (after staging, right after the exchange,
 * and in the middle of the two-rename fallback used where the exchange is unavailable), and at
 * evenly spread moments of its run.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanLeftovers } from '../../stacks/output.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const SYNTH = join(ROOT, 'stacks', 'synth.ts');
const work = mkdtempSync(join(tmpdir(), 'synth-kill-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** One environment (dev) keeps each run short, so it can be killed at many points. */
const envDir = join(work, 'environments');
const out = join(work, 'generated');

function snapshot(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (d: string, prefix: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name), `${prefix}${e.name}/`);
      else files[`${prefix}${e.name}`] = readFileSync(join(d, e.name), 'utf8');
    }
  };
  if (existsSync(dir)) walk(dir, '');
  return files;
}

function synth(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [SYNTH, '--environments', envDir, '--out', out, ...args], { encoding: 'utf8', cwd: ROOT, env: { ...process.env, ...env } });
}

let fresh: Record<string, string>;
let old: Record<string, string>;

/** The old tree: the fresh one with a changed file, a stale file and a deleted environment's group. */
function writeOldTree(): void {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out);
  for (const [path, content] of Object.entries(fresh)) {
    mkdirSync(join(out, path, '..'), { recursive: true });
    writeFileSync(join(out, path), content);
  }
  writeFileSync(join(out, 'dev', 'deployment-agent-api.yaml'), 'old\n');
  writeFileSync(join(out, 'dev', 'stale.yaml'), 'old\n');
  mkdirSync(join(out, 'deleted-env'));
  writeFileSync(join(out, 'deleted-env', 'namespace.yaml'), 'old\n');
  old = snapshot(out);
}

const leftovers = () => readdirSync(work).filter((n) => n.startsWith('.generated.') || n.startsWith('generated.'));

beforeAll(() => {
  mkdirSync(envDir);
  cpSync(join(ROOT, 'environments', 'dev.yaml'), join(envDir, 'dev.yaml'));
  const first = synth([]);
  expect(first.stderr).toBe('');
  fresh = snapshot(out);
  expect(Object.keys(fresh).length).toBeGreaterThan(50);
});

describe('a synth killed part-way', () => {
  it.each(['staged', 'exchanged'])('leaves the old or the new tree when killed at step "%s", and the next run cleans up', (step) => {
    writeOldTree();
    const run = synth([], { AGENT_PLATFORM_SYNTH_KILL_AT: step });
    expect(run.signal).toBe('SIGKILL');
    expect(snapshot(out)).toEqual(step === 'staged' ? old : fresh);
    expect(leftovers()).toHaveLength(1);
    expect(synth([]).status).toBe(0);
    expect(leftovers()).toEqual([]);
    expect(snapshot(out)).toEqual(fresh);
  });

  it('in the middle of the two-rename fallback swap, the next run puts the old tree back first', () => {
    writeOldTree();
    const run = synth([], { AGENT_PLATFORM_SYNTH_KILL_AT: 'half-swapped', AGENT_PLATFORM_NO_EXCHANGE: '1' });
    expect(run.signal).toBe('SIGKILL');
    cleanLeftovers(out);
    expect(snapshot(out)).toEqual(old);
    expect(leftovers()).toEqual([]);
  });

  it('at any moment of its run leaves exactly the old tree or the new one', async () => {
    const outcomes = new Set<string>();
    for (let delay = 150; delay <= 60_000; delay += delay < 4000 ? 350 : 3000) {
      writeOldTree();
      const child = spawn(process.execPath, [SYNTH, '--environments', envDir, '--out', out], { cwd: ROOT, stdio: 'ignore' });
      const exited = new Promise<string>((resolve) => child.on('exit', (code, signal) => resolve(signal ?? String(code))));
      const timer = setTimeout(() => child.kill('SIGKILL'), delay);
      const how = await exited;
      clearTimeout(timer);
      // A kill during the exchange leaves its (perl) child to finish the one system call.
      await new Promise((resolve) => setTimeout(resolve, 200));
      const now = snapshot(out);
      const state = JSON.stringify(now) === JSON.stringify(old) ? 'old' : JSON.stringify(now) === JSON.stringify(fresh) ? 'new' : 'mixed';
      expect(state, `killed after ${delay} ms (${how})`).not.toBe('mixed');
      outcomes.add(state);
      if (how === '0') break;
    }
    // The runs covered both sides of the swap.
    expect(outcomes).toEqual(new Set(['old', 'new']));
    expect(synth([]).status).toBe(0);
    expect(leftovers()).toEqual([]);
  }, 240_000);
});

describe('what a full synth owns', () => {
  it('--check reports a stray file, an extra directory and a deleted environment; synth removes them', () => {
    writeOldTree();
    writeFileSync(join(out, 'stray.txt'), 'x');
    mkdirSync(join(out, 'empty-dir'));
    const check = synth(['--check']);
    expect(check.status).toBe(1);
    expect(check.stderr).toContain('stale   generated/deleted-env/namespace.yaml');
    expect(check.stderr).toContain('stale   generated/stray.txt');
    expect(check.stderr).toContain('stale   generated/empty-dir/');
    expect(check.stderr).toContain('stale   generated/dev/stale.yaml');
    expect(synth([]).status).toBe(0);
    expect(snapshot(out)).toEqual(fresh);
    expect(readdirSync(out).sort()).toEqual(['argocd', 'dev']);
    expect(synth(['--check']).status).toBe(0);
  });
});
