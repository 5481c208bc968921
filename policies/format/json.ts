/** Machine-readable output: one entry per environment (or directory) checked, findings as they are. */
import type { CheckResult } from '../types.ts';

export interface JsonCheck {
  readonly env?: string;
  readonly production: boolean;
  readonly paths: readonly string[];
  readonly objects: number;
  readonly result: CheckResult;
}

export function formatJson(checks: readonly JsonCheck[]): string {
  const out = checks.map((c) => ({ env: c.env ?? null, production: c.production, paths: c.paths, objects: c.objects, errors: c.result.errors, warnings: c.result.warnings, waived: c.result.waived, findings: c.result.findings }));
  return `${JSON.stringify({ checks: out }, null, 2)}\n`;
}
