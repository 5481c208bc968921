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
import { environmentSchema, type Environment } from './schema/index.ts';

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

function show(value: unknown): string {
  if (value === undefined) return 'nothing (the field is missing)';
  const text = JSON.stringify(value);
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
      return TYPE_NAMES[issue.expected] ?? issue.expected;
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

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1]!.toLowerCase() === b[j - 1]!.toLowerCase() ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}

function problemsOf(file: string, error: z.ZodError): EnvironmentProblem[] {
  const problems: EnvironmentProblem[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      const allowed = allowedKeys(issue.path);
      for (const key of issue.keys) {
        const near = allowed
          .map((k) => ({ k, d: editDistance(key, k) }))
          .filter((c) => c.d <= Math.max(2, Math.floor(key.length / 3)))
          .sort((x, y) => x.d - y.d)[0];
        problems.push({
          file,
          path: formatPath([...issue.path, key]),
          message: `unknown key${near ? ` (did you mean "${near.k}"?)` : ''}; expected one of ${allowed.join(', ')}`,
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
  if (!result.success) throw new EnvironmentError(problemsOf(file, result.error));
  const expectedName = basename(file).replace(/\.ya?ml$/, '');
  if (result.data.name !== expectedName) {
    throw new EnvironmentError([
      { file, path: 'name', message: `expected ${JSON.stringify(expectedName)} (the file name), got ${show(result.data.name)}` },
    ]);
  }
  return result.data;
}

/** Reads and validates `dir/<name>.yaml`. Messages name the file relative to the working directory. */
export function loadEnvironment(dir: string, name: string): Environment {
  const path = join(dir, `${name}.yaml`);
  return parseEnvironment(readFileSync(path, 'utf8'), relative(process.cwd(), path) || path);
}

/** Names of the environments in `dir`, sorted, from its `*.yaml` files. */
export function environmentNames(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.slice(0, -'.yaml'.length))
    .sort();
}

/**
 * Loads every environment in `dir`. Problems in several files are all collected before throwing,
 * so one run shows everything that needs fixing.
 */
export function loadEnvironments(dir: string, names: readonly string[] = environmentNames(dir)): Environment[] {
  const envs: Environment[] = [];
  const problems: EnvironmentProblem[] = [];
  for (const name of names) {
    try {
      envs.push(loadEnvironment(dir, name));
    } catch (e) {
      if (!(e instanceof EnvironmentError)) throw e;
      problems.push(...e.problems);
    }
  }
  if (problems.length > 0) throw new EnvironmentError(problems);
  return envs;
}

let jsonSchemaCache: Record<string, unknown> | undefined;

/** The JSON Schema of the environment format (input side: fields with defaults are optional). */
export function environmentJsonSchema(): Record<string, unknown> {
  jsonSchemaCache ??= z.toJSONSchema(environmentSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return jsonSchemaCache;
}
