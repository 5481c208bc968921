/**
 * CI must never turn red by itself without warning first: whatever `npm run policy` fails on 60
 * days from now (an expired waiver, a component past its end of support) it already warns about
 * today. A real run of the CLI over the committed generated/ and policies/waivers.yaml, on the
 * real date, so the test itself starts warning when a renewal is due.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WAIVER_WARNING_DAYS } from '../../policies/engine.ts';
import { SUPPORT_WARNING_DAYS } from '../../policies/support-windows.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const CLI = join(ROOT, 'policies', 'cli.ts');
const DAY = 86_400_000;

interface JsonFinding {
  readonly rule: string;
  readonly severity: 'error' | 'warning';
  readonly object: { kind: string; namespace?: string; name: string };
  readonly path: string;
  readonly message: string;
  readonly waivedBy?: unknown;
}

function findingsOn(today: string): { status: number | null; findings: JsonFinding[] } {
  const r = spawnSync(process.execPath, [CLI, '--today', today, '--format', 'json'], { cwd: ROOT, encoding: 'utf8' });
  const checks = (JSON.parse(r.stdout) as { checks: { findings: JsonFinding[] }[] }).checks;
  return { status: r.status, findings: checks.flatMap((c) => c.findings).filter((f) => !f.waivedBy) };
}

const day = (offset: number) => new Date(Date.now() + offset * DAY).toISOString().slice(0, 10);
const key = (f: JsonFinding) => `${f.object.kind} ${f.object.namespace ?? ''}/${f.object.name} ${f.path}`;

describe(`npm run policy ${SUPPORT_WARNING_DAYS} days ahead`, () => {
  it('fails on nothing that today goes unannounced: no waiver expires, every failing component is warned about today', () => {
    const now = findingsOn(day(0));
    const ahead = findingsOn(day(SUPPORT_WARNING_DAYS));
    expect(now.status).toBe(0);
    const errors = ahead.findings.filter((f) => f.severity === 'error');
    expect(errors.filter((f) => f.rule !== 'component-supported').map((f) => `${f.rule}: ${f.message}`)).toEqual([]);
    const warnedToday = new Set(now.findings.filter((f) => f.rule === 'component-support-ending').map(key));
    expect(errors.map(key).filter((k) => !warnedToday.has(k))).toEqual([]);
  });

  it(`has no waiver that expires within ${SUPPORT_WARNING_DAYS} days`, () => {
    // The expiry warning looks WAIVER_WARNING_DAYS ahead of the day it runs on.
    expect(findingsOn(day(SUPPORT_WARNING_DAYS - WAIVER_WARNING_DAYS)).findings.filter((f) => f.rule === 'waiver-expiring' || f.rule === 'waiver-expired').map((f) => f.message)).toEqual([]);
  });
});
