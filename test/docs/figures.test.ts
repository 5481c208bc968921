/**
 * No figure in the documents that nothing keeps true. A duration, a share or a count written in
 * prose drifts from the code that owns it (the README once said "about 98 objects" long after it
 * was no longer so), so prose names where a figure lives instead; the few figures kept are listed
 * below with the value the code has, and this test fails when the two differ. Quoted values
 * (`0 2 * * *`), code blocks, samples (block quotes), the generated references and the guides'
 * inventory (docs/design-inputs.md, figures of documents, not of this code) are not prose figures.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generatedDocuments } from '../../tools/docs/documents.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const NOT_PROSE = new Set(['docs/design-inputs.md', ...generatedDocuments().keys()]);
const documents = ['README.md', ...readdirSync(join(ROOT, 'docs')).map((f) => `docs/${f}`)].filter((f) => f.endsWith('.md') && !NOT_PROSE.has(f));

/** Durations, shares and counts of things: the figures that drift. */
const FIGURE = /(?<![\w.$-])(?:\d[\d,. ]*\d|\d)(?:\s+|-)?(?:(?:ms|s|min|h|minutes?|seconds?|hours?|days?|weeks?|months?|years?|objects?|rules?|files?|environments?|alerts?|findings?|tests?|lines?|instances?|replicas?|nodes?|zones?|processes?|cores?)\b|%)/g;

/** Sentences whose figure another test keeps true, with that test. */
const KEPT_ELSEWHERE: readonly { readonly pattern: RegExp; readonly keptBy: string }[] = [
  { pattern: /That is \*\*\d+ files\*\*/g, keptBy: 'test/docs/adding-a-component.test.ts' },
];

/** The prose of a document: no code, no quoted values, no samples, no list numbers. */
function prose(text: string): string {
  return KEPT_ELSEWHERE.reduce((t, k) => t.replace(k.pattern, ''), text)
    .replace(/```[\s\S]*?```/g, '')
    .replace(/`[^`\n]*`/g, '')
    .replace(/^>.*$/gm, '')
    .replace(/\]\([^)]*\)/g, ']');
}

describe('figures in the documents', () => {
  it.each(documents)('%s states no duration, share or count that no test keeps', (file) => {
    const found = [...prose(readFileSync(join(ROOT, file), 'utf8')).matchAll(FIGURE)].map((m) => m[0].replace(/\s+/g, ' '));
    expect(found).toEqual([]);
  });
});
