/**
 * Entry point: `npm run synth [-- --check] [-- --env <name> ...]`.
 *
 * Loads every environment, renders and validates all of them, and only then replaces
 * `generated/` in one atomic exchange (stacks/output.ts); any failure leaves `generated/` exactly
 * as it was. A full run writes exactly what it renders, so the output of an environment whose
 * file was deleted, and anything else not rendered, goes. With `--env`, only those environments
 * are re-rendered and the other environments' directories (and generated/argocd) are kept.
 * With `--check` nothing is written: it lists what differs from a fresh synth (changed, missing,
 * and stale: anything a fresh synth would not write) and exits 1 when there is any.
 */
import { join } from 'node:path';
import { EnvironmentError, environmentNames, loadEnvironments } from '../environments/load.ts';
import { environmentArguments, parseCommandLine, runCommand } from '../tools/command-line.ts';
import { compareWithDirectory, replaceTree } from './output.ts';
import { ADD_ONS } from './add-ons.ts';
import { GITOPS_GROUP, renderGitOps } from './gitops.ts';
import { renderPlatform, type RenderedEnvironment, type RenderedFile } from './render.ts';

const ROOT = join(import.meta.dirname, '..');

async function main(): Promise<number> {
  const { values } = parseCommandLine({
    check: { type: 'boolean', default: false },
    env: { type: 'string', multiple: true },
    out: { type: 'string', default: join(ROOT, 'generated') },
    environments: { type: 'string', default: join(ROOT, 'environments') },
  });
  const all = values.env === undefined;
  const names = all ? undefined : environmentArguments(values.env!, values.environments);
  const envs = loadEnvironments(values.environments, names, { addOnNamespaces: new Set(ADD_ONS.map((a) => a.namespace)) });

  const files: RenderedFile[] = [];
  const rendered = new Map<string, RenderedEnvironment>();
  const failures: string[] = [];
  for (const env of envs) {
    try {
      const platform = await renderPlatform(env);
      files.push(...platform.files);
      rendered.set(env.name, platform.environment);
    } catch (e) {
      failures.push(`${env.name}: ${(e as Error).message}`);
    }
  }
  // The Argo CD group describes every environment, so it is rendered only when all of them are.
  const groups = envs.map((e) => e.name);
  if (all && failures.length === 0) {
    try {
      files.push(...(await renderGitOps(envs, rendered)));
      groups.push(GITOPS_GROUP);
    } catch (e) {
      failures.push(`${GITOPS_GROUP}: ${(e as Error).message}`);
    }
  }
  if (failures.length > 0) {
    console.error(`synth failed; generated/ was left unchanged.\n${failures.join('\n')}`);
    return 1;
  }

  const diffs = compareWithDirectory(files, values.out, groups, { whole: all });
  if (values.check) {
    if (diffs.length === 0) {
      console.log(`generated/ is current (${files.length} files, ${groups.join(', ')}).`);
      return 0;
    }
    const byGroup = new Map<string, string[]>();
    for (const d of diffs) {
      const slash = d.path.indexOf('/');
      const group = slash < 0 ? '(top level)' : d.path.slice(0, slash);
      byGroup.set(group, [...(byGroup.get(group) ?? []), `  ${d.change.padEnd(7)} generated/${d.path}`]);
    }
    console.error('generated/ is stale; run `npm run synth` and commit the result.');
    for (const [group, lines] of byGroup) console.error(`${group}:\n${lines.join('\n')}`);
    return 1;
  }
  // With --env, keep what belongs to the other environments that still exist, and Argo CD's group.
  const others = all ? undefined : new Set([...environmentNames(values.environments), GITOPS_GROUP]);
  replaceTree(files, values.out, { groups, ...(others ? { keep: (entry: string) => others.has(entry) } : {}) });
  console.log(`synthesized ${groups.join(', ')}: ${files.length} files, ${diffs.length} changed.`);
  return 0;
}

runCommand('synth', async () => {
  try {
    return await main();
  } catch (e) {
    if (e instanceof EnvironmentError) {
      console.error(`synth failed; generated/ was left unchanged.\n${e.message}`);
      return 1;
    }
    throw e;
  }
});
