/**
 * `npm run tools:build`: builds every Go tool pinned in ./pins.ts that is not in the cache yet,
 * and prints where each binary is. A second run finds them and builds nothing.
 *
 * Each tool is built in a throwaway wrapper module that requires the pinned module version and
 * repeats that module's own `replace` and `exclude` directives. `go install module/cmd/x@version`
 * refuses modules whose go.mod has either (Prometheus has both: `replace cloud.google.com/go`,
 * excluded linodego versions), and repeating them makes the wrapper resolve exactly the
 * dependency versions upstream's own build uses. A replace to a local directory (k8s.io/kubernetes'
 * staging modules, etcd's sibling modules) cannot be repeated: the directory is in upstream's
 * repository, not in the module zip. The tool's pin says which published version the directory
 * stands for (`localReplaces`, see ./local-replaces.ts), and the wrapper replaces the module with
 * that version. One technique for every module, with or without directives, so adding a tool is
 * one entry in pins.ts. The wrapper's go.sum starts as the module's
 * own: the build then verifies every dependency against the hashes upstream released with, which
 * also covers dependencies the checksum database does not know (np-guard's github.com/np-guard/models).
 *
 * The Go toolchain is the machine's (`GOTOOLCHAIN=local` unless the caller set GOTOOLCHAIN): a
 * module that needs a newer Go fails with go's own message rather than fetching a toolchain.
 */
import { execFileSync, type ExecFileSyncOptions } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { resolveLocalReplace } from './local-replaces.ts';
import { commandNames, GO_TOOLS, type GoTool, goToolDir, goToolsCache, localCommandDir } from './pins.ts';

/** Marker written last: a directory without it is an interrupted build and is rebuilt. */
const COMPLETE = '.complete';

interface GoModJson {
  Go?: { Version: string };
  Replace?: { Old: { Path: string; Version?: string }; New: { Path: string; Version?: string } }[];
  Exclude?: { Path: string; Version: string }[];
}

const goEnv: NodeJS.ProcessEnv = { ...process.env, GOTOOLCHAIN: process.env['GOTOOLCHAIN'] || 'local', GOWORK: 'off' };

function go(args: string[], cwd: string, opts: ExecFileSyncOptions = {}): string {
  try {
    return execFileSync('go', args, { cwd, env: goEnv, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...opts }) as string;
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: string };
    if (err.code === 'ENOENT') throw new Error('go not found on PATH: install Go 1.26 (docs/go-tools.md)');
    throw new Error(`go ${args.join(' ')} failed in ${cwd}:\n${err.stderr ?? err.message}`);
  }
}

function seconds(since: bigint): string {
  return `${(Number(process.hrtime.bigint() - since) / 1e9).toFixed(1)}s`;
}

const at = (p: string, v?: string): string => (v ? `${p}@${v}` : p);

/** `go mod edit` flags that repeat the module's own replace and exclude directives. */
function upstreamDirectives(tool: GoTool, cwd: string): { goVersion: string; flags: string[]; goSum: string; moduleDir: string } {
  const info = JSON.parse(go(['mod', 'download', '-json', `${tool.module}@${tool.version}`], cwd)) as { GoMod: string; Dir: string };
  const mod = JSON.parse(go(['mod', 'edit', '-json', info.GoMod], cwd)) as GoModJson;
  const flags: string[] = [];
  for (const r of mod.Replace ?? []) {
    const version = r.New.Version ?? resolveLocalReplace(tool, r.New.Path);
    if (version === null) continue;
    const target = r.New.Version ? r.New.Path : r.Old.Path;
    flags.push(`-replace=${at(r.Old.Path, r.Old.Version)}=${at(target, version)}`);
  }
  for (const x of mod.Exclude ?? []) flags.push(`-exclude=${x.Path}@${x.Version}`);
  const sum = join(info.Dir, 'go.sum');
  return { goVersion: mod.Go?.Version ?? '1.21', flags, goSum: existsSync(sum) ? readFileSync(sum, 'utf8') : '', moduleDir: info.Dir };
}

/**
 * Package of a command: the module itself when its main package is the module root (`.`), or our
 * own package (`localCommands`) copied into the wrapper module.
 */
function commandPackage(tool: GoTool, name: string): string {
  const local = tool.localCommands?.[name];
  if (local !== undefined) return `./${local}`;
  const dir = tool.commands[name]!;
  return dir === '.' ? tool.module : `${tool.module}/${dir}`;
}

