/**
 * `pulumi up` for real (issue 14 item 4), from nothing: for every environment that is not
 * production, on a fresh control plane prepared as its cluster (./pulumi-stack.ts), `preview` with
 * the CrossGuard pack loaded by the CLI shows every object as a create, `up` applies every object
 * and every workload rolls out, and a second `up` changes nothing; once, a deliberately broken
 * variant is refused by the pack, naming the mandatory policy. Production is taken over from Argo
 * CD instead (./pulumi-switch-over.cluster.test.ts).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEnvironments } from '../../environments/load.ts';
import type { K8sObject } from '../../policies/types.ts';
import { describeWithBinaries } from '../support/binaries.ts';
import { rolloutProblems } from './live-checks.ts';
import { pulumiSandbox, REPO_ROOT } from './pulumi.ts';
import { configureSecrets, currentContext, environmentStack, liveNames, MINUTES, PACK_NAME, prepareCluster, PULUMI_STAGE_BINARIES, sandboxBinaries, stageTimings, type EnvironmentStack, type PreparedCluster } from './pulumi-stack.ts';

const timed = stageTimings('pulumi-up.cluster.test.ts');
const environments = loadEnvironments(join(REPO_ROOT, 'environments')).filter((e) => !e.production);
/** The environments by the cluster they share: one control plane each, as on the real clusters. */
const byCluster = new Map<string, string[]>();
for (const e of environments) byCluster.set(e.gitops.cluster.name, [...(byCluster.get(e.gitops.cluster.name) ?? []), e.name]);

describeWithBinaries('pulumi preview and up of each environment that is not production, from nothing', PULUMI_STAGE_BINARIES, 'run `npm run tools:build` (needs Go)', (paths) => {
  describe.each([...byCluster])('cluster %s', (cluster, names) => {
    let prepared: PreparedCluster;
    beforeAll(async () => {
      prepared = await timed(`${cluster}: control plane, cluster configuration, cert-manager`, () => prepareCluster(names));
    }, 10 * MINUTES);
    afterAll(async () => prepared?.stop());

    describe.each(names)('%s', (name) => {
      let c: EnvironmentStack;
      beforeAll(async () => {
        c = await timed(`${name}: sandbox and stack`, () => environmentStack(prepared, name, paths));
      }, 10 * MINUTES);
      afterAll(() => c?.sandbox.remove());

      it('previews every object as a create, with the policy pack loaded by the CLI', async () => {
        const result = await timed(`${name}: preview`, () => c.stack.preview({ policyPacks: [c.sandbox.policyPack], color: 'never' }));
        // The CLI lists the packs it ran; a pack that did not load fails the preview.
        expect(result.stdout).toContain(PACK_NAME);
        expect(Object.keys(result.changeSummary).filter((op) => op !== 'create' && op !== 'same')).toEqual([]);
        expect(result.changeSummary['create']).toBeGreaterThanOrEqual(c.manifests.length);
      }, 10 * MINUTES);

      it('applies every object with up, rolls every workload out, and a second up changes nothing', async () => {
        const options = { policyPacks: [c.sandbox.policyPack], color: 'never' as const };
        const first = await timed(`${name}: up`, () => c.stack.up(options));
        expect(first.stdout).toContain(PACK_NAME);
        expect(first.summary.resourceChanges?.['create']).toBeGreaterThanOrEqual(c.manifests.length);
        const live = await liveNames(prepared.api, c.manifests, c.env.namespace);
        const missing = c.manifests.filter((m) => m.metadata.namespace === c.env.namespace && m.kind !== 'ExternalSecret' && !live.has(`${m.kind}/${m.metadata.name}`));
        expect(missing.map((m) => `${m.kind}/${m.metadata.name}`)).toEqual([]);
        const rollouts = await rolloutProblems(prepared.api, c.manifests as unknown as K8sObject[]);
        expect(rollouts.problems).toEqual([]);
        const second = await timed(`${name}: second up`, () => c.stack.up(options));
        expect(Object.keys(second.summary.resourceChanges ?? {})).toEqual(['same']);
      }, 20 * MINUTES);

      // Once: what it proves does not depend on the environment.
      if (name === environments[0]!.name) it('refuses a deliberately broken variant, naming the mandatory policy', async () => {
        const broken = await pulumiSandbox(sandboxBinaries(paths), name, prepared.plane.server, (checkout) => {
          const file = join(checkout, 'constructs', 'security.ts');
          const text = readFileSync(file, 'utf8');
          expect(text).toContain('allowPrivilegeEscalation: false,');
          writeFileSync(file, text.replace('allowPrivilegeEscalation: false,', 'allowPrivilegeEscalation: true,'));
        });
        try {
          const stack = await broken.stack(name);
          await stack.setAllConfig({ awsResources: { value: 'external' }, kubeconfig: { value: prepared.plane.kubeconfig }, kubeContext: { value: currentContext(prepared.plane.kubeconfig) } });
          await configureSecrets(stack, c.env, c.manifests);
          const error = await timed(`${name}: preview of the broken variant`, () =>
            stack.preview({ policyPacks: [broken.policyPack], color: 'never' }).then(
              () => undefined,
              (e: Error) => e,
            ),
          );
          expect(error, 'the preview of the broken variant succeeded').toBeDefined();
          expect(String(error)).toContain('no-privilege-escalation');
          expect(String(error)).toContain('mandatory');
        } finally {
          broken.remove();
        }
      }, 10 * MINUTES);
    });
  });
});
