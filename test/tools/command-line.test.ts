/**
 * Issue 13: every command reports a usage mistake in one line naming what was expected, exit 2
 * (diff: 3, since its 2 means "risky"), and never a stack trace.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const run = (script: string, ...args: string[]) => spawnSync(process.execPath, [join(ROOT, script), ...args], { encoding: 'utf8', cwd: ROOT });

const ONE_LINE = (command: string) => new RegExp(`^${command.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: [^\\n]*expected[^\\n]*\\n$`);

describe('usage mistakes', () => {
  it.each([
    ['stacks/synth.ts', 'synth', ['--env', 'nope']],
    ['stacks/synth.ts', 'synth', ['--env', 'prod,dev']],
    ['stacks/synth.ts', 'synth', ['--chek']],
    ['stacks/synth.ts', 'synth', ['--env', '../environments/prod']],
    ['stacks/synth.ts', 'synth', ['stray']],
    ['policies/cli.ts', 'policy', ['--today', '2027-13-45']],
    ['policies/cli.ts', 'policy', ['--nope']],
    ['environments/write-json-schema.ts', 'schema', ['--out', 'x']],
    ['stacks/bench.ts', 'bench', ['--fast']],
    ['policies/bench.ts', 'bench:policy', ['extra']],
    ['tools/diff/bench.ts', 'bench:diff', ['--runs', '3']],
    ['tools/docs/write.ts', 'docs', ['--chek']],
  ] as const)('%s %j: one line, exit 2', (script, command, args) => {
    const r = run(script, ...args);
    expect(r.stderr).toMatch(ONE_LINE(command));
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.status).toBe(2);
  });

  it('synth --env with a path creates nothing', () => {
    const r = run('stacks/synth.ts', '--env', '../environments/prod', '--out', join(ROOT, 'generated'));
    expect(r.status).toBe(2);
    expect(existsSync(join(ROOT, 'environments', 'prod'))).toBe(false);
  });

  it('diff: one line, exit 3', () => {
    const r = run('tools/diff/cli.ts', '--formt', 'json');
    expect(r.stderr).toMatch(ONE_LINE('diff'));
    expect(r.status).toBe(3);
  });
});
