/**
 * The documents generated from the code (`npm run docs`) are committed as generated: a rule added
 * without regenerating its reference fails here, naming the command that fixes it.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generatedDocuments } from '../../../tools/docs/documents.ts';

const ROOT = join(import.meta.dirname, '..', '..', '..');

describe('generated documents', () => {
  it.each([...generatedDocuments()])('%s is what `npm run docs` writes', (path, text) => {
    expect(readFileSync(join(ROOT, path), 'utf8'), `${path} is stale: run npm run docs and commit it`).toBe(text);
  });

  it('npm run docs -- --check passes on the committed tree', () => {
    const r = spawnSync(process.execPath, [join(ROOT, 'tools', 'docs', 'write.ts'), '--check'], { cwd: ROOT, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});
