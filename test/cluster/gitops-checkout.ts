/**
 * The git repository Argo CD syncs from in the harness: a copy of this checkout (its tracked files
 * as they are, committed or not) in a temporary directory, served as `file:///…`.
 *
 * The environments name the repository and revisions Argo CD reads (`gitops.repoURL`,
 * `gitops.targetRevision`): the copy points `repoURL` at itself by editing the environment files
 * and running `npm run synth`, the way a user moving the repository would; the revisions stay what
 * they are (`main` is the copy's branch, production's release tag is tagged on the same commit).
 * The committed `generated/` of this checkout is not touched.
 *
 * What the harness cannot run is taken out of the copy's `generated/argocd/root/`, each with its
 * reason in `left out`: the cluster add-ons that are upstream Helm charts (the harness reaches no
 * chart repository; their CRDs come from the upstream sources the control plane installs, and
 * cert-manager and External Secrets run out of cluster, ./issuers.ts). The ACME issuers and AWS
 * secret stores of the cluster configuration are replaced by ./issuers.ts's stand-ins under the
 * same names (`standIns`): Let's Encrypt and AWS cannot be reached from here.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import yaml from 'js-yaml';
import { environmentNames, loadEnvironment } from '../../environments/load.ts';
import type { Manifest } from '../../kube/object.ts';
import { fileNameOf } from '../../stacks/render.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');

/** The repository Argo CD reads. */
export interface GitOpsCheckout {
  /** Directory of the copy (its work tree). */
  readonly dir: string;
  /** `file:///…` URL of the copy, what `gitops.repoURL` says in it. */
  readonly repoURL: string;
  /** Commit every branch and tag of the copy points at. */
  readonly commit: string;
  /** Applications removed from the copy's `generated/argocd/root/`, with why and where they would install. */
  readonly leftOut: readonly LeftOut[];
  /** Commits `files` (path → content) on a new branch of the copy; returns the branch name. */
  branch(name: string, files: Readonly<Record<string, string>>): string;
  remove(): void;
}

function git(dir: string, args: string[]): string {
  return execFileSync('git', args, {
    cwd: dir,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, GIT_AUTHOR_NAME: 'harness', GIT_AUTHOR_EMAIL: 'harness@localhost', GIT_COMMITTER_NAME: 'harness', GIT_COMMITTER_EMAIL: 'harness@localhost' },
  }).trim();
}

