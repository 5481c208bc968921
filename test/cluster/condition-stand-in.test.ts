/**
 * The condition stand-in of the `pulumi up` stage plays only controllers the harness leaves out
 * for a documented reason, and every condition Pulumi waits for in any environment is set by
 * someone: a controller the stage runs (cert-manager; External Secrets) or the stand-in. Otherwise
 * a new `pulumi.com/waitFor` kind would make `up` wait until its timeout, or a stand-in would hide a
 * controller the harness can run.
 */
import { describe, expect, it } from 'vitest';
import { apiGroupOf } from '../../kube/api-version.ts';
import { readinessOf } from '../../stacks/pulumi/readiness.ts';
import { HEALTH_OVERRIDES } from './argo-cd.ts';
import { CONDITION_STAND_INS, waitedCondition } from './condition-stand-in.ts';
import { renderAll } from './issuers.ts';

/** Groups whose controllers the stage runs for real (./issuers.ts). */
const RUN_FOR_REAL = new Set(['cert-manager.io', 'external-secrets.io']);

describe('the condition stand-in', () => {
  it('plays only controllers the Argo CD harness also leaves out, for the reason it gives', () => {
    for (const s of CONDITION_STAND_INS) expect(HEALTH_OVERRIDES[s.key]?.reason, s.key).toBeTruthy();
  });

  it('covers every kind Pulumi waits on that no controller of the stage sets', async () => {
    const uncovered = new Set<string>();
    for (const { manifests } of await renderAll()) {
      for (const m of manifests) {
        if (!readinessOf(m).waitFor || RUN_FOR_REAL.has(apiGroupOf(m.apiVersion))) continue;
        if (!CONDITION_STAND_INS.some((s) => s.apiVersion === m.apiVersion && s.kind === m.kind)) uncovered.add(`${m.apiVersion} ${m.kind}`);
      }
    }
    expect([...uncovered]).toEqual([]);
  });

  it('reads the condition from the annotation Pulumi reads, and nothing else', () => {
    expect(waitedCondition({ metadata: { annotations: { 'pulumi.com/waitFor': 'condition=Programmed' } } })).toBe('Programmed');
    expect(waitedCondition({ metadata: { annotations: { 'pulumi.com/waitFor': 'jsonpath={.status.phase}=Running' } } })).toBeUndefined();
    expect(waitedCondition({ metadata: {} })).toBeUndefined();
  });
});
