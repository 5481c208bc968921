/**
 * The real Pulumi CLI, run the way an operator runs it but sealed off from this machine: a local
 * file backend and a passphrase secrets provider in a throwaway directory, a PATH that holds only
 * the binaries built by `npm run tools:build` (the CLI and the kubernetes resource provider), a
 * temporary PULUMI_HOME, and no plugin download (PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION): a
 * plugin that is not on that PATH fails the run instead of being fetched.
 *
 * How the program runs. The Node.js language host (module
 * github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3) is not served by the Go module
 * proxy (403 "This module version is not available" for its version list, its tags and
 * pseudo-versions), so `runtime: nodejs` cannot start here. The program runs instead through
 * @pulumi/pulumi's Automation API as an inline program: the SDK serves the LanguageRuntime gRPC
 * service itself and the CLI connects to it (`pulumi up --client`), then drives the engine, the
 * provider and the policy pack exactly as for any stack. The program is the entry point's default
 * export (stacks/pulumi/index.ts), config and secrets come from the stack's Pulumi.<stack>.yaml.
 *
 * What runs is a copy of this checkout (the files git lists, node_modules linked), with one
 * environment file switched the way a user switches it (`delivery: pulumi`, and the test's API
 * server as `gitops.cluster.server`): the program and the policy pack both read environments/
 * from the checkout, so they see the same switched environment, and `pulumi config set` never
 * touches the committed stack files (a per-run passphrase never encrypts anything in git).
 *
 * How the policy pack runs. The CLI runs a policy pack directory through the language host of its
 * runtime (RunPlugin), which is the missing binary; a `--policy-pack` that names an executable it
 * launches directly as an analyzer plugin, with the engine address as argument
 * (NewPolicyAnalyzer in pkg/resource/plugin/analyzer_plugin.go, v3.276.0). So the sandbox's
 * `policyPack` is such an executable: it runs the entry the Node.js language host runs for a pack,
 * `node <@pulumi/pulumi>/cmd/run-policy-pack <engine> <pack dir>` with the stack in
 * `PULUMI_NODEJS_STACK` (what the host sets; test/support/policy-pack-host.ts), and from there the
 * CLI does what it does with any pack: handshake, ConfigureStack, GetAnalyzerInfo, Analyze every
 * resource, and fail the update on a mandatory violation.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { LocalWorkspace, PulumiCommand, type Stack } from '@pulumi/pulumi/automation/index.js';
import yaml from 'js-yaml';
import type { CommandResult } from '../../stacks/pulumi/switch-over.ts';
import { RUN_POLICY_PACK } from '../support/policy-pack-host.ts';

export const REPO_ROOT = new URL('../../', import.meta.url).pathname;

/** The binaries the sandbox's PATH holds; built by `npm run tools:build` (tools/go-tools/pins.ts). */
export const PULUMI_BINARIES = ['pulumi', 'pulumi-resource-kubernetes'] as const;
export type PulumiBinary = (typeof PULUMI_BINARIES)[number];

export interface PulumiSandbox {
  /** Environment every CLI run gets (PATH, PULUMI_HOME, backend, passphrase, no downloads). */
  readonly env: Readonly<Record<string, string>>;
  /** The copy of the checkout: Pulumi.yaml, the stack files, environments/, the program, the pack. */
  readonly checkout: string;
  /** `--policy-pack`: the launcher of the copy's policies/pulumi-pack (see above). */
  readonly policyPack: string;
  /** The stack, created on the file backend, running the copy's entry point. */
  stack(name: string): Promise<Stack>;
  /** Runs the real CLI in the copy with the sandbox's environment (plus `env`); never throws. */
  cli(args: readonly string[], env?: Readonly<Record<string, string>>): CommandResult;
  remove(): void;
}

