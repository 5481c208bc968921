/**
 * Upstream source trees in the Go module cache: the harness reads what it loads into the control
 * plane (kwok's stages, the add-ons' CRDs) from the module at its pinned version, downloaded from
 * the Go module proxy like the tools of tools/go-tools/, never from a copy in this repository.
 */
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';

const dirs = new Map<string, string>();

/** Directory of `module@version` in the module cache, downloading it when missing. */
export function goModuleDir(module: string, version: string): string {
  const key = `${module}@${version}`;
  const known = dirs.get(key);
  if (known) return known;
  let out: string;
  try {
    out = execFileSync('go', ['mod', 'download', '-json', key], {
      cwd: tmpdir(),
      encoding: 'utf8',
      env: { ...process.env, GOTOOLCHAIN: process.env['GOTOOLCHAIN'] || 'local', GOWORK: 'off', GOFLAGS: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stdout?: string; stderr?: string };
    if (err.code === 'ENOENT') throw new Error(`go not found on PATH: the cluster harness reads ${key} from the Go module cache (install Go 1.26)`);
    const reported = (err.stdout && (JSON.parse(err.stdout) as { Error?: string }).Error) || err.stderr || err.message;
    throw new Error(`go mod download ${key}: ${reported}`);
  }
  const info = JSON.parse(out) as { Dir?: string; Error?: string };
  if (!info.Dir) throw new Error(`go mod download ${key}: ${info.Error ?? 'no directory reported'}`);
  dirs.set(key, info.Dir);
  return info.Dir;
}