/** Tracked files of this checkout with their working-tree content (`git stash create` is HEAD when clean). */
function snapshotOf(root: string, into: string): void {
  const rev = git(root, ['stash', 'create']) || 'HEAD';
  execFileSync('sh', ['-c', `git -C "$1" archive "$2" | tar -x -C "$3"`, 'sh', root, rev, into], { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** An add-on Application the copy leaves out. */
export interface LeftOut {
  readonly file: string;
  readonly reason: string;
  /** Its destination: the namespace its sync would create (`CreateNamespace=true`) on that server. */
  readonly destination: { readonly server: string; readonly namespace: string };
}

/** An object of a cluster's configuration replaced in the copy by a stand-in of the same kind and name. */
export interface StandIn {
  /** `gitops.cluster.name` whose `generated/argocd/clusters/<cluster>/` holds the object. */
  readonly cluster: string;
  readonly object: Manifest;
}

export interface GitOpsCheckoutOptions {
  /**
   * Objects of the cluster configuration that cannot work offline (the ACME ClusterIssuers, the
   * AWS ClusterSecretStores), replaced by the harness's stand-ins under the same names: the spec
   * is the stand-in's, metadata (labels, sync waves) stays ours. Objects with no rendered file
   * under that name are an error, so a renamed issuer or store cannot slip past.
   * @default []
   */
  readonly standIns?: readonly StandIn[];
  /** How long `npm run synth` may take in the copy. @default 240000 */
  readonly synthTimeoutMs?: number;
}

/**
 * Makes the copy: files, environment override, synth, Helm add-ons left out, stand-ins, one
 * commit on `main` and every environment's tag on it.
 */
export function createGitOpsCheckout(options: GitOpsCheckoutOptions = {}): GitOpsCheckout {
  const synthTimeoutMs = options.synthTimeoutMs ?? 240_000;
  const dir = mkdtempSync(join(tmpdir(), 'argo-cd-repo-'));
  snapshotOf(ROOT, dir);
  symlinkSync(realpathSync(join(ROOT, 'node_modules')), join(dir, 'node_modules'));
  const repoURL = `file://${dir}`;

  const envDir = join(dir, 'environments');
  const revisions = new Set<string>();
  for (const name of environmentNames(envDir)) {
    const env = loadEnvironment(envDir, name);
    revisions.add(env.gitops.targetRevision);
    const file = join(envDir, `${name}.yaml`);
    const text = readFileSync(file, 'utf8');
    const line = new RegExp(`^(\\s*repoURL:\\s*)${env.gitops.repoURL.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`, 'm');
    if (!line.test(text)) throw new Error(`${file}: gitops.repoURL "${env.gitops.repoURL}" is not on a line of its own; the harness cannot point it at ${repoURL}`);
    writeFileSync(file, text.replace(line, `$1${repoURL}`));
  }
  execFileSync(process.execPath, ['--import', './tools/require-node.mjs', 'stacks/synth.ts'], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'], timeout: synthTimeoutMs });

  const leftOut: LeftOut[] = [];
  const rootDir = join(dir, 'generated', 'argocd', 'root');
  for (const f of readdirSync(rootDir).sort()) {
    const m = yaml.load(readFileSync(join(rootDir, f), 'utf8')) as { kind?: string; spec?: { source?: { chart?: string; repoURL?: string }; destination?: { server: string; namespace: string } } };
    const source = m.spec?.source;
    if (m.kind === 'Application' && source?.repoURL !== repoURL) {
      unlinkSync(join(rootDir, f));
      const chart = source?.chart ? `${source.repoURL} chart ${source.chart}` : source?.repoURL;
      leftOut.push({ file: `generated/argocd/root/${f}`, reason: `upstream Helm chart ${chart}: the harness reaches no chart repository or OCI registry`, destination: m.spec!.destination! });
    }
  }

  for (const { cluster, object } of options.standIns ?? []) {
    const file = join(dir, 'generated', 'argocd', 'clusters', cluster, fileNameOf(object));
    if (!existsSync(file)) throw new Error(`stand-in ${object.kind}/${object.metadata.name}: no ${file} in the cluster configuration of ${cluster}`);
    const ours = yaml.load(readFileSync(file, 'utf8')) as Manifest;
    const labels = { ...(ours.metadata['labels'] as Record<string, string> | undefined), ...(object.metadata['labels'] as Record<string, string> | undefined) };
    const merged = { ...object, metadata: { ...ours.metadata, labels } };
    writeFileSync(file, yaml.dump(merged, { lineWidth: -1, noRefs: true }));
  }
  unlinkSync(join(dir, 'node_modules'));
  git(dir, ['init', '--quiet', '--initial-branch=main']);
  git(dir, ['add', '--all']);
  git(dir, ['commit', '--quiet', '--no-gpg-sign', '-m', 'harness copy']);
  const commit = git(dir, ['rev-parse', 'HEAD']);
  for (const r of revisions) if (r !== 'main' && !/^[0-9a-f]{40}$/.test(r)) git(dir, ['tag', r, commit]);

  return {
    dir,
    repoURL,
    commit,
    leftOut,
    branch(name, files) {
      git(dir, ['checkout', '--quiet', '-b', name, commit]);
      try {
        for (const [path, content] of Object.entries(files)) {
          execFileSync('mkdir', ['-p', join(dir, path, '..')]);
          writeFileSync(join(dir, path), content);
        }
        git(dir, ['add', '--all']);
        git(dir, ['commit', '--quiet', '--no-gpg-sign', '-m', `harness: ${name}`]);
      } finally {
        git(dir, ['checkout', '--quiet', 'main']);
      }
      return name;
    },
    remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
