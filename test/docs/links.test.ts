/**
 * The documents point at what exists: every relative link of the README and `docs/` reaches a file
 * (and a heading, when it names one), and every repository path they quote in backticks exists.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const DOCS = join(ROOT, 'docs');
const documents = [join(ROOT, 'README.md'), ...readdirSync(DOCS).filter((f) => f.endsWith('.md')).map((f) => join(DOCS, f))];
const show = (file: string) => relative(ROOT, file);

/** Documents other work of issue 15 writes; linked ahead of it, checked once they exist. */
const PENDING = new Set(['docs/adding-a-component.md']);

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens. */
const slug = (heading: string): string =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');

function anchors(file: string): Set<string> {
  const text = readFileSync(file, 'utf8').replace(/```[\s\S]*?```/g, '');
  return new Set([...text.matchAll(/^#{1,6} (.+)$/gm)].map((m) => slug(m[1]!)));
}

/** Prose without fenced code, where links and quoted paths are claims about the repository. */
const prose = (file: string): string => readFileSync(file, 'utf8').replace(/```[\s\S]*?```/g, '');

/** Top-level entries a quoted path may start with. */
const TOP = readdirSync(ROOT).filter((e) => !['node_modules', '.git'].includes(e));

describe.each(documents.map((f) => [show(f), f] as const))('%s', (_name, file) => {
  it('links only to files and headings that exist', () => {
    const broken: string[] = [];
    for (const [, target] of prose(file).matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/.test(target!)) continue;
      const [path, anchor] = target!.split('#') as [string, string | undefined];
      const resolved = path === '' ? file : join(dirname(file), path);
      if (!existsSync(resolved)) {
        if (!PENDING.has(show(resolved))) broken.push(target!);
        continue;
      }
      if (anchor !== undefined && resolved.endsWith('.md') && !anchors(resolved).has(anchor)) broken.push(target!);
    }
    expect(broken).toEqual([]);
  });

  it('quotes only repository paths that exist', () => {
    const missing = [...prose(file).matchAll(/`([^`\s]+)`/g)]
      .map((m) => m[1]!.replace(/[:,.]+$/, ''))
      // a path of this repository, not a pattern or a template (`generated/<env>/`, `test/*.ts`)
      .filter((p) => p.includes('/') && TOP.includes(p.split('/')[0]!) && !/[<>*{}$…]|\.\.\./.test(p))
      .filter((p) => !existsSync(join(ROOT, p)));
    expect(missing).toEqual([]);
  });
});
