import { arr, at, str } from '../objects.ts';
import type { Rule, Violation } from '../types.ts';

/** Revisions that move: branches by their usual names and HEAD. */
const FLOATING = new Set(['', 'HEAD', 'main', 'master', 'trunk', 'develop', 'development']);
/** One exact (semver) chart version; `^1.2`, `1.x`, `>=1.0` and `*` are ranges. */
const EXACT_VERSION = /^v?\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;

function problem(source: unknown): string | undefined {
  const rev = str(at(source, 'targetRevision')) ?? '';
  if (at(source, 'chart') !== undefined) {
    return EXACT_VERSION.test(rev) ? undefined : `chart version ${JSON.stringify(rev)} is not one exact version`;
  }
  if (FLOATING.has(rev) || rev.startsWith('refs/heads/')) return `targetRevision ${JSON.stringify(rev)} follows a branch`;
  return undefined;
}

export const rule: Rule = {
  id: 'argocd-pinned-revision',
  category: 'gitops',
  description: 'In production, Argo CD Applications must sync a pinned revision: a tag or commit, and exact Helm chart versions.',
  rationale: 'A branch or version range lets production change without a reviewed promotion: whatever is merged (or published upstream) is deployed at the next sync.',
  severity: { production: 'error', other: 'off' },
  kinds: ['Application'],
  scope: 'object',
  check: (o) => {
    const out: Violation[] = [];
    const single = at(o, 'spec', 'source');
    if (single !== undefined) {
      const p = problem(single);
      if (p) out.push({ path: 'spec.source.targetRevision', message: `${p}; expected a tag or commit SHA (exact version for charts)` });
    }
    arr(at(o, 'spec', 'sources')).forEach((s, i) => {
      const p = problem(s);
      if (p) out.push({ path: `spec.sources[${i}].targetRevision`, message: `${p}; expected a tag or commit SHA (exact version for charts)` });
    });
    return out;
  },
};
