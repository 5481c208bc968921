/**
 * The upgrade check: the rendering of an earlier commit applied first, then the current one, and
 * the API server's refusals of the second apply compared with what `npm run diff` flagged for the
 * same pair. The API server is the authority on what cannot change in place (immutable fields,
 * StatefulSet spec, Job templates, selectors); the diff is what reviewers read before merging. A
 * refusal the diff did not flag as `immutable` is a gap in the diff's rules.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { defaultBaseRef } from '../../tools/diff/rendering.ts';
import type { KubeApi } from './kube-api.ts';
import { ARGOCD_FIELD_MANAGER, type Rejection } from './sync.ts';

/** Environment variable naming the git ref whose `generated/` is the "before" of the upgrade check. */
export const UPGRADE_BASE_VARIABLE = 'AGENT_PLATFORM_UPGRADE_BASE';

function git(repo: string, args: readonly string[]): { ok: boolean; out: string; err: string } {
  const r = spawnSync('git', args, { cwd: repo, encoding: 'utf8', maxBuffer: 1 << 28 });
  return { ok: r.status === 0, out: r.stdout.trim(), err: (r.stderr || r.error?.message || '').trim() };
}

/**
 * The ref to upgrade from: `$AGENT_PLATFORM_UPGRADE_BASE`, else the merge base with main (what a
 * pull request changes, the diff's own default), else, where that is HEAD itself (on main), the
 * previous commit: comparing HEAD with itself would prove nothing.
 */
export function upgradeBase(repo: string, env: NodeJS.ProcessEnv = process.env): { ref: string; why: string } {
  const given = env[UPGRADE_BASE_VARIABLE];
  if (given) return { ref: given, why: `$${UPGRADE_BASE_VARIABLE}` };
  const head = git(repo, ['rev-parse', 'HEAD']).out;
  const base = defaultBaseRef(repo);
  const resolved = git(repo, ['rev-parse', base]).out;
  if (resolved && resolved !== head) return { ref: resolved, why: 'merge base with main' };
  const previous = git(repo, ['rev-parse', 'HEAD~1']);
  if (previous.ok) return { ref: previous.out, why: 'previous commit (HEAD is on main)' };
  return { ref: head, why: 'HEAD (no earlier commit in this clone)' };
}

/** Extracts `generated/` as committed at `ref` into `dir/generated`; false when `ref` has none. */
export function extractRendering(repo: string, ref: string, dir: string): boolean {
  mkdirSync(dir, { recursive: true });
  const list = git(repo, ['ls-tree', '--name-only', ref, '--', 'generated/']);
  if (!list.ok) throw new Error(`git ls-tree ${ref}: ${list.err}`);
  if (!list.out) return false;
  const archive = spawnSync('git', ['archive', '--format=tar', ref, 'generated'], { cwd: repo, maxBuffer: 1 << 30 });
  if (archive.status !== 0) throw new Error(`git archive ${ref} generated: ${archive.stderr.toString().trim()}`);
  const tar = spawnSync('tar', ['-x', '-C', dir], { input: archive.stdout });
  if (tar.status !== 0) throw new Error(`tar -x into ${dir}: ${tar.stderr.toString().trim()}`);
  return true;
}

/** One risk as `npm run diff -- --format json` reports it. */
export interface DiffRisk {
  readonly severity: string;
  readonly env: string;
  readonly subject: string;
  readonly message: string;
}

/**
 * Runs `npm run diff -- --from <from> --to <to> --format json` (the program reviewers run, via
 * its entry point) and returns the risks it flagged.
 */
export function diffRisks(repo: string, from: string, to: string): DiffRisk[] {
  const r = spawnSync(process.execPath, ['--import', join(repo, 'tools', 'require-node.mjs'), join(repo, 'tools', 'diff', 'cli.ts'), '--from', from, '--to', to, '--format', 'json'], {
    cwd: repo,
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  // 0 unchanged, 1 changed, 2 risky; 3 is the diff failing.
  if (r.status === null || r.status > 2) throw new Error(`npm run diff -- --from ${from} --to ${to} exited ${String(r.status)}: ${r.stderr.trim()}`);
  return (JSON.parse(r.stdout) as { risks: DiffRisk[] }).risks;
}

/**
 * The refusals no `immutable` risk of the diff names (same environment directory and object), as
 * sentences: each is a change the API server refuses that a reviewer was not warned about.
 * @param env the directory of `generated/` the objects came from (`prod`, `argocd/clusters/prod`)
 */
export function unflaggedRefusals(refusals: readonly Rejection[], risks: readonly DiffRisk[], env: string): string[] {
  const flagged = new Set(risks.filter((r) => r.severity === 'immutable' && r.env === env).map((r) => r.subject));
  return refusals
    .filter((r) => !flagged.has(r.label))
    .map((r) => `${env}: ${r.label}: the API server refused the upgrade (${r.error.reason}: ${r.error.message}) but npm run diff did not flag it as immutable`);
}

/**
 * The refusals that come from the change rather than from the object: those whose object the API
 * server accepts when it is new (a server-side dry run of the same object under another name). A
 * rendering that is invalid on its own (an earlier commit's defect) is not an upgrade problem.
 */
export async function transitionRefusals(api: KubeApi, refusals: readonly Rejection[]): Promise<Rejection[]> {
  const out: Rejection[] = [];
  for (const r of refusals) {
    const meta = r.object.metadata ?? {};
    const fresh = { ...r.object, metadata: { ...meta, name: `${String(meta.name)}-fresh`.slice(0, 63) } };
    if ((await api.apply(fresh, ARGOCD_FIELD_MANAGER, { dryRun: true })).ok) out.push(r);
  }
  return out;
}

/**
 * The objects of one environment moved to namespace `to`: every string equal to the environment's
 * namespace `from` (metadata.namespace, the Namespace's name, references) and every `from/...`
 * prefix. The upgrade check applies both renderings there, on the plane that already runs the
 * current rendering in `from`, so it needs no second control plane: immutability is judged per
 * object, whatever its namespace. Cluster-scoped objects other than the Namespace keep their names.
 */
export function relocated<T>(objects: readonly T[], from: string, to: string): T[] {
  const swap = (v: unknown): unknown => {
    if (typeof v === 'string') return v === from ? to : v.startsWith(`${from}/`) ? to + v.slice(from.length) : v;
    if (Array.isArray(v)) return v.map(swap);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, swap(x)]));
    return v;
  };
  return objects.map((o) => swap(o) as T);
}
