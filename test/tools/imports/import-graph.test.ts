import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importCycles, importGraph } from '../../../tools/imports/import-graph.ts';

const ROOT = join(import.meta.dirname, '..', '..', '..');

describe('import graph', () => {
  it('has no cycle, type-only imports included', () => {
    expect(importCycles(importGraph(ROOT))).toEqual([]);
  });

  it('finds a type-only cycle through a re-export and ignores packages', () => {
    const dir = mkdtempSync(join(tmpdir(), 'import-graph-'));
    mkdirSync(join(dir, 'b'));
    writeFileSync(join(dir, 'a.ts'), "import type { B } from './b/b.ts';\nimport { z } from 'zod';\nexport type A = B;\n");
    writeFileSync(join(dir, 'b', 'b.ts'), "export { type C as B } from './c.ts';\n");
    writeFileSync(join(dir, 'b', 'c.ts'), "import type { A } from '../a.ts';\nexport type C = A;\n");
    writeFileSync(join(dir, 'd.ts'), "import { x } from './a.ts';\n");
    const graph = importGraph(dir);
    expect(graph.get('d.ts')).toEqual(['a.ts']);
    expect(importCycles(graph)).toEqual([['a.ts', 'b/b.ts', 'b/c.ts']]);
  });
});
