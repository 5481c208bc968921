/**
 * No comment sends a reader to a document that is not in the repository: every file or repository
 * path a comment cites exists, nothing points outside the checkout (`../shared`, `/work/...`), and
 * no comment cites the deployment guides by number or section, or in their own script, instead of
 * saying why or citing `docs/design-inputs.md`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
/** This file, whose examples are the citations it looks for. */
const SELF = 'test/docs/comment-citations.test.ts';

/** The comments of a source file, each with its line. */
function commentsOf(path: string, text: string): { line: number; text: string }[] {
  const out: { line: number; text: string }[] = [];
  const lineAt = (index: number) => text.slice(0, index).split('\n').length;
  if (/\.(ts|mts|cts|js|mjs|cjs)$/.test(path)) {
    for (const m of text.matchAll(/\/\*[\s\S]*?\*\//g)) out.push({ line: lineAt(m.index), text: m[0] });
    // `//` at the start of a line or after a space: not the `//` of a URL inside a string
    for (const m of text.matchAll(/(?:^|[ \t])\/\/(.*)$/gm)) out.push({ line: lineAt(m.index), text: m[1]! });
  } else if (/\.(sh|ya?ml|toml)$|(^|\/)(run|Dockerfile|\.gitignore|\.npmrc)$/.test(path)) {
    for (const m of text.matchAll(/(?:^|[ \t])#(?![!{])(.*)$/gm)) out.push({ line: lineAt(m.index), text: m[1]! });
  } else if (path.endsWith('.sql')) {
    for (const m of text.matchAll(/--(.*)$/gm)) out.push({ line: lineAt(m.index), text: m[1]! });
  }
  return out;
}

/** Top-level entries of the repository: a path starting with one of them is a repository path. */
const TOP = ['constructs', 'docs', 'environments', 'generated', 'policies', 'stacks', 'test', 'tools', '.ci', '.github'];

/** What is wrong with one comment, if anything. */
function citationProblems(file: string, comment: string, exists: (repoPath: string) => boolean): string[] {
  const problems: string[] = [];
  // URLs and patterns (`{deployment,statefulset}-metrics.md`, `generated/<env>/`) cite no one file.
  const text = comment.replace(/[a-z]+:\/\/\S+/g, ' ').replace(/\S*[{}<>*$]\S*/g, ' ');
  for (const [, p] of text.matchAll(/(?<![\w@/.-])((?:\.\.\/)+[\w.-][\w./-]*|\/work\/[\w./-]*)/g)) {
    const resolved = join(dirname(file), p!);
    if (p!.startsWith('/') || resolved.startsWith('..')) problems.push(`${p} is outside the repository`);
    else if (!exists(resolved)) problems.push(`${p} does not exist`);
  }
  for (const [, p] of text.matchAll(/(?<![\w@/.:-])((?:\.?[a-z]+)\/[\w./-]*[\w/])/g)) {
    if (TOP.includes(p!.split('/')[0]!) && !exists(p!)) problems.push(`${p} does not exist`);
  }
  // A document named without a directory, the way design notes are (`README.md`, `STACK.md`).
  for (const [, p] of text.matchAll(/(?<![\w@/.:-])([A-Z][A-Z0-9_-]*\.md)\b/g)) {
    if (!exists(p!) && !exists(join(dirname(file), p!))) problems.push(`${p} does not exist`);
  }
  // The guides are numbered 000-004; by number they can be found only through their inventory.
  const byNumber = /\b(?:design|guide)s?(?:'s)?(?: doc(?:ument)?s?)? 00\d\b|\b00\d\s?§|\(00\d(?:[,/ ]+00\d)*\)/i;
  if (byNumber.test(comment) && !comment.includes('docs/design-inputs.md')) problems.push('cites a deployment guide by number; say why, or cite docs/design-inputs.md');
  if (/[\p{Script=Cyrillic}\p{Script=Han}]/u.test(comment)) problems.push('quotes a deployment guide in its own script; say why in English');
  return problems;
}

describe('comment citations', () => {
  it('a comment citing a missing path, a path outside, or a guide by number is found', () => {
    const none = () => false;
    expect(citationProblems('stacks/x.ts', ' see docs/nope.md', none)).toEqual(['docs/nope.md does not exist']);
    expect(citationProblems('stacks/x.ts', ' as STACK.md says', none)).toEqual(['STACK.md does not exist']);
    expect(citationProblems('stacks/x.ts', ' from ../../shared/STACK.md', (p) => p.endsWith('STACK.md'))).toEqual(['../../shared/STACK.md is outside the repository']);
    expect(citationProblems('stacks/x.ts', ' from ../shared/notes', none)).toEqual(['../shared/notes does not exist']);
    expect(citationProblems('stacks/x.ts', ' (constructs/nope.ts)', none)).toEqual(['constructs/nope.ts does not exist']);
    expect(citationProblems('stacks/x.ts', ' design 002: 15 s', none)).toHaveLength(1);
    expect(citationProblems('stacks/x.ts', ' (002 §3.1)', none)).toHaveLength(1);
    expect(citationProblems('stacks/x.ts', ' evict keys (003)', none)).toHaveLength(1);
    expect(citationProblems('stacks/x.ts', ' guide 002 (docs/design-inputs.md); RFC 3986 §3.2.1', (p) => p === 'docs/design-inputs.md')).toEqual([]);
    expect(citationProblems('stacks/x.ts', ' https://example.com/a/b.md, api/v1/types.go, generated/<env>/, {a,b}-x.md', none)).toEqual([]);
    expect(citationProblems('tools/x.ts', ' `../environments/prod.yaml` is refused', (p) => p === 'environments/prod.yaml')).toEqual([]);
    expect(commentsOf('a.ts', "const u = 'https://x/y'; // why\n/* docs/a.md */").map((c) => c.text.trim())).toEqual(['/* docs/a.md */', 'why']);
  });

  it('every comment in the repository cites only what exists', () => {
    const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' })
      .split('\n')
      .filter((f) => f && !f.startsWith('generated/') && !f.endsWith('.md') && f !== SELF && existsSync(join(ROOT, f)));
    const exists = (p: string) => existsSync(join(ROOT, p));
    const problems = files.flatMap((f) =>
      commentsOf(f, readFileSync(join(ROOT, f), 'utf8')).flatMap((c) => citationProblems(f, c.text, exists).map((p) => `${f}:${c.line}: ${p}`)),
    );
    expect(problems).toEqual([]);
  });
});
