/**
 * docs/adding-a-component.md stays true: the files it says a new store touches exist (Redis,
 * the example it copies, standing in for `<name>`), their number is the one it states, and every
 * store module has the files the page says a module folder holds.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { STORES } from '../../components/index.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const DOC = readFileSync(join(ROOT, 'docs', 'adding-a-component.md'), 'utf8');

/** The bullet list between the `files-touched` markers: the first `code` span of each line. */
function filesTouched(doc: string): string[] {
  const m = /<!-- files-touched: start -->\n([\s\S]*?)<!-- files-touched: end -->/.exec(doc);
  if (!m) throw new Error('docs/adding-a-component.md: no files-touched list between its markers');
  return m[1]!.split('\n').filter((l) => l.startsWith('- ')).map((l) => /`([^`]+)`/.exec(l)?.[1] ?? l);
}

describe('docs/adding-a-component.md', () => {
  const files = filesTouched(DOC);

  it('lists files that exist, counted on Redis', () => {
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) expect(existsSync(join(ROOT, f.replaceAll('<name>', 'redis'))), f).toBe(true);
  });

  it('states the number of files it lists, within the issue\'s bound of six', () => {
    const stated = /That is \*\*(\d+) files\*\*/.exec(DOC);
    expect(stated, 'a "That is **N files**" sentence').not.toBeNull();
    expect(Number(stated![1])).toBe(files.length);
    expect(files.length).toBeLessThanOrEqual(6);
  });

  it('names every file of the module folder that Redis, its example, has', () => {
    for (const f of ['index.ts', 'schema.ts', 'alerts.ts', 'dashboard.ts', 'flows.yaml', 'managed.ts', 'redis.ts']) {
      expect(DOC, f).toContain(f === 'redis.ts' ? '`<name>.ts`' : `\`${f}\``);
      expect(existsSync(join(ROOT, 'components', 'redis', f)), f).toBe(true);
    }
  });

  it.each(STORES.map((s) => [s.name] as const))('finds the %s module where the page says modules live', (name) => {
    for (const f of ['index.ts', 'schema.ts', 'alerts.ts', 'dashboard.ts']) expect(existsSync(join(ROOT, 'components', name, f)), `components/${name}/${f}`).toBe(true);
  });
});
