/** The rule reference is made of the rules themselves: every rule once, with its own fields. */
import { describe, expect, it } from 'vitest';
import { PSEUDO_RULES } from '../../policies/format/sarif.ts';
import { CATEGORY_TITLES, ruleReference, severityText } from '../../policies/rule-reference.ts';
import { RULES } from '../../policies/rules/index.ts';
import type { Rule } from '../../policies/types.ts';

const text = ruleReference(RULES);
const rows = text.split('\n').filter((l) => l.startsWith('| `'));

describe('the rule reference', () => {
  it.each(RULES.map((r) => [r.id, r] as const))('lists %s with its severity, description and rationale', (id, rule) => {
    const row = rows.filter((l) => l.startsWith(`| \`${id}\` |`));
    expect(row, `rows for ${id}`).toHaveLength(1);
    expect(row[0]!.split(' | ')[1]).toBe(severityText(rule.severity));
    expect(row[0]).toContain(rule.description.replace(/\|/g, '\\|'));
    expect(row[0]).toContain(rule.rationale.replace(/\|/g, '\\|'));
  });

  it('lists nothing that is neither a rule nor a finding of the engine', () => {
    const known = new Set([...RULES.map((r) => r.id), ...PSEUDO_RULES.map((p) => p.id)]);
    expect(rows.map((l) => /^\| `([^`]+)`/.exec(l)![1]).filter((id) => !known.has(id!))).toEqual([]);
  });

  it('puts each rule under its category and writes a production-only severity out', () => {
    const at = (s: string) => text.indexOf(s);
    for (const r of RULES) {
      const heading = at(`## ${CATEGORY_TITLES[r.category]}\n`);
      const next = Object.values(CATEGORY_TITLES).map((t) => at(`## ${t}\n`)).filter((i) => i > heading).sort((a, b) => a - b)[0] ?? text.length;
      expect(at(`| \`${r.id}\` |`), r.id).toBeGreaterThan(heading);
      expect(at(`| \`${r.id}\` |`), r.id).toBeLessThan(next);
    }
    expect(severityText({ production: 'error', other: 'off' })).toBe('error in production, off elsewhere');
  });

  it('does not depend on the order rules are registered in, and escapes a pipe', () => {
    const extra: Rule = { ...RULES[0]!, id: 'zz-added-later', description: 'A | B must hold.', rationale: 'Because\nof two lines.' };
    expect(ruleReference([extra, ...RULES].reverse())).toBe(ruleReference([...RULES, extra]));
    expect(ruleReference([...RULES, extra])).toContain('| `zz-added-later` | error | A \\| B must hold. | Because of two lines. |');
  });
});
