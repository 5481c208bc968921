/**
 * Comparing a rendering with the output directory, and replacing the directory with it. Used by
 * the synth entry point and its tests; nothing here runs on import.
 *
 * Replacing is atomic at every instant: the new tree is written in full beside `generated/`
 * (`.generated.synth-<pid>`, same file system) and then swapped with it in one
 * `renameat2(RENAME_EXCHANGE)` system call, the only Linux primitive that exchanges two non-empty
 * directories atomically. Node has no binding for it, so the call is made through Perl's `syscall`
 * (perl-base is part of every Debian and Ubuntu system). Until the exchange the directory is the
 * old tree; from it on, the new one; the old tree, now at the staging path, is deleted after. A
 * run that is killed leaves only the staging directory, which the next run removes.
 *
 * Writing file by file with renames would leave groups mixing old and new files; renaming the
 * old tree away and the new one in leaves an instant with no `generated/`; a symlink is no
 * option, since `generated/` is committed and read by Argo CD from git. Where the exchange is not
 * available (not Linux, or a file system without it) that last two-rename swap is the fallback,
 * and the next run restores the old tree if a run died between the two renames.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** What a rendering would write: paths relative to the output directory, `<group>/<file>`. */
export interface OutputFile {
  readonly path: string;
  readonly content: string;
}

/** How one file (or directory, ending in `/`) on disk differs from the rendering. */
export interface FileDifference {
  readonly path: string;
  readonly change: 'changed' | 'missing' | 'stale';
}

function groupOf(path: string): string {
  const slash = path.indexOf('/');
  if (slash <= 0) throw new Error(`output path ${JSON.stringify(path)} is not inside a group directory`);
  return path.slice(0, slash);
}

