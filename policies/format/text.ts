/** Terminal output: one line per finding, `file:line: severity rule: object: field: message`. */
import { showRef } from '../object-ref.ts';
import type { CheckResult, Finding } from '../types.ts';

function location(f: Finding): string {
  return f.line !== undefined ? `${f.file}:${f.line}` : f.file;
}

export function formatText(result: CheckResult, header: string): string {
  const lines = [header];
  for (const f of result.findings) {
    const tag = f.waivedBy ? `waived (${f.waivedBy.owner}, until ${f.waivedBy.expires})` : f.severity;
    lines.push(`${location(f)}: ${tag} ${f.rule}: ${showRef(f.object)}: ${f.path}: ${f.message}`);
  }
  lines.push(`${result.errors} error(s), ${result.warnings} warning(s), ${result.waived} waived`);
  return `${lines.join('\n')}\n`;
}
