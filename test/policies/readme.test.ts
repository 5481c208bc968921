/** The README's policies section lists every rule, with the severity the code gives it. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RULES } from '../../policies/rules/index.ts';
import type { SeveritySetting } from '../../policies/types.ts';

const readme = readFileSync(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');
const section = readme.slice(readme.indexOf('<!-- section:policies -->'), readme.indexOf('<!-- /section:policies -->'));

function severityText(s: SeveritySetting): string {
  return typeof s === 'string' ? s : `${s.production} in production, ${s.other} elsewhere`;
}

describe('README, section policies', () => {
  it.each(RULES.map((r) => [r.id, r] as const))('lists %s with its severity and rationale', (id, rule) => {
    const row = section.split('\n').find((l) => l.startsWith(`| \`${id}\` |`));
    expect(row, `no row for ${id}`).toBeDefined();
    expect(row!.split(' | ')[1]).toBe(severityText(rule.severity));
    expect(row).toContain(rule.rationale.replace(/\|/g, '\\|'));
  });

  it('lists no rule that does not exist', () => {
    const listed = [...section.matchAll(/^\| `([a-z0-9-]+)` \|/gm)].map((m) => m[1]);
    expect(listed.filter((id) => !RULES.some((r) => r.id === id))).toEqual([]);
  });
});
