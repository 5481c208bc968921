/**
 * For the monitoring tests: the rendered monitoring files of an environment, written into a temp
 * directory laid out as the pods mount them, and the real tools run on them.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yaml from 'js-yaml';
import type { Manifest } from '../../kube/object.ts';

/** Data of the ConfigMap `name` among rendered manifests. */
export function configMapData(manifests: readonly Manifest[], name: string): Record<string, string> {
  const cm = manifests.find((m) => m.kind === 'ConfigMap' && m.metadata.name === name);
  if (!cm) throw new Error(`no ConfigMap ${name} was rendered`);
  return cm['data'] as Record<string, string>;
}

/** A fresh temp directory. */
export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `${prefix}-`));
}

/** Writes `files` (path relative to `dir` -> content), creating directories. */
export function writeFiles(dir: string, files: Readonly<Record<string, string>>): void {
  for (const [path, content] of Object.entries(files)) {
    const full = join(dir, path);
    mkdirSync(join(full, '..'), { recursive: true });
    writeFileSync(full, content);
  }
}

export interface ToolResult {
  readonly code: number;
  readonly output: string;
}

/**
 * A tool's time limit: a safety net against a hung process, not a speed check. promtool's rule tests
 * take seconds on an idle machine and over a minute on a loaded 2-core one; below the test timeout
 * (vitest.config.ts), so a slow run reports itself rather than vitest's bare timeout.
 */
const TOOL_TIMEOUT_MS = 170_000;

/** Runs a tool, returning its exit code and combined output instead of throwing. */
export function run(binary: string, args: readonly string[], cwd?: string): ToolResult {
  try {
    const out = execFileSync(binary, [...args], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: TOOL_TIMEOUT_MS });
    return { code: 0, output: out };
  } catch (e) {
    const err = e as { status?: number | null; code?: string; stdout?: string; stderr?: string };
    // A killed process has no exit status, and what it printed so far may be only SUCCESS lines.
    const killed = err.code === 'ETIMEDOUT' ? `\n${binary} killed after ${TOOL_TIMEOUT_MS / 1000} s` : '';
    return { code: err.status ?? 1, output: `${err.stdout ?? ''}${err.stderr ?? ''}${killed}` };
  }
}

export function toYaml(o: unknown): string {
  return yaml.dump(o, { lineWidth: -1, noRefs: true });
}
