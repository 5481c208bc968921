/**
 * Where a rendering comes from: a directory laid out like `generated/`, the committed
 * `generated/` at a git ref, or a fresh in-process synth of the working tree. Each yields the same
 * list of {@link Resource}s; only these loaders touch the file system or git.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { loadEnvironments, environmentNames } from '../../environments/load.ts';
import { renderGitOps } from '../../stacks/gitops.ts';
import { renderPlatform, type RenderedEnvironment, type RenderedFile } from '../../stacks/render.ts';
import type { JsonObject, Resource } from './compare.ts';

/**
 * Parsed documents by file text. Two renderings share most files byte for byte, so each distinct
 * text is parsed once; the objects are never mutated after parsing, so sharing them is safe.
 */
const parsed = new Map<string, JsonObject[]>();

/** Resources of one YAML file at `path` (`<group>/.../<file>.yaml`, relative to `generated/`). */
export function parseFile(path: string, text: string): Resource[] {
  // The directory is the scope of names: `prod`, or `argocd/clusters/prod` where two clusters
  // each have a ClusterIssuer of the same name.
  const env = path.slice(0, path.lastIndexOf('/'));
  if (!env) throw new Error(`${path}: not inside an environment directory`);
  let docs = parsed.get(text);
  if (!docs) {
    docs = yaml.loadAll(text, undefined, { filename: path }).filter((d) => d !== null && d !== undefined) as JsonObject[];
    parsed.set(text, docs);
  }
  // Single-document files keep their text so an unchanged file is skipped without a walk.
  return docs.map((doc) => toResource(env, doc, docs.length === 1 ? text : undefined, path));
}

function toResource(env: string, body: JsonObject, text: string | undefined, where: string): Resource {
  const metadata = (body['metadata'] ?? {}) as JsonObject;
  if (typeof body['kind'] !== 'string' || typeof metadata['name'] !== 'string') throw new Error(`${where}: not a Kubernetes object (no kind or metadata.name)`);
  return {
    env,
    apiVersion: String(body['apiVersion'] ?? ''),
    kind: body['kind'],
    namespace: typeof metadata['namespace'] === 'string' ? metadata['namespace'] : '',
    name: metadata['name'],
    body,
    ...(text === undefined ? {} : { text }),
  };
}

function listYaml(dir: string, prefix = ''): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? listYaml(join(dir, e.name), `${prefix}${e.name}/`) : /\.ya?ml$/.test(e.name) ? [`${prefix}${e.name}`] : []))
    .sort();
}

/** Every resource under `dir` (a directory laid out like `generated/`). */
export function fromDirectory(dir: string): Resource[] {
  if (!existsSync(dir)) throw new Error(`${dir}: no such directory`);
  return listYaml(dir).flatMap((p) => parseFile(p, readFileSync(join(dir, p), 'utf8')));
}