/** Files under `dir`, and directories holding nothing (as `name/`), relative to it. */
function listEntries(dir: string, prefix = ''): string[] {
  if (!existsSync(dir)) return [];
  const entries = readdirSync(dir, { withFileTypes: true });
  if (entries.length === 0 && prefix) return [prefix];
  return entries.flatMap((e) => (e.isDirectory() ? listEntries(join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`]));
}

const byPath = (a: FileDifference, b: FileDifference) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

/**
 * Differences between `files` and what `outDir` holds. By default only within the groups the
 * files belong to (plus `groups`, for a group that renders nothing); with `whole`, anything else
 * in `outDir` (another directory, a stray file at the top) is `stale` too. Sorted by path.
 */
export function compareWithDirectory(files: readonly OutputFile[], outDir: string, groups: readonly string[] = [], options: { whole?: boolean } = {}): FileDifference[] {
  const wanted = new Map(files.map((f) => [f.path, f.content]));
  const allGroups = new Set([...groups, ...files.map((f) => groupOf(f.path))]);
  const diffs: FileDifference[] = [];
  const scope = options.whole ? listEntries(outDir) : [...allGroups].flatMap((g) => listEntries(join(outDir, g), `${g}/`));
  for (const path of scope) {
    const content = wanted.get(path);
    if (content === undefined) {
      if (!(path.endsWith('/') && allGroups.has(path.slice(0, -1)))) diffs.push({ path, change: 'stale' });
    } else if (readFileSync(join(outDir, path), 'utf8') !== content) diffs.push({ path, change: 'changed' });
  }
  for (const [path] of wanted) {
    if (!existsSync(join(outDir, path))) diffs.push({ path, change: 'missing' });
  }
  return diffs.sort(byPath);
}

/** `renameat2` system call numbers (asm-generic: arm64; x86_64 has its own table). */
const RENAMEAT2: Readonly<Partial<Record<NodeJS.Architecture, number>>> = { x64: 316, arm64: 276, riscv64: 276 };
const AT_FDCWD = -100;
const RENAME_EXCHANGE = 2;

/**
 * Exchanges two existing directories atomically. `false` when this system cannot (not Linux, no
 * Perl, or a file system without RENAME_EXCHANGE); throws on any other failure.
 */
function exchangeDirectories(a: string, b: string): boolean {
  const nr = RENAMEAT2[process.arch];
  if (process.platform !== 'linux' || nr === undefined || process.env['AGENT_PLATFORM_NO_EXCHANGE'] === '1') return false;
  const run = spawnSync('perl', ['-e', `syscall(${nr}, ${AT_FDCWD}, $ARGV[0], ${AT_FDCWD}, $ARGV[1], ${RENAME_EXCHANGE}) == 0 or do { print STDERR $!+0; exit 3 }`, a, b], { encoding: 'utf8' });
  if (run.error) return false;
  if (run.status === 0) return true;
  const errno = Number(run.stderr.trim());
  // EINVAL: flags not supported by the file system; ENOSYS: kernel before 3.15.
  if (errno === 22 || errno === 38) return false;
  throw new Error(`exchanging ${a} and ${b} failed (errno ${run.stderr.trim() || run.status})`);
}

/** Test hook: kill this process at a named step, to prove the output survives it. */
function killPoint(step: string): void {
  if (process.env['AGENT_PLATFORM_SYNTH_KILL_AT'] === step) process.kill(process.pid, 'SIGKILL');
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes what interrupted runs left beside `outDir` (their staging trees, and the `.old` tree of
 * a fallback swap, which is first put back when `outDir` itself is missing), skipping runs that
 * are still alive. Returns the names removed.
 */
export function cleanLeftovers(outDir: string): string[] {
  const parent = dirname(outDir);
  const base = basename(outDir);
  if (!existsSync(parent)) return [];
  const mine = new RegExp(`^\\.${base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.synth-([0-9]+)(\\.old)?$`);
  // Earlier versions staged into `generated.staging-<pid>-<ms>` and `generated.old-<pid>-<ms>`.
  const legacy = new RegExp(`^${base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.(staging|old)-([0-9]+)-[0-9]+$`);
  const removed: string[] = [];
  for (const name of readdirSync(parent).sort()) {
    const ours = mine.exec(name);
    const old = legacy.exec(name);
    if (!ours && !old) continue;
    const pid = Number(ours ? ours[1] : old![2]);
    if (pid !== process.pid && processAlive(pid)) continue;
    const oldTree = ours ? ours[2] === '.old' : old![1] === 'old';
    if (oldTree && !existsSync(outDir)) renameSync(join(parent, name), outDir);
    else rmSync(join(parent, name), { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}

/**
 * Replaces `outDir` with a tree holding exactly `files` (and an empty directory per name in
 * `groups` that has none), plus the entries of the current `outDir` that `keep` selects (those
 * are copied). Atomic at every instant where the system can exchange directories (see above);
 * a failure before the exchange leaves `outDir` as it was.
 */
export function replaceTree(files: readonly OutputFile[], outDir: string, options: { groups?: readonly string[]; keep?: (entry: string) => boolean } = {}): void {
  const out = outDir.replace(/\/+$/, '');
  cleanLeftovers(out);
  const staging = join(dirname(out), `.${basename(out)}.synth-${process.pid}`);
  rmSync(staging, { recursive: true, force: true });
  try {
    mkdirSync(staging, { recursive: true });
    for (const g of new Set([...(options.groups ?? []), ...files.map((f) => groupOf(f.path))])) mkdirSync(join(staging, g), { recursive: true });
    for (const f of files) {
      const target = join(staging, f.path);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, f.content);
    }
    if (options.keep && existsSync(out)) {
      for (const entry of readdirSync(out)) {
        if (!existsSync(join(staging, entry)) && options.keep(entry)) cpSync(join(out, entry), join(staging, entry), { recursive: true });
      }
    }
  } catch (e) {
    rmSync(staging, { recursive: true, force: true });
    throw e;
  }
  killPoint('staged');
  if (!existsSync(out)) {
    mkdirSync(dirname(out), { recursive: true });
    renameSync(staging, out);
    return;
  }
  if (exchangeDirectories(staging, out)) {
    killPoint('exchanged');
  } else {
    const old = `${staging}.old`;
    renameSync(out, old);
    killPoint('half-swapped');
    renameSync(staging, out);
    renameSync(old, staging);
  }
  rmSync(staging, { recursive: true, force: true });
}
