/**
 * Issue 13: Argo CD deletes and recreates hook Jobs on every sync (BeforeHookCreation), so a change
 * to one is a restart-class change, not an immutable-field change that blocks the sync. A plain
 * Job's template stays immutable.
 */
import { describe, expect, it } from 'vitest';
import type { JsonObject, Resource } from '../../../tools/diff/compare.ts';
import { buildReport, exitCodeOf, EXIT } from '../../../tools/diff/report.ts';

function job(annotations: Record<string, string>, script: string): Resource {
  const body: JsonObject = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'postgres-init', namespace: 'agent-platform-prod', annotations },
    spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'init', image: 'postgres:16', args: [script] }] } } },
  };
  return { env: 'prod', apiVersion: 'batch/v1', kind: 'Job', namespace: 'agent-platform-prod', name: 'postgres-init', body };
}

const HOOK = { 'argocd.argoproj.io/hook': 'PostSync', 'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation' };

describe('Job changes in the review diff', () => {
  it('a hook Job is recreated: a restart, not immutable, and the diff does not exit as risky', () => {
    const report = buildReport({ label: 'a', resources: [job(HOOK, 'v1')] }, { label: 'b', resources: [job(HOOK, 'v2')] }, new Set(['prod']));
    expect(report.risks.map((r) => [r.severity, r.message])).toEqual([['restart', 'the hook Job is deleted and recreated on the next sync: spec.containers[init].args']]);
    expect(exitCodeOf(report)).toBe(EXIT.changed);
  });

  it('a Job that is not a hook keeps its immutable template', () => {
    const report = buildReport({ label: 'a', resources: [job({}, 'v1')] }, { label: 'b', resources: [job({}, 'v2')] }, new Set(['prod']));
    expect(report.risks.map((r) => r.severity)).toEqual(['immutable']);
    expect(exitCodeOf(report)).toBe(EXIT.risky);
  });
});
