/**
 * `pulumi up` for real (issue 14 item 4), taking an environment over from Argo CD: for every
 * production environment, on a fresh control plane prepared as its cluster (./pulumi-stack.ts),
 * the root's Applications and the environment's committed objects are synced as Argo CD syncs them
 * (External Secrets running, so its Secrets exist as they would); then the switch-over of
 * docs/pulumi.md runs step by step with the built kubectl and CLI (`runSwitchOver`), a second `up`
 * changes nothing, a plain `pulumi destroy` fails on the protected objects and
 * `pulumi destroy --exclude-protected` leaves exactly them and what they need.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { LocalWorkspace } from '@pulumi/pulumi/automation/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEnvironments } from '../../environments/load.ts';
import { at, kindOf, nameOf, namespaceOf } from '../../policies/objects.ts';
import type { K8sObject } from '../../policies/types.ts';
import { argoApplicationOf, externalSecretsOf, runSwitchOver, switchOverPlan, type CommandRunner } from '../../stacks/pulumi/switch-over.ts';
import { describeWithBinaries } from '../support/binaries.ts';
import { readObjects } from './connectivity.ts';
import { kubectlPath } from './control-plane.ts';
import { rolloutProblems } from './live-checks.ts';
import { REPO_ROOT } from './pulumi.ts';
import { currentContext, GENERATED, liveNames, MINUTES, prepareCluster, PULUMI_STAGE_BINARIES, rootObjects, stageTimings, environmentStack, type EnvironmentStack, type PreparedCluster } from './pulumi-stack.ts';
import { showRejection, syncObjects } from './sync.ts';

const timed = stageTimings('pulumi-switch-over.cluster.test.ts');
const environments = loadEnvironments(join(REPO_ROOT, 'environments')).filter((e) => e.production);

describeWithBinaries('pulumi takes each production environment over from Argo CD, and destroy keeps what holds data', PULUMI_STAGE_BINARIES, 'run `npm run tools:build` (needs Go)', (paths) => {
  describe.each(environments.map((e) => e.name))('%s', (name) => {
    let c: PreparedCluster & EnvironmentStack;
    let objects: K8sObject[];
    beforeAll(async () => {
      const prepared = await timed(`${name}: control plane, cluster configuration, cert-manager`, () => prepareCluster([name]));
      c = { ...prepared, ...(await timed(`${name}: sandbox and stack`, () => environmentStack(prepared, name, paths))) };
      // What Argo CD left: the root's Applications and the environment's committed objects, synced
      // as Argo CD syncs them; External Secrets fills the Secrets the ExternalSecrets name.
      objects = readObjects(join(GENERATED, name));
      const synced = await timed(`${name}: synced as Argo CD syncs it`, async () => [await syncObjects(c.api, rootObjects), await syncObjects(c.api, objects)]);
      const refused = synced.flatMap((s) => s.rejected).map(showRejection);
      if (refused.length) throw new Error(`Argo CD's sync was refused:\n${refused.join('\n')}`);
    }, 15 * MINUTES);
    afterAll(async () => {
      c?.sandbox.remove();
      await c?.stop();
    });

    /** The switch-over's commands: kubectl and pulumi for real, `pulumi up` through the Automation API (./pulumi.ts says why). */
    const runner = (): CommandRunner => async (command, env = {}) => {
      if (command[0] === 'kubectl') {
        const r = spawnSync(kubectlPath(), ['--kubeconfig', c.plane.kubeconfig, ...command.slice(1)], { encoding: 'utf8' });
        return { code: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
      }
      if (command[0] !== 'pulumi') throw new Error(`the switch-over ran ${command.join(' ')}`);
      if (command[1] !== 'up') return c.sandbox.cli(command.slice(1), env);
      const pack = command[command.indexOf('--policy-pack') + 1];
      expect(command).toEqual(['pulumi', 'up', '--stack', name, '--yes', '--policy-pack', pack]);
      // The workspace passes its variables to the CLI, which passes them to the provider.
      const variables = (c.stack.workspace as LocalWorkspace).envVars;
      Object.assign(variables, env);
      try {
        const r = await c.stack.up({ policyPacks: [pack!], color: 'never' });
        return { code: 0, stdout: r.stdout, stderr: r.stderr };
      } catch (e) {
        return { code: 255, stdout: '', stderr: String(e) };
      } finally {
        for (const k of Object.keys(env)) delete variables[k];
      }
    };

    it('refuses to take over while Argo CD still has the Application, then takes every object over as docs/pulumi.md says', async () => {
      const application = argoApplicationOf(c.env);
      const context = currentContext(c.plane.kubeconfig);
      const plan = switchOverPlan({
        stack: name,
        application,
        argoContext: context,
        cluster: { context, namespace: c.env.namespace },
        externalSecrets: externalSecretsOf(c.manifests),
        policyPack: c.sandbox.policyPack,
      });
      await expect(runSwitchOver(plan, runner())).rejects.toThrow('Argo CD still delivers the environment');
      // The root Application prunes it once delivery: pulumi is merged (the sandbox's rendering has no
      // such Application); it has no resources finalizer, so the objects stay.
      c.plane.kubectl(['-n', application.namespace, 'delete', 'applications.argoproj.io', application.name]);
      await timed(`${name}: switch-over (two ups)`, () => runSwitchOver(plan, runner()));
      // Every object is now applied by Pulumi's field manager.
      const deployment = objects.find((o) => kindOf(o) === 'Deployment')!;
      const managers = ((at(await c.api.get('apps/v1', 'Deployment', namespaceOf(deployment), nameOf(deployment)), 'metadata', 'managedFields') ?? []) as { manager: string }[]).map((m) => m.manager);
      expect(managers.some((m) => m.startsWith('pulumi'))).toBe(true);
      const rollouts = await rolloutProblems(c.api, objects);
      expect(rollouts.problems).toEqual([]);
    }, 20 * MINUTES);

    it('changes nothing on a second up', async () => {
      const second = await timed(`${name}: second up`, () => c.stack.up({ policyPacks: [c.sandbox.policyPack], color: 'never' }));
      expect(Object.keys(second.summary.resourceChanges ?? {})).toEqual(['same']);
    }, 10 * MINUTES);

    it('keeps what holds data on a plain destroy, which fails, and on destroy --exclude-protected, which leaves exactly that and what it needs', async () => {
      const refused = await timed(`${name}: plain destroy (refused)`, () =>
        c.stack.destroy({ color: 'never' }).then(
          () => undefined,
          (e: Error) => e,
        ),
      );
      // It deletes what is not protected and fails on what is: the data stays either way.
      expect(String(refused)).toMatch(/protect/);
      const live = async () => liveNames(c.api, c.manifests, c.env.namespace);
      expect((await live()).has(`Cluster/${c.manifests.find((m) => m.kind === 'Cluster')!.metadata.name}`)).toBe(true);

      await timed(`${name}: destroy --exclude-protected`, () => c.stack.destroy({ excludeProtected: true, color: 'never' }));
      const state = (await c.stack.exportStack()).deployment as { resources?: { type: string; urn: string; protect?: boolean; dependencies?: string[] }[] };
      const objects = (state.resources ?? []).filter((r) => r.type.startsWith('kubernetes:') && !r.type.startsWith('pulumi:providers'));
      // What a protected object depends on stays with it (the Cluster's bootstrap Secrets).
      const kept = new Set(objects.filter((r) => r.protect).map((r) => r.urn));
      for (let grew = true; grew; ) {
        grew = false;
        for (const r of objects) for (const d of kept.has(r.urn) ? (r.dependencies ?? []) : []) if (!kept.has(d)) grew = kept.add(d) !== undefined;
      }
      expect(objects.filter((r) => r.protect).map((r) => r.urn.split('::').at(-1)).sort()).toEqual(
        c.manifests.filter((m) => m.kind === 'Namespace' || m.kind === 'PersistentVolumeClaim' || m.kind === 'Cluster').map((m) => `${m.kind}/${m.metadata.namespace ? `${m.metadata.namespace}/` : ''}${m.metadata.name}`).sort(),
      );
      expect(objects.filter((r) => !kept.has(r.urn)).map((r) => r.urn)).toEqual([]);
      const left = await live();
      expect([...left].filter((n) => n.startsWith('Deployment/') || n.startsWith('StatefulSet/'))).toEqual([]);
      expect(await c.api.get('v1', 'Namespace', undefined, c.env.namespace)).toBeDefined();
      expect(left.has(`Cluster/${c.manifests.find((m) => m.kind === 'Cluster')!.metadata.name}`)).toBe(true);
    }, 10 * MINUTES);
  });
});
