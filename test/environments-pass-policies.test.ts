/**
 * Every environment, rendered the way `npm run synth` renders it, passes the policies with zero
 * errors: the gate CI applies to generated/, applied to what the current code would generate.
 * Waivers come from policies/waivers.yaml and are judged against today's date, so an expired
 * waiver fails here as it fails in CI.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadEnvironments } from '../environments/load.ts';
import { objectsOfCluster } from '../policies/cluster.ts';
import { checkObjects } from '../policies/engine.ts';
import { showRef } from '../policies/object-ref.ts';
import { RULES } from '../policies/rules/index.ts';
import type { CheckResult, K8sObject, SourcedObject } from '../policies/types.ts';
import { parseWaivers } from '../policies/waivers.ts';
import { renderGitOps } from '../stacks/gitops.ts';
import { renderPlatform, type RenderedEnvironment, type RenderedFile, type RenderedPlatform } from '../stacks/render.ts';

const ROOT = join(import.meta.dirname, '..');
const envs = loadEnvironments(join(ROOT, 'environments'));
const waiversFile = 'policies/waivers.yaml';
const waivers = parseWaivers(readFileSync(join(ROOT, waiversFile), 'utf8'), waiversFile, new Set(RULES.map((r) => r.id)));
const today = new Date().toISOString().slice(0, 10);

function sourcedFiles(files: readonly RenderedFile[]): SourcedObject[] {
  return files.map((f) => ({ object: f.manifest, file: `generated/${f.path}`, line: 1, text: f.content }));
}

/** Findings that fail the check, one line each, so a failure reads like `npm run policy`. */
function errorsOf(result: CheckResult): string[] {
  return result.findings.filter((f) => f.severity === 'error' && !f.waivedBy).map((f) => `${f.file}:${f.line ?? ''}: ${f.rule}: ${showRef(f.object)}: ${f.path}: ${f.message}`);
}

const rendered = new Map<string, RenderedPlatform>();
async function platform(name: string): Promise<RenderedPlatform> {
  if (!rendered.has(name)) rendered.set(name, await renderPlatform(envs.find((e) => e.name === name)!));
  return rendered.get(name)!;
}
async function render(name: string): Promise<RenderedFile[]> {
  return (await platform(name)).files;
}

/** Each environment's objects and reported facts by its name, as renderGitOps takes them. */
async function renderedByEnvironment(): Promise<Map<string, RenderedEnvironment>> {
  return new Map(await Promise.all(envs.map(async (e) => [e.name, (await platform(e.name)).environment] as const)));
}

/** The objects configuring each cluster (its add-ons and StorageClasses), as `npm run policy` reads them. */
async function clusterContext(cluster: string): Promise<K8sObject[]> {
  return objectsOfCluster((await renderGitOps(envs, await renderedByEnvironment())).map((f) => f.manifest), cluster);
}

describe.each(envs.map((e) => [e.name, e] as const))('environment %s', (name, env) => {
  it(`passes every policy with zero errors${env.production ? ' at production severity' : ''}, on its cluster`, async () => {
    const files = await render(name);
    const context = await clusterContext(env.gitops.cluster.name);
    const result = checkObjects(sourcedFiles(files), { env: { name, production: env.production }, waivers: waivers.filter((w) => !w.env || w.env === name), today, waiversFile, context });
    expect(errorsOf(result)).toEqual([]);
    expect(files.length).toBeGreaterThan(10);
    // The cluster's add-ons were visible: metrics API, EBS provisioner and Reloader among them.
    expect(context.some((o) => o.kind === 'StorageClass')).toBe(true);
  });

  it('fails the cluster rules without its cluster\'s add-ons', async () => {
    const files = await render(name);
    const result = checkObjects(sourcedFiles(files), { env: { name, production: env.production }, rules: RULES.filter((r) => ['storage-class-declared', 'rotated-secret-reloads'].includes(r.id)), context: [] });
    expect(new Set(result.findings.map((f) => f.rule))).toEqual(new Set(['storage-class-declared', 'rotated-secret-reloads']));
  });
});

describe('the Argo CD objects shared by the environments', () => {
  it('pass every policy with zero errors, each judged by the environment it delivers', async () => {
    const files = await renderGitOps(envs, await renderedByEnvironment());
    const byName = new Map(envs.map((e) => [e.name, { name: e.name, production: e.production }]));
    const result = checkObjects(sourcedFiles(files), {
      env: { production: false },
      environmentOf: (o) => byName.get(String((o.metadata?.['labels'] as Record<string, unknown> | undefined)?.['agent-platform.io/environment'] ?? '')),
    });
    expect(errorsOf(result)).toEqual([]);
    expect(files.some((f) => f.manifest.kind === 'Application')).toBe(true);
  });
});