/**
 * Copies the command's directory (its files) into the wrapper and runs upstream's generator there
 * (`GoTool.generate`); returns the package to build, `./cmd/<name>`.
 */
function generateCommand(tool: GoTool, name: string, step: NonNullable<GoTool['generate']>[string], moduleDir: string, wrapper: string): string {
  const from = join(moduleDir, tool.commands[name]!);
  const to = join(wrapper, 'cmd', name);
  mkdirSync(to, { recursive: true });
  for (const f of readdirSync(from, { withFileTypes: true })) {
    // Module cache files are read-only; the generator writes beside them.
    if (f.isFile()) writeFileSync(join(to, f.name), readFileSync(join(from, f.name)));
  }
  go(['run', step.script], to, { env: { ...goEnv, ...step.env } });
  return `./cmd/${name}`;
}

function build(tool: GoTool): void {
  const dir = goToolDir(tool);
  const names = commandNames(tool);
  if (existsSync(join(dir, COMPLETE)) && names.every((n) => existsSync(join(dir, n)))) {
    for (const n of names) console.log(`${n}: ${join(dir, n)} (cached)`);
    return;
  }
  const wrapper = mkdtempSync(join(tmpdir(), 'go-tool-wrapper-'));
  const staging = `${dir}.partial-${process.pid}`;
  try {
    const t0 = process.hrtime.bigint();
    writeFileSync(join(wrapper, 'go.mod'), 'module agent-platform.local/go-tool-wrapper\n');
    const { goVersion, flags, goSum, moduleDir } = upstreamDirectives(tool, wrapper);
    go(['mod', 'edit', `-go=${goVersion}`, ...flags], wrapper);
    writeFileSync(join(wrapper, 'go.sum'), goSum);
    for (const dir of Object.values(tool.localCommands ?? {})) cpSync(localCommandDir(dir), join(wrapper, dir), { recursive: true });
    // Resolves the module's requirement graph and downloads what the commands import (the module
    // download part of a cold build). Our own packages resolve their imports against the pinned module.
    const upstream = Object.keys(tool.commands).map((n) => `${commandPackage(tool, n)}@${tool.version}`);
    const ours = Object.values(tool.localCommands ?? {}).map((d) => `./${d}`);
    go(['get', ...(ours.length ? [`${tool.module}@${tool.version}`] : []), ...upstream, ...ours], wrapper);
    const targets = new Map(names.map((n) => [n, commandPackage(tool, n)]));
    for (const [n, step] of Object.entries(tool.generate ?? {})) targets.set(n, generateCommand(tool, n, step, moduleDir, wrapper));
    const fetched = seconds(t0);
    const t1 = process.hrtime.bigint();
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging, { recursive: true });
    const ldflags = ['-s', '-w', ...Object.entries(tool.ldflags ?? {}).map(([k, v]) => `-X=${k}=${v}`)].join(' ');
    for (const n of names) {
      go(['build', '-trimpath', `-ldflags=${ldflags}`, '-o', join(staging, n), targets.get(n)!], wrapper);
    }
    writeFileSync(join(staging, COMPLETE), `${tool.module}@${tool.version} built by ${go(['version'], wrapper).trim()}\n`);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dirname(dir), { recursive: true });
    renameSync(staging, dir);
    for (const n of names) console.log(`${n}: ${join(dir, n)} (built: modules ${fetched}, compile ${seconds(t1)})`);
  } finally {
    rmSync(wrapper, { recursive: true, force: true });
    rmSync(staging, { recursive: true, force: true });
  }
}

try {
  console.log(`Go tools cache: ${goToolsCache()}`);
  // `npm run tools:build -- <binary>...` builds only the tools providing those binaries.
  const only = process.argv.slice(2);
  const unknown = only.filter((n) => !GO_TOOLS.some((t) => commandNames(t).includes(n)));
  if (unknown.length) throw new Error(`no pinned tool builds ${unknown.join(', ')} (tools/go-tools/pins.ts)`);
  for (const tool of GO_TOOLS) if (only.length === 0 || commandNames(tool).some((n) => only.includes(n))) build(tool);
} catch (e) {
  console.error(`tools:build: ${(e as Error).message}`);
  process.exit(1);
}
