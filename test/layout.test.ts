/**
 * Tests mirror the source layout (issue 15): `test/<path>.test.ts` tests the file `<path>.<ext>` or
 * the folder `<path>/`, and `test/<path>.<aspect>.test.ts` one aspect of it (the drift gate of
 * `stacks/synth.ts` is `test/stacks/synth.drift.test.ts`). A reader finds a file's tests by its path,
 * and a test whose source moved or went away fails here instead of lingering. The cluster harness
 * (`test/cluster/`) keeps its own layout.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, posix } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');
const SELF = 'test/layout.test.ts';

/** The tests of the program as a whole, which mirror no one source: the only exceptions, each with why. */
const WHOLE_PROGRAM: Readonly<Record<string, string>> = {
  [SELF]: 'the layout of test/ itself',
  'test/environments-pass-policies.test.ts': 'every environment, rendered as synth renders it, through every policy rule',
  'test/docs/comment-citations.test.ts': 'the comments of every source file against the documents they cite',
  'test/docs/figures.test.ts': 'the figures written in every document',
  'test/docs/links.test.ts': 'the links of the README and every document',
};

/** Source layout as the checks see it: whether a path exists, and the names in a folder. */
interface Tree {
  isDir(path: string): boolean;
  names(dir: string): string[];
}

const disk: Tree = {
  isDir: (p) => existsSync(join(ROOT, p)) && statSync(join(ROOT, p)).isDirectory(),
  names: (d) => (existsSync(join(ROOT, d)) && statSync(join(ROOT, d)).isDirectory() ? readdirSync(join(ROOT, d)) : []),
};

/** Whether `path` (no extension) names a folder or a file with any extension (`README.md`, `postgres-dump.sh`). */
function sourceExists(tree: Tree, path: string): boolean {
  if (tree.isDir(path)) return true;
  const dir = posix.dirname(path);
  const name = posix.basename(path);
  return tree.names(dir === '.' ? '' : dir).some((n) => n.startsWith(`${name}.`) && !tree.isDir(posix.join(dir, n)));
}

/** The source `test/<path>[.<aspect>].test.ts` mirrors, or undefined when there is none. */
function mirroredSource(tree: Tree, test: string): string | undefined {
  const path = test.replace(/^test\//, '').replace(/\.test\.ts$/, '');
  if (sourceExists(tree, path)) return path;
  const main = path.replace(/\.[^./]+$/, '');
  return main !== path && sourceExists(tree, main) ? main : undefined;
}

/**
 * Where a stray test should be: beside the sources it imports (test/support/ aside), those its name
 * contains first (`gitops-sync-waves` imports `stacks/sync-waves.ts`), else any file of its name.
 */
function suggestions(tree: Tree, test: string, text: string): string[] {
  const dir = posix.dirname(test);
  const name = basename(test, '.test.ts');
  const imported = [...text.matchAll(/from '(\.\.?\/[^']+)'/g)]
    .map((m) => posix.normalize(posix.join(dir, m[1]!)).replace(/\.[^./]+$/, ''))
    .filter((p) => !p.startsWith('test/'));
  const named = imported.filter((p) => name.includes(posix.basename(p)));
  const chosen = named.length > 0 ? named : imported;
  if (chosen.length > 0) return [...new Set(chosen.map((p) => `test/${p}.test.ts`))];
  const found: string[] = [];
  const walk = (d: string): void => {
    for (const n of tree.names(d)) {
      const p = d ? `${d}/${n}` : n;
      if (['node_modules', 'generated', 'test', '.git'].includes(p)) continue;
      if (tree.isDir(p)) walk(p);
      if (n === name || n.startsWith(`${name}.`)) found.push(`test/${p.replace(/\.[^./]+$/, '')}.test.ts`);
    }
  };
  walk('');
  return found;
}

/** Every `*.test.ts` under `test/`, as repository paths, outside the cluster harness. */
function testFiles(): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const n of readdirSync(join(ROOT, d)).sort()) {
      const p = `${d}/${n}`;
      if (p === 'test/cluster') continue;
      if (statSync(join(ROOT, p)).isDirectory()) walk(p);
      else if (n.endsWith('.test.ts')) out.push(p);
    }
  };
  walk('test');
  return out;
}

/** One line per test that mirrors no source and is not a listed exception, naming where it should be. */
function strays(tree: Tree, tests: string[], read: (test: string) => string): string[] {
  return tests
    .filter((t) => !(t in WHOLE_PROGRAM) && mirroredSource(tree, t) === undefined)
    .map((t) => {
      const where = suggestions(tree, t, read(t));
      const to = where.length > 0 ? `move it to ${where.join(' or ')}` : 'move it to test/<the path of the source it tests>.test.ts';
      return `${t}: no source at ${t.replace(/^test\//, '').replace(/\.test\.ts$/, '')}(.* or /); ${to}, or list it in WHOLE_PROGRAM of ${SELF} with why`;
    });
}

describe('the layout of test/', () => {
  const tests = testFiles();

  it('puts every test at the path of the source it tests', () => {
    expect(tests.length).toBeGreaterThan(Object.keys(WHOLE_PROGRAM).length);
    expect(strays(disk, tests, (t) => readFileSync(join(ROOT, t), 'utf8'))).toEqual([]);
  });

  it('lists as whole-program tests only tests that exist and mirror no source', () => {
    for (const t of Object.keys(WHOLE_PROGRAM)) {
      expect(tests, t).toContain(t);
      expect(mirroredSource(disk, t), `${t} mirrors a source: drop it from WHOLE_PROGRAM`).toBeUndefined();
    }
  });

  it('reports a flat test with the path of the source it imports', () => {
    const tree: Tree = {
      isDir: (p) => ['', 'constructs', 'test'].includes(p),
      names: (d) => (d === '' ? ['constructs', 'test'] : d === 'constructs' ? ['redis.ts'] : []),
    };
    expect(mirroredSource(tree, 'test/constructs/redis.test.ts')).toBe('constructs/redis');
    expect(mirroredSource(tree, 'test/constructs/redis.backup.test.ts')).toBe('constructs/redis');
    expect(mirroredSource(tree, 'test/constructs.test.ts')).toBe('constructs');
    expect(strays(tree, ['test/data-redis.test.ts'], () => "import { Redis } from '../constructs/redis.ts';\n")).toEqual([
      `test/data-redis.test.ts: no source at data-redis(.* or /); move it to test/constructs/redis.test.ts, or list it in WHOLE_PROGRAM of ${SELF} with why`,
    ]);
    expect(strays(tree, ['test/redis.test.ts'], () => '')).toEqual([
      `test/redis.test.ts: no source at redis(.* or /); move it to test/constructs/redis.test.ts, or list it in WHOLE_PROGRAM of ${SELF} with why`,
    ]);
  });
});
