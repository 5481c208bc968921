/**
 * Reading environment files. `parseEnvironment` is pure (text in, validated data or an error out);
 * `loadEnvironment(s)` add the file system and are called only by entry points.
 *
 * Every problem in a file is reported, each on its own line, in the form
 * `environments/prod.yaml: api.autoscaling.minReplicas: expected a number ≥ 1, got "three"`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import yaml from 'js-yaml';
import { z } from 'zod';
import { crossEnvironmentProblems } from './cross-environment.ts';
import { environmentSchema, type Environment } from './schema/index.ts';
import { maskCredentials } from './schema/url-credentials.ts';
import { nearestWord } from '../tools/nearest-word.ts';

/** The directory of the environment files: the one list of environments every command and test reads. */
export const ENVIRONMENTS_DIR = join(import.meta.dirname);

/** An environment name: a DNS label, since it names a namespace suffix, a directory and an Argo CD Application. */
export const ENVIRONMENT_NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** One problem in one environment file. */
export interface EnvironmentProblem {
  readonly file: string;
  /** Dotted field path, `''` for the whole document. */
  readonly path: string;
  readonly message: string;
}

/** Thrown when an environment file cannot be used; `message` lists every problem, one per line. */
export class EnvironmentError extends Error {
  readonly problems: readonly EnvironmentProblem[];
  constructor(problems: readonly EnvironmentProblem[]) {
    super(problems.map((p) => `${p.file}: ${p.path ? `${p.path}: ` : ''}${p.message}`).join('\n'));
    this.name = 'EnvironmentError';
    this.problems = problems;
  }
}

/** `a.b[2].c` from a zod path. */
function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}

