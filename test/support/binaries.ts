/**
 * Tests that run real tools (PostgreSQL, Redis, promtool, amtool) find them here. Where a tool is
 * missing on a developer's machine its tests are reported as skipped, with the reason in the title
 * and on stderr; in CI (`CI=true`) a missing tool fails the run instead. Nothing is skipped silently.
 */
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { describe, it } from 'vitest';
import { commandNames, GO_TOOLS, type GoToolName, goToolPath } from '../../tools/go-tools/pins.ts';

/** Directories searched besides PATH (Debian keeps the PostgreSQL server binaries outside it). */
const EXTRA_DIRS = ['/usr/lib/postgresql/17/bin', '/usr/lib/postgresql/16/bin', '/usr/lib/postgresql/15/bin', '/usr/sbin', '/usr/bin'];

/** Names built by `npm run tools:build` at pinned versions (promtool, amtool, ...). */
const GO_TOOL_NAMES = new Set(GO_TOOLS.flatMap(commandNames));

/**
 * Absolute path of an executable, or undefined. A tool pinned in tools/go-tools/pins.ts is taken
 * only from the build cache, never from PATH: another release (Debian's promtool 2.42, built
 * without Kubernetes service discovery) would check our configuration against the wrong server.
 */
export function findBinary(name: string): string | undefined {
  if (GO_TOOL_NAMES.has(name)) {
    const built = goToolPath(name as GoToolName);
    return existsSync(built) ? built : undefined;
  }
  const dirs = [...(process.env['PATH'] ?? '').split(delimiter), ...EXTRA_DIRS];
  for (const dir of dirs) {
    if (!dir) continue;
    const candidate = join(dir, name);
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** Under CI a missing tool fails the run; elsewhere its tests are skipped with the reason. */
export const IN_CI = process.env['CI'] === 'true' || process.env['CI'] === '1';

/**
 * A `describe` block that needs real binaries. `fn` receives their absolute paths.
 * @param install how to get them, shown when they are missing (e.g. `apt-get install postgresql`)
 */
export function describeWithBinaries(
  title: string,
  names: readonly string[],
  install: string,
  fn: (paths: Record<string, string>) => void,
): void {
  const paths: Record<string, string> = {};
  const missing: string[] = [];
  for (const n of names) {
    const p = findBinary(n);
    if (p) paths[n] = p;
    else missing.push(n);
  }
  if (missing.length === 0) {
    describe(title, () => fn(paths));
    return;
  }
  const reason = `${missing.join(', ')} not found; ${install}`;
  if (IN_CI) {
    describe(title, () => {
      it('has the tools it runs', () => {
        throw new Error(`CI=true and ${reason}`);
      });
    });
    return;
  }
  process.stderr.write(`skipped "${title}": ${reason}\n`);
  describe.skip(`${title} [skipped: ${reason}]`, () => {
    it('needs real tools', () => undefined);
  });
}