/** Every file git lists (tracked, and untracked but not ignored), copied below `to`. */
function copyCheckout(to: string): void {
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: REPO_ROOT, encoding: 'utf8' }).split('\0').filter(Boolean);
  for (const f of files) {
    mkdirSync(dirname(join(to, f)), { recursive: true });
    try {
      copyFileSync(join(REPO_ROOT, f), join(to, f));
    } catch (e) {
      // A file deleted in the work tree but still in the index.
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }
  symlinkSync(realpathSync(join(REPO_ROOT, 'node_modules')), join(to, 'node_modules'));
}

/**
 * A sandbox for one test file: the copy of the checkout with `environments/<environment>.yaml`
 * switched to `delivery: pulumi` on `server`, and the CLI environment around it.
 */
export async function pulumiSandbox(
  binaries: Readonly<Record<PulumiBinary, string>>,
  environment: string,
  server: string,
  /** Changes the copy before anything runs (a deliberately broken variant). */
  edit: (checkout: string) => void = () => undefined,
): Promise<PulumiSandbox> {
  const root = mkdtempSync(join(tmpdir(), 'pulumi-sandbox-'));
  const checkout = join(root, 'checkout');
  copyCheckout(checkout);
  edit(checkout);
  const envFile = join(checkout, 'environments', `${environment}.yaml`);
  const data = yaml.load(readFileSync(envFile, 'utf8')) as { delivery?: string; gitops: { cluster: { server: string } } };
  data.delivery = 'pulumi';
  data.gitops.cluster.server = server;
  writeFileSync(envFile, yaml.dump(data, { lineWidth: -1 }));

  const bin = join(root, 'cli', 'bin');
  mkdirSync(bin, { recursive: true });
  for (const name of PULUMI_BINARIES) symlinkSync(binaries[name], join(bin, name));
  mkdirSync(join(root, 'state'));
  const env: Record<string, string> = {
    PATH: bin,
    HOME: root,
    PULUMI_HOME: join(root, 'home'),
    PULUMI_BACKEND_URL: `file://${join(root, 'state')}`,
    // Generated per run and never printed: the stack's secrets are encrypted with it.
    PULUMI_CONFIG_PASSPHRASE: randomBytes(24).toString('hex'),
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: 'true',
    PULUMI_SKIP_UPDATE_CHECK: 'true',
    PULUMI_SKIP_CONFIRMATIONS: 'true',
  };
  const packDir = join(checkout, 'policies', 'pulumi-pack');
  const policyPack = join(root, 'policy-pack', 'agent-platform-kubernetes');
  mkdirSync(dirname(policyPack));
  // $1 is the engine address; the pack runs in its own directory, as the language host runs it.
  const q = (v: string) => `'${v.replace(/'/g, "'\\''")}'`;
  writeFileSync(policyPack, `#!/bin/sh\ncd ${q(packDir)} && PULUMI_NODEJS_STACK=${q(environment)} PULUMI_NODEJS_PROJECT=agent-platform exec ${q(process.execPath)} ${q(RUN_POLICY_PACK)} "$1" ${q(packDir)}\n`);
  chmodSync(policyPack, 0o755);
  const pulumiCommand = await PulumiCommand.get({ root: join(root, 'cli') });
  const entry = join(checkout, 'stacks', 'pulumi', 'index.ts');
  const program = async () => ((await import(entry)) as { default: () => Promise<Record<string, unknown>> }).default();
  return {
    env,
    checkout,
    policyPack,
    cli: (args, extra = {}) => {
      const r = spawnSync(join(bin, 'pulumi'), args, { cwd: checkout, env: { ...env, ...extra }, encoding: 'utf8', timeout: 600_000 });
      return { code: r.status ?? 1, stdout: r.stdout ?? '', stderr: r.stderr ?? String(r.error ?? '') };
    },
    stack: (name) => LocalWorkspace.createOrSelectStack({ stackName: name, projectName: 'agent-platform', program }, { workDir: checkout, pulumiCommand, envVars: env }),
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}