/** A value for a message: JSON, shortened, and with any credential in a URL masked. */
function show(value: unknown): string {
  if (value === undefined) return 'nothing (the field is missing)';
  const text = maskCredentials(JSON.stringify(value));
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

const TYPE_NAMES: Record<string, string> = {
  number: 'a number',
  int: 'a whole number',
  string: 'a string',
  boolean: 'true or false',
  object: 'a mapping',
  array: 'a list',
};

/** The "what was expected" half of a message, phrased to follow the word "expected". */
function expectation(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      // A schema's own wording (e.g. "a quantity in quotes") says more than the type name.
      return issue.message.startsWith('Invalid input') ? (TYPE_NAMES[issue.expected] ?? issue.expected) : issue.message;
    case 'too_small': {
      const op = issue.inclusive === false ? '>' : '≥';
      if (issue.origin === 'array') return `a list of at least ${issue.minimum} item(s)`;
      if (issue.origin === 'string') return `a string of at least ${issue.minimum} character(s)`;
      return `a number ${op} ${issue.minimum}`;
    }
    case 'too_big': {
      const op = issue.inclusive === false ? '<' : '≤';
      if (issue.origin === 'array') return `a list of at most ${issue.maximum} item(s)`;
      if (issue.origin === 'string') return `a string of at most ${issue.maximum} character(s)`;
      return `a number ${op} ${issue.maximum}`;
    }
    case 'invalid_value':
      return `one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'invalid_format':
      if (issue.format === 'url') return 'a URL';
      return issue.message.startsWith('Invalid') ? `a string in ${issue.format} format` : issue.message;
    default:
      return issue.message;
  }
}

type SchemaNode = Record<string, unknown>;

/** Properties of a schema node; for a union (`oneOf`/`anyOf`, e.g. a per-`mode` block) those of every member. */
function propertiesOf(node: SchemaNode | undefined): Record<string, SchemaNode> {
  const members = [...((node?.['oneOf'] as SchemaNode[] | undefined) ?? []), ...((node?.['anyOf'] as SchemaNode[] | undefined) ?? [])];
  return Object.assign({}, ...members.map(propertiesOf), (node?.['properties'] as Record<string, SchemaNode> | undefined) ?? {});
}

/** Keys the JSON Schema allows at a path, for "did you mean" hints on unknown keys. */
function allowedKeys(path: readonly PropertyKey[]): string[] {
  let node: SchemaNode | undefined = environmentJsonSchema();
  for (const key of path) {
    node = typeof key === 'number' ? (node?.['items'] as SchemaNode | undefined) : propertiesOf(node)[String(key)];
  }
  return Object.keys(propertiesOf(node));
}

function problemsOf(file: string, error: z.ZodError): EnvironmentProblem[] {
  const problems: EnvironmentProblem[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      const allowed = allowedKeys(issue.path);
      for (const key of issue.keys) {
        const near = nearestWord(key, allowed, { maxDistance: Math.max(2, Math.floor(key.length / 3)), ignoreCase: true });
        problems.push({
          file,
          path: formatPath([...issue.path, key]),
          message: `unknown key${near ? ` (did you mean "${near}"?)` : ''}; expected one of ${allowed.join(', ')}`,
        });
      }
      continue;
    }
    problems.push({ file, path: formatPath(issue.path), message: `expected ${expectation(issue)}, got ${show(issue.input)}` });
  }
  return problems;
}

/**
 * Validates the text of one environment file and fills in defaults.
 * @param file the path shown in messages, relative to the repository (e.g. `environments/prod.yaml`)
 * @throws EnvironmentError listing every problem found
 */
export function parseEnvironment(text: string, file: string): Environment {
  let data: unknown;
  try {
    data = yaml.load(text, { filename: file, schema: yaml.CORE_SCHEMA });
  } catch (e) {
    if (e instanceof yaml.YAMLException) {
      const where = e.mark ? `line ${e.mark.line + 1}, column ${e.mark.column + 1}` : '';
      throw new EnvironmentError([{ file, path: '', message: `not valid YAML (${where}): ${e.reason}` }]);
    }
    throw e;
  }
  const result = environmentSchema.safeParse(data, { reportInput: true });
  const problems = result.success ? [] : problemsOf(file, result.error);
  // The name is checked against the file name whatever else is wrong, so it is reported with the rest.
  const expectedName = basename(file).replace(/\.ya?ml$/, '');
  const name = typeof data === 'object' && data !== null ? (data as Record<string, unknown>)['name'] : undefined;
  if (typeof name === 'string' && name !== expectedName) {
    problems.push({ file, path: 'name', message: `expected ${JSON.stringify(expectedName)} (the file name), got ${show(name)}` });
  }
  if (!result.success || problems.length > 0) throw new EnvironmentError(problems);
  return result.data;
}

/** Reads and validates `dir/<name>.yaml`. Messages name the file relative to the working directory. */
export function loadEnvironment(dir: string, name: string): Environment {
  const path = join(dir, `${name}.yaml`);
  return parseEnvironment(readFileSync(path, 'utf8'), relative(process.cwd(), path) || path);
}

/**
 * The environments in `dir` from its `*.yaml` files, and the problems with the files that look like
 * environments but cannot be one: `.yml` files (refused rather than ignored, so nobody edits a
 * file that is never read) and file names that are not plain environment names.
 */
function environmentFiles(dir: string = ENVIRONMENTS_DIR): { names: string[]; problems: EnvironmentProblem[] } {
  const names: string[] = [];
  const problems: EnvironmentProblem[] = [];
  for (const f of readdirSync(dir).sort()) {
    const shown = relative(process.cwd(), join(dir, f)) || f;
    if (f.endsWith('.yml')) {
      problems.push({ file: shown, path: '', message: `expected the extension .yaml (environment files are environments/<name>.yaml); rename it to ${f.slice(0, -4)}.yaml` });
    } else if (f.endsWith('.yaml')) {
      const name = f.slice(0, -'.yaml'.length);
      if (ENVIRONMENT_NAME.test(name)) names.push(name);
      else problems.push({ file: shown, path: '', message: 'expected a file name that is a plain environment name (lower-case letters, digits and "-", like qa.yaml)' });
    }
  }
  return { names, problems };
}

/** Names of the environments in `dir`, sorted; throws when a file there cannot be an environment. */
export function environmentNames(dir: string = ENVIRONMENTS_DIR): string[] {
  const { names, problems } = environmentFiles(dir);
  if (problems.length > 0) throw new EnvironmentError(problems);
  return names;
}

/** Options of {@link loadEnvironments}. */
export interface LoadOptions {
  /** Namespaces cluster add-ons install into, which no environment may take. @default - none */
  readonly addOnNamespaces?: ReadonlySet<string>;
}

/**
 * Loads the environments `names` of `dir` (every one by default) and checks them against each
 * other. Problems in several files, with the file names and between the files are all collected
 * before throwing, so one run shows everything that needs fixing.
 */
export function loadEnvironments(dir: string = ENVIRONMENTS_DIR, names?: readonly string[], options: LoadOptions = {}): Environment[] {
  const listed = names === undefined ? environmentFiles(dir) : { names: [...names], problems: [] };
  const loaded: { file: string; env: Environment }[] = [];
  const problems: EnvironmentProblem[] = [...listed.problems];
  for (const name of listed.names) {
    const path = join(dir, `${name}.yaml`);
    const file = relative(process.cwd(), path) || path;
    try {
      loaded.push({ file, env: parseEnvironment(readFileSync(path, 'utf8'), file) });
    } catch (e) {
      if (!(e instanceof EnvironmentError)) throw e;
      problems.push(...e.problems);
    }
  }
  problems.push(...crossEnvironmentProblems(loaded, options.addOnNamespaces));
  if (problems.length > 0) throw new EnvironmentError(problems);
  return loaded.map((l) => l.env);
}

let jsonSchemaCache: Record<string, unknown> | undefined;

/** The JSON Schema of the environment format (input side: fields with defaults are optional). */
export function environmentJsonSchema(): Record<string, unknown> {
  jsonSchemaCache ??= z.toJSONSchema(environmentSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return jsonSchemaCache;
}
