/**
 * One environment as a cdk8s Chart: a pure function of the environment data. No file system, no
 * clock, no randomness; `stacks/render.ts` turns it into manifests and entry points write them.
 */
import { App, Chart } from 'cdk8s';
import type { Environment } from '../environments/schema/index.ts';
import { PlatformNamespace } from '../constructs/platform-namespace.ts';
import { buildAppTier, type AppTier } from './app-tier.ts';

export class PlatformChart extends Chart {
  readonly env: Environment;
  readonly app: AppTier;

  constructor(scope: App, env: Environment) {
    super(scope, env.name, {
      namespace: env.namespace,
      // Every object is named explicitly; hashes would make names change with the construct tree.
      disableResourceNameHashes: true,
      labels: { 'agent-platform.io/environment': env.name },
    });
    this.env = env;
    new PlatformNamespace(this, 'namespace', { name: env.namespace });
    this.app = buildAppTier(this, env);
  }
}

/** Builds the chart of one environment in an app of its own. */
export function buildPlatform(env: Environment): PlatformChart {
  return new PlatformChart(new App(), env);
}
