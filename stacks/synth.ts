/**
 * Entry point: `npm run synth [-- --check] [-- --env <name> ...]`.
 *
 * Loads every environment, renders and validates all of them, and only then replaces
 * `generated/<env>/`; any failure leaves `generated/` exactly as it was. With `--check` nothing is
 * written: it lists the files that differ from a fresh synth and exits 1 when there are any.
 */
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { EnvironmentError, environmentNames, loadEnvironments } from '../environments/load.ts';
import { compareWithDirectory, writeGroupsAtomically } from './output.ts';
import { GITOPS_GROUP, renderGitOps } from './gitops.ts';
import { renderEnvironment, type RenderedFile } from './render.ts';

const ROOT = join(import.meta.dirname, '..');

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      check: { type: 'boolean', default: false },
      env: { type: 'string', multiple: true },
      out: { type: 'string', default: join(ROOT, 'generated') },
      environments: { type: 'string', default: join(ROOT, 'environments') },
    },
  });
  const names = values.env ?? environmentNames(values.environments);
  const envs = loadEnvironments(values.environments, names);

  const files: RenderedFile[] = [];
  const failures: string[] = [];
  for (const env of envs) {
    try {
      files.push(...(await renderEnvironment(env)));
    } catch (e) {
      failures.push(`${env.name}: ${(e as Error).message}`);
    }
  }
  // The Argo CD group describes every environment, so it is rendered only when all of them are.
  const groups = [...names];
  if (values.env === undefined && failures.length === 0) {
    try {
      files.push(...(await renderGitOps(envs, files)));
      groups.push(GITOPS_GROUP);
    } catch (e) {
      failures.push(`${GITOPS_GROUP}: ${(e as Error).message}`);
    }
  }
  if (failures.length > 0) {
    console.error(`synth failed; generated/ was left unchanged.\n${failures.join('\n')}`);
    return 1;
  }

  const diffs = compareWithDirectory(files, values.out, groups);
  if (values.check) {
    if (diffs.length === 0) {
      console.log(`generated/ is current (${files.length} files, ${groups.join(', ')}).`);
      return 0;
    }
    const byEnv = new Map<string, string[]>();
    for (const d of diffs) {
      const env = d.path.slice(0, d.path.indexOf('/'));
      byEnv.set(env, [...(byEnv.get(env) ?? []), `  ${d.change.padEnd(7)} generated/${d.path}`]);
    }
    console.error('generated/ is stale; run `npm run synth` and commit the result.');
    for (const [env, lines] of byEnv) console.error(`${env}:\n${lines.join('\n')}`);
    return 1;
  }
  writeGroupsAtomically(files, values.out, groups);
  console.log(`synthesized ${groups.join(', ')}: ${files.length} files, ${diffs.length} changed.`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    if (e instanceof EnvironmentError) console.error(`synth failed; generated/ was left unchanged.\n${e.message}`);
    else console.error(e);
    process.exit(1);
  },
);
