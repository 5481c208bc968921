/**
 * What every command (`synth`, `policy`, `diff`, `schema`, the benchmarks) does with its command
 * line: options parsed strictly, and a usage mistake reported in one line that names what was
 * expected, with exit status 2 and no stack trace. Errors in environment files are reported the
 * same way by the command that loads them.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ENVIRONMENT_NAME, EnvironmentError, environmentNames } from '../environments/load.ts';
import { nearestWord } from './nearest-word.ts';

/** A mistake on the command line: the message is one line saying what was expected. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Exit status of a usage mistake, for every command. */
export const USAGE_EXIT = 2;

type Options = NonNullable<ParseArgsConfig['options']>;

function optionList(options: Options): string {
  return Object.entries(options)
    .map(([name, o]) => (o.type === 'boolean' ? `--${name}` : `--${name} <value>`))
    .join(', ');
}

/**
 * `parseArgs` (strict), with its errors turned into one-line {@link UsageError}s.
 * @param args the arguments after the script name @default process.argv.slice(2)
 */
export function parseCommandLine<O extends Options>(options: O, config: { allowPositionals?: boolean; args?: string[] } = {}) {
  try {
    return parseArgs({ args: config.args ?? process.argv.slice(2), options, allowPositionals: config.allowPositionals ?? false, strict: true });
  } catch (e) {
    const code = (e as { code?: string }).code ?? '';
    if (!code.startsWith('ERR_PARSE_ARGS')) throw e;
    const message = (e as Error).message;
    const quoted = /'([^']+)'/.exec(message)?.[1] ?? '';
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      const near = nearestWord(quoted.replace(/^-+/, ''), Object.keys(options));
      throw new UsageError(`unknown option ${quoted}${near ? ` (did you mean --${near}?)` : ''}; expected ${optionList(options) || 'no options'}`);
    }
    if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') throw new UsageError(`unexpected argument ${JSON.stringify(quoted)}; expected ${optionList(options) || 'no arguments'}`);
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      const option = /--[a-z-]+/.exec(message)?.[0] ?? quoted;
      throw new UsageError(/argument missing/.test(message) ? `${option} needs a value` : `${option}: ${message.split('.')[0]}`);
    }
    throw new UsageError(message.split('\n')[0]!);
  }
}

/**
 * The environments named by `--env` options, checked: each a plain environment name that has a
 * file in `dir` (so `../environments/prod.yaml`, `prod,dev` and typos are usage mistakes).
 */
export function environmentArguments(requested: readonly string[], dir?: string, option = '--env'): string[] {
  const known = environmentNames(dir);
  for (const name of requested) {
    if (name.includes(',')) throw new UsageError(`${option} ${name}: expected one environment name per ${option} (one of ${known.join(', ')}); repeat ${option} for several`);
    if (!ENVIRONMENT_NAME.test(name)) throw new UsageError(`${option} ${name}: expected a plain environment name (one of ${known.join(', ')}), not a path`);
    if (!known.includes(name)) throw new UsageError(`${option} ${name}: expected one of ${known.join(', ')} (environments/<name>.yaml)`);
  }
  return [...new Set(requested)];
}

/** Exit statuses of {@link runCommand}, where a command documents its own. */
export interface ExitStatuses {
  /** A usage mistake. @default 2 */
  readonly usage?: number;
  /** Problems in the environment files. @default 1 */
  readonly environment?: number;
  /** Anything else (a defect; its stack trace is printed). @default 1 */
  readonly failure?: number;
}

/**
 * Runs a command's `main` and sets the exit status it returns. A {@link UsageError} prints one
 * line (`<command>: <message>`); an {@link EnvironmentError} prints its problems. Anything else is
 * a defect and keeps its stack trace.
 */
export function runCommand(command: string, main: () => number | Promise<number>, exits: ExitStatuses = {}): void {
  // exitCode, not process.exit(): exiting at once would cut off output still being written to a pipe.
  Promise.resolve()
    .then(main)
    .then(
      (code) => {
        process.exitCode = code;
      },
      (e: unknown) => {
        if (e instanceof UsageError) {
          console.error(`${command}: ${e.message}`);
          process.exitCode = exits.usage ?? USAGE_EXIT;
        } else if (e instanceof EnvironmentError) {
          console.error(`${command} failed: the environment files have problems:\n${e.message}`);
          process.exitCode = exits.environment ?? 1;
        } else {
          console.error(e);
          process.exitCode = exits.failure ?? 1;
        }
      },
    );
}

/** For commands that take no arguments: any argument is a one-line usage mistake, exit 2. */
export function expectNoArguments(command: string): void {
  try {
    parseCommandLine({});
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    console.error(`${command}: ${e.message}`);
    process.exit(USAGE_EXIT);
  }
}
