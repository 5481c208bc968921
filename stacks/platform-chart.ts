/**
 * One environment as a cdk8s Chart: a pure function of the environment data. No file system, no
 * clock, no randomness; `stacks/render.ts` turns it into manifests and entry points write them.
 */
import { App, Chart } from 'cdk8s';
import type { Environment } from '../environments/schema/index.ts';
import { memoryBytes } from '../environments/schema/common.ts';
import { PlatformNamespace } from '../constructs/platform-namespace.ts';
import { buildAppTier, type AppTier } from './app-tier.ts';
import { buildMonitoringTier, type MonitoringTier } from './monitoring-tier.ts';

export class PlatformChart extends Chart {
  readonly env: Environment;
  readonly app: AppTier;
  readonly monitoring: MonitoringTier;

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
    // The data tier's exporters and backups join here once it is composed in this chart
    // (its result carries `scrapeTargets` and `backups`).
    this.monitoring = buildMonitoringTier(this, env, {
      scrapeTargets: [...this.app.scrapeTargets],
      backups: [],
      apiMemoryLimitBytes: memoryBytes(env.api.resources.limits.memory),
      replicatedPostgres: env.production,
    });
  }
}

/** Builds the chart of one environment in an app of its own. */
export function buildPlatform(env: Environment): PlatformChart {
  return new PlatformChart(new App(), env);
}
