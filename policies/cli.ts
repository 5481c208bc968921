/**
 * `npm run policy [-- [--env <name>] [--format text|json|sarif|markdown] [--waivers <file>]
 * [--production] [--today YYYY-MM-DD] [--output <file>] [<dir or file>...]]`
 *
 * Without paths, checks `generated/<env>/` of the given environment, or of every environment in
 * `environments/` plus the directories they share (generated/argocd/) when none is given. With paths, checks those directories (recursively) and files,
 * whatever produced them; `--env` then only selects severities (production-like when the
 * environment file says `production: true`, or with `--production`).
 *
 * Exit status: 0 no errors, 1 errors (findings, expired waivers or unreadable YAML, which is a
 * finding in every format), 2 bad usage (unknown option or format, a date that does not exist,
 * a missing path or one holding no Kubernetes object, invalid waivers or environment file).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { environmentNames, loadEnvironment } from '../environments/load.ts';
import { environmentArguments, parseCommandLine, runCommand, UsageError, USAGE_EXIT } from '../tools/command-line.ts';
import { parseDocuments, type ParseProblem } from './documents.ts';
import { checkObjects } from './engine.ts';
import { formatJson, type JsonCheck } from './format/json.ts';
import { formatMarkdown } from './format/markdown.ts';
import { formatSarif } from './format/sarif.ts';
import { formatText } from './format/text.ts';
import { withParseProblems } from './parse-findings.ts';
import { RULES } from './rules/index.ts';
import { objectsOfCluster } from './cluster.ts';
import { at, str } from './objects.ts';
import type { CheckEnvironment, CheckResult, K8sObject, SourcedObject, Waiver } from './types.ts';
import { parseWaivers, WaiverFileError } from './waivers.ts';
import { isDate } from './dates.ts';

const ROOT = resolve(import.meta.dirname, '..');
const FORMATS = ['text', 'json', 'sarif', 'markdown'] as const;
type Format = (typeof FORMATS)[number];


function yamlFiles(path: string): string[] {
  if (!existsSync(path)) throw new UsageError(`${path}: no such file or directory`);
  if (statSync(path).isFile()) return [path];
  return readdirSync(path, { withFileTypes: true })
    .filter((e) => !e.name.startsWith('.') && e.name !== 'node_modules')
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .flatMap((e) => (e.isDirectory() ? yamlFiles(join(path, e.name)) : /\.ya?ml$/.test(e.name) ? [join(path, e.name)] : []));
}

function readObjects(paths: readonly string[]): { objects: SourcedObject[]; problems: ParseProblem[] } {
  const objects: SourcedObject[] = [];
  const problems: ParseProblem[] = [];
  for (const p of paths) {
    for (const file of yamlFiles(p)) {
      const shown = relative(process.cwd(), file) || file;
      const parsed = parseDocuments(readFileSync(file, 'utf8'), shown);
      objects.push(...parsed.objects);
      problems.push(...parsed.problems);
    }
  }
  return { objects, problems };
}

interface Check {
  readonly env: CheckEnvironment;
  readonly paths: readonly string[];
  readonly environmentOf?: (o: K8sObject) => CheckEnvironment | undefined;
  /** The cluster the environment is deployed to: its configuration, read from `paths`, is context. */
  readonly cluster?: { readonly name: string; readonly paths: readonly string[] };
}

/** The label our objects carry naming their environment (constructs/labels.ts). */
const ENVIRONMENT_LABEL = 'agent-platform.io/environment';

function plan(values: { env?: string; production?: boolean }, positionals: string[]): Check[] {
  const envDir = join(ROOT, 'environments');
  const envOf = (name: string): CheckEnvironment => {
    if (positionals.length === 0) environmentArguments([name], envDir);
    if (existsSync(join(envDir, `${name}.yaml`))) {
      const env = loadEnvironment(envDir, name);
      return { name, production: env.production || values.production === true, dns: { namespace: env.network.dnsNamespace, podLabels: env.network.dnsPodLabel } };
    }
    return { name, production: values.production === true };
  };
  if (positionals.length > 0) {
    return [{ env: values.env ? envOf(values.env) : { production: values.production === true }, paths: positionals }];
  }
  const names = values.env ? [values.env] : environmentNames(envDir);
  const generated = (name: string): string => relative(process.cwd(), join(ROOT, 'generated', name)) || '.';
  const allNames = new Set(environmentNames(envDir));
  const shared = existsSync(join(ROOT, 'generated')) ? readdirSync(join(ROOT, 'generated'), { withFileTypes: true }).filter((e) => e.isDirectory() && !allNames.has(e.name)).map((e) => e.name).sort() : [];
  // The cluster an environment runs on is configured in the shared directories (generated/argocd).
  const clusterOf = (name: string): Check['cluster'] => (allNames.has(name) ? { name: loadEnvironment(envDir, name).gitops.cluster.name, paths: shared.map(generated) } : undefined);
  const checks: Check[] = names.map((name) => {
    const cluster = clusterOf(name);
    return { env: envOf(name), paths: [generated(name)], ...(cluster ? { cluster } : {}) };
  });
  const envs = new Map(checks.map((c) => [c.env.name!, c.env]));
  if (values.env) return checks;
  // Directories shared by all environments (generated/argocd): each object is judged by the
  // environment its label names, the rest with non-production severities.
  for (const dir of shared) {
    // Named after the directory, so a waiver of one of its objects says `env: argocd` and is not
    // reported as unused by every environment's check.
    checks.push({ env: { name: dir, production: false }, paths: [generated(dir)], environmentOf: (o) => envs.get(str(at(o, 'metadata', 'labels', ENVIRONMENT_LABEL)) ?? '') });
  }
  return checks;
}

