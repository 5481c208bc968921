/**
 * A diff as a reviewer reads it: a summary per environment, then the risks (most severe first),
 * then every change. Rendered as plain text for a terminal or Markdown for a pull-request comment
 * (changes folded in `<details>` so the risks stay on screen).
 */
import { compareRenderings, resourceLabel, type Json, type Resource, type ResourceDiff } from './compare.ts';
import { SEVERITIES, assessRisks, capacityOf, formatCpu, formatMemory, type Capacity, type Risk, type Severity } from './risk.ts';

/** Severities that make the exit code 2; `restart` and `capacity` are shown but expected in most releases. */
const RISKY: ReadonlySet<Severity> = new Set(['immutable', 'deletion', 'edge', 'weakened']);

/** Exit codes of `npm run diff`. */
export const EXIT = { unchanged: 0, changed: 1, risky: 2, error: 3 } as const;

export interface EnvironmentSummary {
  readonly env: string;
  readonly added: number;
  readonly removed: number;
  readonly changed: number;
  readonly restarts: number;
  readonly risky: number;
  readonly before?: Capacity;
  readonly after?: Capacity;
}

export interface Report {
  readonly base: string;
  readonly head: string;
  readonly summaries: readonly EnvironmentSummary[];
  readonly risks: readonly Risk[];
  readonly diffs: readonly ResourceDiff[];
}

function byEnv(resources: readonly Resource[]): Map<string, Resource[]> {
  const m = new Map<string, Resource[]>();
  for (const r of resources) m.set(r.env, [...(m.get(r.env) ?? []), r]);
  return m;
}

/** Compares two renderings and assesses the risks. Pure. */
export function buildReport(
  base: { label: string; resources: readonly Resource[] },
  head: { label: string; resources: readonly Resource[] },
  production: ReadonlySet<string>,
  /** Risks found outside the rendering (policy waivers added), merged by severity. */
  extraRisks: readonly Risk[] = [],
): Report {
  const diffs = compareRenderings(base.resources, head.resources);
  const capacity = (rs: readonly Resource[]) => new Map([...byEnv(rs)].map(([env, list]) => [env, capacityOf(list)] as const).filter(([, c]) => c.cpuMax + c.memoryMax > 0));
  const before = capacity(base.resources);
  const after = capacity(head.resources);
  const rank = (r: Risk) => SEVERITIES.indexOf(r.severity);
  const risks = [...assessRisks(diffs, production, { before, after }, head.resources), ...extraRisks].sort((a, b) => rank(a) - rank(b));
  const envs = [...new Set([...base.resources, ...head.resources].map((r) => r.env))].sort();
  const summaries = envs.map((env) => {
    const mine = diffs.filter((d) => d.env === env);
    const b = before.get(env);
    const a = after.get(env);
    return {
      env,
      added: mine.filter((d) => d.change === 'added').length,
      removed: mine.filter((d) => d.change === 'removed').length,
      changed: mine.filter((d) => d.change === 'changed').length,
      restarts: risks.filter((r) => r.env === env && r.severity === 'restart').length,
      risky: risks.filter((r) => r.env === env && RISKY.has(r.severity)).length,
      ...(b ? { before: b } : {}),
      ...(a ? { after: a } : {}),
    };
  });
  return { base: base.label, head: head.label, summaries, risks, diffs };
}

/** 0 nothing changed, 1 changes without risk, 2 at least one risky change. */
export function exitCodeOf(report: Report): number {
  if (report.risks.some((r) => RISKY.has(r.severity))) return EXIT.risky;
  return report.diffs.length > 0 || report.risks.length > 0 ? EXIT.changed : EXIT.unchanged;
}

function value(v: Json | undefined): string {
  if (v === undefined) return '(absent)';
  const text = typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v);
  // Long enough for an image reference with its digest, the longest value a reviewer must read whole.
  return text.length > 240 ? `${text.slice(0, 237)}...` : text;
}

function capacityCell(s: EnvironmentSummary, what: 'cpu' | 'memory'): string {
  const f = what === 'cpu' ? formatCpu : formatMemory;
  const range = (c: Capacity | undefined) => {
    if (!c) return '0';
    const [min, max] = what === 'cpu' ? [c.cpuMin, c.cpuMax] : [c.memoryMin, c.memoryMax];
    return min === max ? f(min) : `${f(min)}–${f(max)}`;
  };
  const [b, a] = [range(s.before), range(s.after)];
  return b === a ? a : `${b} → ${a}`;
}

