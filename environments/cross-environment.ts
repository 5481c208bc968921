/**
 * Rules between environments: two environments that share a namespace on one cluster, a host on
 * one cluster, a secret-store key prefix or a backup location would overwrite or read each other's
 * objects, secrets and backups, although each file is valid on its own. Checked when the
 * environments are loaded together; each problem names both files and the shared value.
 */
import type { Environment } from './schema/index.ts';

export interface LoadedEnvironment {
  readonly file: string;
  readonly env: Environment;
}

export interface CrossProblem {
  readonly file: string;
  readonly path: string;
  readonly message: string;
}

/** True when key prefix `a` contains `b` or the reverse (`x/prod` and `x/prod/api`, not `x/prod2`). */
function overlaps(a: string, b: string): boolean {
  const [x, y] = [a.replace(/\/+$/, ''), b.replace(/\/+$/, '')];
  return x === y || x.startsWith(`${y}/`) || y.startsWith(`${x}/`);
}

interface Shared {
  readonly path: string;
  /** The value shown in the message. */
  readonly value: (e: Environment) => string;
  /** Whether two environments collide on it. */
  readonly collide: (a: Environment, b: Environment) => boolean;
  readonly why: string;
}

const sameCluster = (a: Environment, b: Environment) => a.gitops.cluster.server === b.gitops.cluster.server;

const SHARED: readonly Shared[] = [
  {
    path: 'namespace',
    value: (e) => e.namespace,
    collide: (a, b) => sameCluster(a, b) && a.namespace === b.namespace,
    why: 'on the same cluster; each would prune and overwrite the other\'s objects',
  },
  {
    path: 'ingress.host',
    value: (e) => e.ingress.host,
    collide: (a, b) => sameCluster(a, b) && a.ingress.host === b.ingress.host,
    why: 'on the same cluster; the requests of one would reach the other',
  },
  {
    path: 'secrets.remoteKeyPrefix',
    value: (e) => e.secrets.remoteKeyPrefix,
    collide: (a, b) => overlaps(a.secrets.remoteKeyPrefix, b.secrets.remoteKeyPrefix),
    why: 'or a prefix overlapping it; each environment would read the other\'s secrets',
  },
  {
    path: 'data.backup.prefix',
    value: (e) => `s3://${e.data.backup.bucket}/${e.data.backup.prefix}`,
    collide: (a, b) => a.data.backup.bucket === b.data.backup.bucket && overlaps(a.data.backup.prefix, b.data.backup.prefix),
    why: 'or a location overlapping it; retention of one would delete the other\'s backups, and a restore could read them',
  },
];

/**
 * Every collision between `loaded` environments, reported on the later file, plus environments
 * whose namespace is one an add-on of the cluster installs into.
 */
export function crossEnvironmentProblems(loaded: readonly LoadedEnvironment[], addOnNamespaces: ReadonlySet<string> = new Set()): CrossProblem[] {
  const problems: CrossProblem[] = [];
  for (const { file, env } of loaded) {
    if (addOnNamespaces.has(env.namespace)) {
      problems.push({ file, path: 'namespace', message: `expected a namespace of the environment's own, not one a cluster add-on installs into (${[...addOnNamespaces].sort().join(', ')}), got ${JSON.stringify(env.namespace)}` });
    }
  }
  for (let j = 1; j < loaded.length; j++) {
    for (let i = 0; i < j; i++) {
      const [a, b] = [loaded[i]!, loaded[j]!];
      for (const s of SHARED) {
        if (!s.collide(a.env, b.env)) continue;
        problems.push({
          file: b.file,
          path: s.path,
          message: `${JSON.stringify(s.value(b.env))} is also used by ${a.file} (${JSON.stringify(s.value(a.env))}) ${s.why}; expected a value of its own`,
        });
      }
    }
  }
  return problems;
}
