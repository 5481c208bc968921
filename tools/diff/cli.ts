/**
 * Entry point: `npm run diff [-- options]`. Compares two renderings object by object and flags
 * what is risky.
 *
 *   npm run diff                              committed generated/ at the merge base → fresh synth
 *   npm run diff -- --base v1.2.0             committed generated/ at a ref → fresh synth
 *   npm run diff -- --from a/ --to b/         two directories laid out like generated/
 *   npm run diff -- --envs staging,prod       how prod differs from staging (fresh synth, or --to)
 *   npm run diff -- --format markdown --output diff.md
 *   npm run diff -- --format json             summaries and risks, for programs
 *
 * Exit codes: 0 nothing changed; 1 changes, none risky; 2 risky changes (immutable field,
 * stateful deletion, an edge change that can take the service off the air, weakened production);
 * 3 the diff could not be computed, including a usage mistake (reported in one line, like every
 * command's). Usage takes 3 here, not 2 as elsewhere, because 2 already means "risky" and the
 * workflows accept exit statuses up to 2.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { EnvironmentError } from '../../environments/load.ts';
import { parseCommandLine, runCommand, UsageError } from '../command-line.ts';
import type { Resource } from './compare.ts';
import { addedWaiverRisks } from './waivers.ts';
import { asEnvironment, defaultBaseRef, fileAtRef, fromDirectory, fromGitRef, fromWorkingTree, productionEnvironments } from './rendering.ts';
import { EXIT, buildReport, exitCodeOf, formatJson, formatMarkdown, formatText } from './report.ts';

const ROOT = join(import.meta.dirname, '..', '..');

/** Policy waivers; an added one is a risk like any weakening of production. */
const WAIVERS = 'policies/waivers.yaml';

const USAGE = `usage: npm run diff -- [--base <ref> | --from <dir>] [--to <dir>] [--envs <a>,<b>] [--format text|markdown|json] [--output <file>]`;

async function main(): Promise<number> {
  const { values } = parseCommandLine({
    base: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    envs: { type: 'string' },
    format: { type: 'string', default: 'text' },
    output: { type: 'string' },
    environments: { type: 'string', default: join(ROOT, 'environments') },
    help: { type: 'boolean', default: false },
  });
  if (values.help) {
    console.log(USAGE);
    return EXIT.unchanged;
  }
  if (values.format !== 'text' && values.format !== 'markdown' && values.format !== 'json') throw new UsageError(`--format must be text, markdown or json, got ${JSON.stringify(values.format)}`);
  if (values.base && values.from) throw new UsageError('--base and --from both name the old rendering; give one');

  const head = async (): Promise<{ label: string; resources: Resource[] }> =>
    values.to ? { label: values.to, resources: fromDirectory(resolve(values.to)) } : { label: 'working tree (fresh synth)', resources: await fromWorkingTree(values.environments) };

  let base: { label: string; resources: Resource[] };
  let waiversBefore: string | undefined;
  let waiversAfter: string | undefined;
  let next: { label: string; resources: Resource[] };
  if (values.envs) {
    const [a, b, ...rest] = values.envs.split(',').map((s) => s.trim());
    if (!a || !b || rest.length) throw new UsageError(`--envs takes two environment names like staging,prod, got ${JSON.stringify(values.envs)}`);
    const source = values.from ? { label: values.from, resources: fromDirectory(resolve(values.from)) } : await head();
    const known = new Set(source.resources.map((r) => r.env));
    for (const e of [a, b]) if (!known.has(e)) throw new UsageError(`environment ${e} is not in ${source.label} (it has ${[...known].sort().join(', ')})`);
    const bNamespace = source.resources.find((r) => r.env === b && r.kind === 'Namespace')?.name;
    base = { label: `${a} (${source.label})`, resources: asEnvironment(source.resources, a, b, bNamespace) };
    next = { label: b, resources: source.resources.filter((r) => r.env === b) };
  } else {
    if (values.from) base = { label: values.from, resources: fromDirectory(resolve(values.from)) };
    else {
      const ref = values.base ?? defaultBaseRef(ROOT);
      base = { label: `generated/ at ${ref.length === 40 ? ref.slice(0, 12) : ref}`, resources: fromGitRef(ROOT, ref) };
      waiversBefore = fileAtRef(ROOT, ref, WAIVERS);
      waiversAfter = existsSync(join(ROOT, WAIVERS)) ? readFileSync(join(ROOT, WAIVERS), 'utf8') : undefined;
    }
    next = await head();
  }

  const production = productionEnvironments(values.environments);
  const report = buildReport(base, next, production, addedWaiverRisks(waiversBefore, waiversAfter, production));
  const text = values.format === 'markdown' ? formatMarkdown(report) : values.format === 'json' ? formatJson(report) : formatText(report);
  if (values.output) writeFileSync(values.output, text);
  else process.stdout.write(text);
  return exitCodeOf(report);
}

runCommand(
  'diff',
  async () => {
    try {
      return await main();
    } catch (e) {
      if (e instanceof UsageError || e instanceof EnvironmentError) throw e;
      // A git ref that does not exist, an unreadable directory: say what, without our stack.
      console.error(`diff failed: ${e instanceof Error ? e.message : String(e)}`);
      return EXIT.error;
    }
  },
  { usage: EXIT.error, environment: EXIT.error },
);