/** Whether `text` is a date that exists, written YYYY-MM-DD (2027-13-45 and 2026-02-30 are not). */
/** The root SARIF locations are relative to: the repository holding `path`, else `path`'s directory. */
function scanRoot(path: string): string {
  const dir = existsSync(path) && statSync(path).isFile() ? resolve(path, '..') : resolve(path);
  const git = spawnSync('git', ['-C', dir, 'rev-parse', '--show-toplevel'], { encoding: 'utf8' });
  return git.status === 0 ? git.stdout.trim() : dir;
}

function main(): number {
  const { values, positionals } = parseCommandLine(
    {
      env: { type: 'string' },
      format: { type: 'string', default: 'text' },
      waivers: { type: 'string' },
      production: { type: 'boolean' },
      today: { type: 'string' },
      output: { type: 'string' },
    },
    { allowPositionals: true },
  );
  const format = values.format as Format;
  if (!FORMATS.includes(format)) throw new UsageError(`--format ${values.format}: expected one of ${FORMATS.join(', ')}`);
  const today = values.today ?? new Date().toISOString().slice(0, 10);
  if (!isDate(today)) throw new UsageError(`--today ${today}: expected a date that exists, written YYYY-MM-DD`);
  if (values.waivers && !existsSync(values.waivers)) throw new UsageError(`--waivers ${values.waivers}: no such file`);
  const waiversFile = values.waivers ?? relative(process.cwd(), join(ROOT, 'policies', 'waivers.yaml'));
  const waiversText = existsSync(waiversFile) ? readFileSync(waiversFile, 'utf8') : undefined;
  const waivers: Waiver[] = waiversText === undefined ? [] : parseWaivers(waiversText, waiversFile, new Set(RULES.map((r) => r.id)));

  const runs: { check: Check; result: CheckResult; objects: number }[] = [];
  let failed = false;
  for (const check of plan(values, positionals)) {
    const { objects, problems } = readObjects(check.paths);
    if (objects.length === 0 && problems.length === 0) {
      throw new UsageError(`${check.paths.join(', ')}: no Kubernetes objects found; expected YAML files with apiVersion and kind (run \`npm run synth\` first?)`);
    }
    const context = check.cluster ? objectsOfCluster(readObjects(check.cluster.paths).objects.map((o) => o.object), check.cluster.name) : undefined;
    const checked = checkObjects(objects, { env: check.env, waivers, today, waiversFile, ...(waiversText !== undefined ? { waiversText } : {}), ...(check.environmentOf ? { environmentOf: check.environmentOf } : {}), ...(context ? { context } : {}) });
    const result = withParseProblems(checked, problems);
    if (result.errors > 0) failed = true;
    runs.push({ check, result, objects: objects.length });
  }

  const title = (c: Check): string => `${c.env.name ? `${c.env.name}${c.env.production ? ' (production)' : ''}` : 'directory'}: ${c.paths.join(', ')}`;
  let out: string;
  switch (format) {
    case 'text':
      out = runs.map((r) => formatText(r.result, `policy check of ${title(r.check)}, ${r.objects} object(s)`)).join('');
      break;
    case 'markdown':
      out = runs.map((r) => formatMarkdown(r.result, title(r.check))).join('\n');
      break;
    case 'json':
      out = formatJson(runs.map((r): JsonCheck => ({ ...(r.check.env.name ? { env: r.check.env.name } : {}), production: r.check.env.production, paths: r.check.paths, objects: r.objects, result: r.result })));
      break;
    case 'sarif':
      out = formatSarif(
        runs.map((r) => ({ result: r.result, env: r.check.env, id: r.check.env.name ?? r.check.paths.map((p) => basename(resolve(p))).join('+'), root: scanRoot(r.check.paths[0] ?? '.') })),
        RULES,
        'https://github.com/example/agent-platform-infra/tree/main/policies',
      );
      break;
  }
  if (values.output) writeFileSync(values.output, out);
  else process.stdout.write(out);
  return failed ? 1 : 0;
}

runCommand(
  'policy',
  () => {
    try {
      return main();
    } catch (e) {
      // An unreadable waivers file is a usage mistake too; its message lists every problem.
      if (!(e instanceof WaiverFileError)) throw e;
      console.error(`policy: ${e.message}`);
      return USAGE_EXIT;
    }
  },
  { environment: USAGE_EXIT },
);
