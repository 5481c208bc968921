/** A pull-request comment: a verdict line, then a table per severity, waived findings folded away. */
import { showRef } from '../object-ref.ts';
import type { CheckResult, Finding } from '../types.ts';

function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function table(findings: readonly Finding[]): string[] {
  return [
    '| rule | object | file | field | message |',
    '|---|---|---|---|---|',
    ...findings.map((f) => `| \`${f.rule}\` | ${cell(showRef(f.object))} | \`${cell(f.file)}${f.line !== undefined ? `:${f.line}` : ''}\` | \`${cell(f.path)}\` | ${cell(f.message)} |`),
  ];
}

export function formatMarkdown(result: CheckResult, title: string): string {
  const errors = result.findings.filter((f) => !f.waivedBy && f.severity === 'error');
  const warnings = result.findings.filter((f) => !f.waivedBy && f.severity === 'warning');
  const waived = result.findings.filter((f) => f.waivedBy);
  const verdict = result.errors > 0 ? `:x: **${result.errors} error(s)** block this change` : ':white_check_mark: **no errors**';
  const out = [`### Policy check: ${cell(title)}`, '', `${verdict}, ${result.warnings} warning(s), ${result.waived} waived.`];
  if (errors.length > 0) out.push('', '#### Errors', '', ...table(errors));
  if (warnings.length > 0) out.push('', '#### Warnings', '', ...table(warnings));
  if (waived.length > 0) {
    out.push('', `<details><summary>${waived.length} waived finding(s)</summary>`, '', '| rule | object | owner | expires | reason |', '|---|---|---|---|---|');
    for (const f of waived) out.push(`| \`${f.rule}\` | ${cell(showRef(f.object))} | ${cell(f.waivedBy!.owner)} | ${f.waivedBy!.expires} | ${cell(f.waivedBy!.reason)} |`);
    out.push('', '</details>');
  }
  return `${out.join('\n')}\n`;
}
