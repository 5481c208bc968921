/**
 * What a `replace` to a local directory in a pinned module's go.mod stands for, by the rules the
 * tool's pin declares (`GoTool.localReplaces`). Kept apart from ./build.ts so the rule is tested
 * without running Go.
 */
import type { GoTool } from './pins.ts';

/** Whether `dir` (as go.mod writes it) matches `pattern`, where `*` is one path element. */
function matches(pattern: string, dir: string): boolean {
  const p = pattern.split('/');
  const d = dir.split('/');
  return p.length === d.length && p.every((part, i) => part === '*' ? d[i] !== '' && d[i] !== '.' && d[i] !== '..' : part === d[i]);
}

/**
 * The version of the replaced module that the local directory `dir` holds, or `null` when the
 * replace is a guard to drop. Throws, naming the tool, the directory and the file to edit, when no
 * rule of the pin matches.
 */
export function resolveLocalReplace(tool: Pick<GoTool, 'module' | 'version' | 'localReplaces'>, dir: string): string | null {
  const rule = (tool.localReplaces ?? []).find((r) => matches(r.dir, dir));
  if (!rule) {
    throw new Error(`${tool.module}@${tool.version}: go.mod replaces a module with the local directory "${dir}", which a wrapper module cannot repeat; say which published version it stands for in localReplaces of its entry in tools/go-tools/pins.ts`);
  }
  return rule.version;
}
