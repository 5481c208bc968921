/**
 * Comparing rendered files with a directory, and replacing directories atomically. Used by the
 * synth entry point and its tests; nothing here is run on import.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** What a rendering would write: paths relative to the output directory, `<group>/<file>`. */
export interface OutputFile {
  readonly path: string;
  readonly content: string;
}

/** How one file on disk differs from the rendering. */
export interface FileDifference {
  readonly path: string;
  readonly change: 'changed' | 'missing' | 'stale';
}

function groupOf(path: string): string {
  const slash = path.indexOf('/');
  if (slash <= 0) throw new Error(`output path ${JSON.stringify(path)} is not inside a group directory`);
  return path.slice(0, slash);
}

function listFiles(dir: string, prefix = ''): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listFiles(join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`],
  );
}

/**
 * Differences between `files` and what `outDir` holds, within the groups the files belong to (plus
 * `groups`, for a group that now renders nothing). Sorted by path.
 */
export function compareWithDirectory(files: readonly OutputFile[], outDir: string, groups: readonly string[] = []): FileDifference[] {
  const wanted = new Map(files.map((f) => [f.path, f.content]));
  const allGroups = new Set([...groups, ...files.map((f) => groupOf(f.path))]);
  const diffs: FileDifference[] = [];
  for (const group of allGroups) {
    for (const rel of listFiles(join(outDir, group))) {
      const path = `${group}/${rel}`;
      const content = wanted.get(path);
      if (content === undefined) diffs.push({ path, change: 'stale' });
      else if (readFileSync(join(outDir, path), 'utf8') !== content) diffs.push({ path, change: 'changed' });
    }
  }
  for (const [path] of wanted) {
    if (!existsSync(join(outDir, path))) diffs.push({ path, change: 'missing' });
  }
  return diffs.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/**
 * Replaces each group directory under `outDir` with exactly `files`. Everything is written to a
 * staging directory first; only when all of it is on disk are the group directories swapped in by
 * rename, and a failed swap is rolled back, so a failing run leaves `outDir` as it was.
 */
export function writeGroupsAtomically(files: readonly OutputFile[], outDir: string, groups: readonly string[] = []): void {
  const allGroups = [...new Set([...groups, ...files.map((f) => groupOf(f.path))])].sort();
  const token = `${process.pid}-${Date.now()}`;
  const staging = `${outDir.replace(/\/+$/, '')}.staging-${token}`;
  const old = `${outDir.replace(/\/+$/, '')}.old-${token}`;
  try {
    for (const f of files) {
      const target = join(staging, f.path);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, f.content);
    }
    for (const g of allGroups) mkdirSync(join(staging, g), { recursive: true });
    mkdirSync(outDir, { recursive: true });
    mkdirSync(old, { recursive: true });
    const swapped: string[] = [];
    try {
      for (const g of allGroups) {
        const live = join(outDir, g);
        if (existsSync(live)) renameSync(live, join(old, g));
        swapped.push(g);
        renameSync(join(staging, g), live);
      }
    } catch (e) {
      for (const g of swapped.reverse()) {
        const live = join(outDir, g);
        if (existsSync(join(old, g))) {
          rmSync(live, { recursive: true, force: true });
          renameSync(join(old, g), live);
        }
      }
      throw e;
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
    rmSync(old, { recursive: true, force: true });
  }
}
