// The Node.js binary package-lock.json locks for this platform (README.md, "Two commands"). npm
// installs it from optionalDependencies and, as for any optional package, skips it without a word
// when its download or integrity check fails (`npm ci --loglevel=verbose` says "reify failed
// optional dependency"): the install would succeed and every script would run on the system's Node
// instead. Run as the root `postinstall`, this file makes that a failed install. Plain JavaScript,
// because npm, and so this script, may run on an older system Node.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * The package of `<root>/package-lock.json` that provides `node` for this os and cpu, its version
 * and the executable npm installs from it; undefined where none is locked for this platform.
 * @param {string} root
 */
export function lockedNode(root) {
  const { packages } = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));
  for (const [path, entry] of Object.entries(packages)) {
    if (entry.bin?.node !== undefined && entry.os === process.platform && entry.cpu === process.arch) {
      const name = path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
      return { name, version: entry.version, executable: join(root, path, entry.bin.node) };
    }
  }
  return undefined;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const locked = lockedNode(process.cwd());
  // `npm ci --omit=optional` leaves it out on purpose; the scripts then need a system Node >= 22.18.
  const omitted = (process.env.npm_config_omit ?? '').split(/[\s,]+/).includes('optional');
  if (locked !== undefined && !omitted && !existsSync(locked.executable)) {
    console.error(
      `npm did not install ${locked.name}@${locked.version}, the Node.js that package-lock.json locks for ` +
        `${process.platform}/${process.arch}: npm skips an optional package whose download or integrity check fails ` +
        '(`npm ci --loglevel=verbose` shows why). Run `npm ci` again.',
    );
    process.exit(1);
  }
}