function changeLines(d: ResourceDiff): string[] {
  const sign = d.change === 'added' ? '+' : d.change === 'removed' ? '-' : '~';
  const lines = [`${sign} ${resourceLabel(d)}`];
  for (const f of d.fields) lines.push(`    ${f.path}: ${value(f.old)} → ${value(f.new)}`);
  return lines;
}

const ICON: Record<Severity, string> = { immutable: '⛔', deletion: '🗑️', edge: '📡', restart: '🔄', weakened: '⚠️', capacity: '📈' };

export function formatText(report: Report): string {
  const out: string[] = [`rendering diff: ${report.base} → ${report.head}`, ''];
  if (report.diffs.length === 0 && report.risks.length === 0) return `${out[0]}\nno changes\n`;
  const header = ['environment', 'added', 'removed', 'changed', 'restarts', 'risky', 'CPU requests (cores)', 'memory requests'];
  const rows = report.summaries.map((s) => [s.env, s.added, s.removed, s.changed, s.restarts, s.risky, capacityCell(s, 'cpu'), capacityCell(s, 'memory')].map(String));
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  for (const r of [header, ...rows]) out.push(r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd());
  out.push('');
  if (report.risks.length) {
    out.push('risks (most severe first):');
    for (const r of report.risks) out.push(`  [${r.severity}] ${r.env}: ${r.subject === r.env ? '' : `${r.subject}: `}${r.message}`);
    out.push('');
  }
  out.push('changes:');
  for (const d of report.diffs) {
    const [first, ...fields] = changeLines(d);
    out.push(`  [${d.env}] ${first}`, ...fields.map((l) => `  ${l}`));
  }
  return `${out.join('\n')}\n`;
}

/**
 * The summaries and risks as JSON, for programs that act on what the diff flagged (the cluster
 * harness compares them with what the API server refuses). The changes themselves are left out:
 * they carry whole object bodies, and a program that needs them reads the renderings.
 */
export function formatJson(report: Report): string {
  const { base, head, summaries, risks } = report;
  return `${JSON.stringify({ base, head, summaries, risks }, null, 2)}\n`;
}

/** Escapes text for a Markdown table cell or list item. */
function md(text: string): string {
  return text.replace(/[|\\`*_<>]/g, (c) => `\\${c}`);
}

export function formatMarkdown(report: Report): string {
  const out: string[] = [`### Rendering diff: \`${report.base}\` → \`${report.head}\``, ''];
  if (report.diffs.length === 0 && report.risks.length === 0) return `${out.join('\n')}No changes to the rendered objects.\n`;
  out.push('| environment | added | removed | changed | pod restarts | risky | CPU requests (cores) | memory requests |', '|---|---:|---:|---:|---:|---:|---|---|');
  for (const s of report.summaries) {
    if (s.added + s.removed + s.changed === 0) continue;
    out.push(`| ${md(s.env)} | ${s.added} | ${s.removed} | ${s.changed} | ${s.restarts} | ${s.risky ? `**${s.risky}**` : 0} | ${capacityCell(s, 'cpu')} | ${capacityCell(s, 'memory')} |`);
  }
  out.push('');
  if (report.risks.length) {
    out.push('#### Flagged changes (most severe first; ⛔ 🗑️ ⚠️ count as risky)', '');
    for (const r of report.risks) {
      const subject = r.subject === r.env ? '' : ` \`${r.subject}\`:`;
      out.push(`- ${ICON[r.severity]} **${r.severity}** · ${md(r.env)} ·${subject} ${md(r.message)}`);
    }
    out.push('');
  }
  const envs = [...new Set(report.diffs.map((d) => d.env))];
  for (const env of envs) {
    const mine = report.diffs.filter((d) => d.env === env);
    out.push(`<details><summary>${md(env)}: ${mine.length} object(s) differ</summary>`, '', '```diff');
    for (const d of mine) out.push(...changeLines(d));
    out.push('```', '', '</details>', '');
  }
  return out.join('\n');
}