function git(cwd: string, args: readonly string[], input?: string): string {
  const r = spawnSync('git', args, { cwd, input, encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${(r.stderr || r.error?.message || '').trim()}`);
  return r.stdout;
}

/**
 * The ref to compare against by default: the merge base with `origin/main` (a pull request's
 * starting point), else with `main`, else `HEAD`.
 */
export function defaultBaseRef(repo: string): string {
  for (const branch of ['origin/main', 'main']) {
    try {
      return git(repo, ['merge-base', 'HEAD', branch]).trim();
    } catch {
      // Not there (shallow clone, other branch name): try the next.
    }
  }
  return 'HEAD';
}

/** The text of one committed file at `ref`, or undefined when it did not exist there. */
export function fileAtRef(repo: string, ref: string, path: string): string | undefined {
  const r = spawnSync('git', ['show', `${ref}:${path}`], { cwd: repo, encoding: 'utf8', maxBuffer: 1 << 26 });
  return r.status === 0 ? r.stdout : undefined;
}

/** The committed `<dir>` (default `generated`) at `ref`, read with one `git cat-file --batch`. */
export function fromGitRef(repo: string, ref: string, dir = 'generated'): Resource[] {
  const paths = git(repo, ['ls-tree', '-r', '-z', '--name-only', ref, '--', `${dir}/`])
    .split('\0')
    .filter((p) => /\.ya?ml$/.test(p))
    .sort();
  if (paths.length === 0) return [];
  const out = spawnSync('git', ['cat-file', '--batch'], { cwd: repo, input: paths.map((p) => `${ref}:${p}`).join('\n') + '\n', maxBuffer: 1 << 30 });
  if (out.status !== 0) throw new Error(`git cat-file --batch: ${out.stderr.toString().trim()}`);
  const buf = out.stdout;
  const resources: Resource[] = [];
  let pos = 0;
  for (const p of paths) {
    const eol = buf.indexOf(10, pos);
    const header = buf.toString('utf8', pos, eol).split(' ');
    const size = Number(header[2]);
    if (header[1] !== 'blob' || !Number.isFinite(size)) throw new Error(`git cat-file: unexpected header for ${p}: ${header.join(' ')}`);
    resources.push(...parseFile(p.slice(dir.length + 1), buf.toString('utf8', eol + 1, eol + 1 + size)));
    pos = eol + 1 + size + 1;
  }
  return resources;
}

/** Resources of already rendered files (no YAML parsing: the manifests are at hand). */
export function fromRenderedFiles(files: readonly RenderedFile[]): Resource[] {
  return files.map((f) => toResource(f.path.slice(0, f.path.lastIndexOf('/')), JSON.parse(JSON.stringify(f.manifest)) as JsonObject, f.content, f.path));
}

/** A fresh synth of the environments in `environmentsDir`, rendered in-process, Argo CD group included. */
export async function fromWorkingTree(environmentsDir: string): Promise<Resource[]> {
  const envs = loadEnvironments(environmentsDir, environmentNames(environmentsDir));
  const files: RenderedFile[] = [];
  const rendered = new Map<string, RenderedEnvironment>();
  for (const env of envs) {
    const platform = await renderPlatform(env);
    files.push(...platform.files);
    rendered.set(env.name, platform.environment);
  }
  files.push(...(await renderGitOps(envs, rendered)));
  return fromRenderedFiles(files);
}

/** Production environments according to the environment files (used for the prod-only risk rules). */
export function productionEnvironments(environmentsDir: string): Set<string> {
  try {
    return new Set(loadEnvironments(environmentsDir).filter((e) => e.production).map((e) => e.name));
  } catch {
    return new Set(['prod', 'production']);
  }
}

/**
 * Resources of environment `from` relabelled as environment `to`, with `from`'s namespace
 * replaced by `to`'s wherever it appears as a whole value or a `namespace/name` prefix, so the
 * comparison shows how the environments differ rather than that their namespaces do.
 */
export function asEnvironment(resources: readonly Resource[], from: string, to: string, toNamespace: string | undefined): Resource[] {
  const mine = resources.filter((r) => r.env === from);
  const fromNamespace = mine.find((r) => r.kind === 'Namespace')?.name;
  const swap = (v: unknown): unknown => {
    if (typeof v === 'string' && fromNamespace && toNamespace) {
      if (v === fromNamespace) return toNamespace;
      if (v.startsWith(`${fromNamespace}/`)) return toNamespace + v.slice(fromNamespace.length);
      return v;
    }
    if (Array.isArray(v)) return v.map(swap);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, swap(x)]));
    return v;
  };
  return mine.map((r) => {
    const body = swap(r.body) as JsonObject;
    const labels = ((body['metadata'] as JsonObject)['labels'] ?? {}) as JsonObject;
    if (labels['agent-platform.io/environment'] === from) labels['agent-platform.io/environment'] = to;
    return { env: to, apiVersion: r.apiVersion, kind: r.kind, namespace: swap(r.namespace) as string, name: swap(r.name) as string, body };
  });
}
