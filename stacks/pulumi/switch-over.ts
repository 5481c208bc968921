/**
 * Taking an environment over from Argo CD (`delivery: gitops` → `pulumi`), as an ordered plan of
 * commands and a runner that stops at the first step that does not hold. Never both controllers at
 * once: Argo CD must have stopped syncing the environment before Pulumi applies anything.
 *
 * 1. Argo CD's Application of the environment is gone. Merging `delivery: pulumi` (and the synth
 *    that drops the Application, stacks/gitops.ts) lets the root Application prune it; it has no
 *    resources finalizer, so the objects it deployed stay in the cluster, unsynced.
 * 2. The environment's ExternalSecrets are deleted with `--cascade=orphan`. In `pulumi` delivery
 *    the program applies their Secrets itself (stacks/pulumi/pulumi-secrets.ts); left in place,
 *    External Secrets would keep rewriting those Secrets from the old store, and as their owner
 *    (ownerReferences) deleting an ExternalSecret later would garbage-collect a Secret Pulumi now
 *    manages. Orphaning keeps the Secrets, so no pod loses a value meanwhile.
 * 3. `adoptExistingObjects` on: since pulumi-kubernetes 4.29.0 creating an object that already
 *    exists fails with AlreadyExists unless the provider's `upsertExistingObjects` is set, and a
 *    preview does not show it (with server-side apply an AlreadyExists during preview counts as
 *    success), so only `up` would fail, on every object.
 * 4. `pulumi up` with `PULUMI_K8S_ENABLE_PATCH_FORCE=true`: each object is adopted by server-side
 *    apply and from then on is Pulumi's. Forced, because the fields of the Secrets External Secrets
 *    wrote are still owned by its field manager: an unforced apply of other values is refused as
 *    a field conflict (found by test/cluster/pulumi-switch-over.cluster.test.ts; the provider
 *    reads the variable in `patchForce`, pkg/await/await.go).
 * 5. `adoptExistingObjects` off, and 6. `pulumi up` again, unforced, which changes only the
 *    provider: left on, a renamed resource's create-then-delete would delete the object it had
 *    just adopted.
 */
import { spawn } from 'node:child_process';
import type { Environment } from '../../environments/schema/index.ts';
import { environmentApplication } from '../gitops.ts';
import type { Manifest } from '../../kube/object.ts';

export interface SwitchOverStep {
  readonly title: string;
  readonly command: readonly string[];
  /** Environment variables the command runs with, besides the caller's. @default none */
  readonly env?: Readonly<Record<string, string>>;
  /** `absent`: the command must fail because the object it gets does not exist. */
  readonly expect: 'success' | 'absent';
}

export interface ArgoApplication {
  readonly name: string;
  readonly namespace: string;
}

/** The Application Argo CD delivers `env` with, as stacks/gitops.ts names it in gitops delivery. */
export function argoApplicationOf(env: Environment): ArgoApplication {
  return environmentApplication(env);
}

/** Names of the ExternalSecrets in `manifests`: Pulumi applies their Secrets itself. */
export function externalSecretsOf(manifests: readonly Manifest[]): string[] {
  return manifests.filter((m) => m.kind === 'ExternalSecret').map((m) => m.metadata.name);
}

/** Makes the provider force server-side apply conflicts (pulumi-kubernetes `patchForce`). */
export const PATCH_FORCE_VARIABLE = 'PULUMI_K8S_ENABLE_PATCH_FORCE';

export interface SwitchOverInput {
  readonly stack: string;
  readonly application: ArgoApplication;
  /** kubeconfig context of the cluster Argo CD runs in. */
  readonly argoContext: string;
  /** The environment's cluster (the stack's `kubeContext`) and namespace. */
  readonly cluster: { readonly context: string; readonly namespace: string };
  /** The environment's ExternalSecrets ({@link externalSecretsOf}). */
  readonly externalSecrets: readonly string[];
  /** @default 'policies/pulumi-pack' */
  readonly policyPack?: string;
}

/** The switch-over, in order. */
export function switchOverPlan(input: SwitchOverInput): SwitchOverStep[] {
  const { stack, application } = input;
  const up = ['pulumi', 'up', '--stack', stack, '--yes', '--policy-pack', input.policyPack ?? 'policies/pulumi-pack'];
  return [
    {
      title: `Argo CD no longer has Application ${application.namespace}/${application.name} (delivery: pulumi merged, pruned by the root Application)`,
      command: ['kubectl', '--context', input.argoContext, '--namespace', application.namespace, 'get', 'applications.argoproj.io', application.name],
      expect: 'absent',
    },
    ...(input.externalSecrets.length
      ? [
          {
            title: 'stop External Secrets writing the Secrets Pulumi will apply (the Secrets stay)',
            command: ['kubectl', '--context', input.cluster.context, '--namespace', input.cluster.namespace, 'delete', 'externalsecrets.external-secrets.io', ...input.externalSecrets, '--cascade=orphan', '--ignore-not-found'],
            expect: 'success' as const,
          },
        ]
      : []),
    { title: 'adopt the objects Argo CD left in the cluster', command: ['pulumi', 'config', 'set', '--stack', stack, '--type', 'bool', 'adoptExistingObjects', 'true'], expect: 'success' },
    { title: 'take the objects over', command: up, env: { [PATCH_FORCE_VARIABLE]: 'true' }, expect: 'success' },
    { title: 'stop adopting existing objects', command: ['pulumi', 'config', 'set', '--stack', stack, '--type', 'bool', 'adoptExistingObjects', 'false'], expect: 'success' },
    { title: 'apply the provider without adoption (no object changes)', command: up, expect: 'success' },
  ];
}

export interface CommandResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export type CommandRunner = (command: readonly string[], env?: Readonly<Record<string, string>>) => Promise<CommandResult>;

/** Runs a command without a shell, collecting its output. */
export const spawnRunner: CommandRunner = (command, env = {}) =>
  new Promise((resolve, reject) => {
    const child = spawn(command[0]!, command.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });

/** Runs the plan step by step; throws at the first step that does not hold, saying what to do. */
export async function runSwitchOver(steps: readonly SwitchOverStep[], run: CommandRunner = spawnRunner): Promise<void> {
  for (const [i, step] of steps.entries()) {
    const result = await run(step.command, step.env);
    const shown = [...Object.entries(step.env ?? {}).map(([k, v]) => `${k}=${v}`), ...step.command].join(' ');
    const where = `switch-over step ${i + 1} (${step.title}): ${shown}`;
    if (step.expect === 'absent') {
      if (result.code === 0) {
        throw new Error(
          `${where} found it: Argo CD still delivers the environment. Merge delivery: pulumi and let the root Application prune it ` +
            '(or delete it without cascading) first; two controllers must never own the environment at once',
        );
      }
      if (!/NotFound|not found/.test(result.stderr)) throw new Error(`${where} could not tell whether it exists (exit ${result.code}): ${result.stderr.trim()}`);
      continue;
    }
    if (result.code !== 0) throw new Error(`${where} failed (exit ${result.code}): ${result.stderr.trim()}; fix it and run the switch-over again from this step`);
  }
}
