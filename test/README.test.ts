/**
 * The README's tables against what they describe: the command table lists every npm script, and
 * the layout table names every top-level directory and every file group of `stacks/`, each of
 * them existing.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const scripts = Object.keys((JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts);

/** The rows of the table that follows `## <heading>`, as arrays of cells. */
function table(heading: string): string[][] {
  const start = readme.indexOf(`\n## ${heading}\n`);
  expect(start, `README has a "## ${heading}" section`).toBeGreaterThan(0);
  const end = readme.indexOf('\n## ', start + 1);
  return readme
    .slice(start, end < 0 ? undefined : end)
    .split('\n')
    .filter((l) => l.startsWith('| ') && !l.startsWith('|---'))
    .slice(1)
    .map((l) => l.slice(2, -2).split(' | '));
}

const ticked = (cell: string): string[] => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);

/** Scripts the cluster harness (issue 14) adds; their rows are written ahead of them. */
const HARNESS_SCRIPTS = ['test:cluster', 'cluster:up', 'cluster:down'];

describe('README, command table', () => {
  const commands = table('Commands').flatMap((row) => ticked(row[0]!));
  const named = commands.map((c) => (c === 'npm test' ? 'test' : /^npm run ([\w:-]+)/.exec(c)?.[1]));

  it.each(scripts)('lists npm script %s', (script) => {
    expect(named).toContain(script);
  });

  it('lists no script that package.json does not have', () => {
    expect(named.filter((n) => n === undefined || (!scripts.includes(n) && !HARNESS_SCRIPTS.includes(n)))).toEqual([]);
  });
});

describe('README, layout table', () => {
  const paths = table('Layout').flatMap((row) => ticked(row[0]!));
  /** What a path names: a directory (trailing slash) covers everything under it. */
  const covers = (entry: string): boolean => paths.some((p) => p === entry || (p.endsWith('/') && entry.startsWith(p)));

  it('names only paths that exist', () => {
    expect(paths.length).toBeGreaterThan(0);
    expect(paths.filter((p) => !existsSync(join(ROOT, p)))).toEqual([]);
  });

  it('names every top-level directory', () => {
    const ignored = new Set(['node_modules', '.git', 'coverage', '.tools']);
    const dirs = readdirSync(ROOT, { withFileTypes: true })
      .filter((d) => d.isDirectory() && !ignored.has(d.name) && !d.name.startsWith('.generated') && !d.name.startsWith('generated.'))
      .map((d) => `${d.name}/`);
    expect(dirs.filter((d) => !paths.some((p) => p === d || p.startsWith(d)))).toEqual([]);
  });

  it('names every file and directory of stacks/', () => {
    const entries = readdirSync(join(ROOT, 'stacks'), { withFileTypes: true }).map((d) => `stacks/${d.name}${d.isDirectory() ? '/' : ''}`);
    expect(entries.filter((e) => !covers(e))).toEqual([]);
  });
});
