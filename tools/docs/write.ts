/**
 * Entry point: `npm run docs` writes the generated documents (`tools/docs/documents.ts`: the rule
 * reference); `npm run docs -- --check` writes nothing and exits 1 when a committed one differs
 * from what the code generates.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseCommandLine, runCommand } from '../command-line.ts';
import { generatedDocuments } from './documents.ts';

const ROOT = join(import.meta.dirname, '..', '..');

runCommand('docs', () => {
  const { values } = parseCommandLine({ check: { type: 'boolean', default: false } });
  const stale: string[] = [];
  for (const [path, text] of generatedDocuments()) {
    const file = join(ROOT, path);
    if (existsSync(file) && readFileSync(file, 'utf8') === text) continue;
    if (values.check) {
      stale.push(relative(process.cwd(), file));
    } else {
      writeFileSync(file, text);
      console.log(`wrote ${relative(process.cwd(), file)}`);
    }
  }
  if (stale.length === 0) return 0;
  console.error(`docs: ${stale.join(', ')} differs from what the code generates; run npm run docs and commit the result`);
  return 1;
});
