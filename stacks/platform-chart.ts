/**
 * One environment as a cdk8s Chart: a pure function of the environment data. No file system, no
 * clock, no randomness; `stacks/render.ts` turns it into manifests and entry points write them.
 */
import { App, Chart } from 'cdk8s';
import type { Environment } from '../environments/schema/index.ts';
import { quantityBytes } from '../kube/quantity.ts';
import { PlatformNamespace } from '../constructs/platform-namespace.ts';
import { buildAppTier, type AppTier } from './app-tier.ts';
import { buildDataTier, type DataTier } from './data-tier.ts';
import { withStorageClasses } from './storage-classes.ts';
import { buildMonitoringTier, type MonitoringTier } from './monitoring-tier.ts';

export class PlatformChart extends Chart {
  readonly env: Environment;
  readonly data: DataTier;
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
    new PlatformNamespace(this, 'namespace', { name: env.namespace, dns: { name: 'cluster DNS', namespace: env.network.dnsNamespace, podLabels: env.network.dnsPodLabel } });
    // The data tier comes first: the app tier's settings and secrets carry its connection details.
    this.data = buildDataTier(this, env);
    this.app = buildAppTier(this, env, this.data.appExtras);
    this.data.allowClients([this.app.api, this.app.worker]);
    this.monitoring = buildMonitoringTier(this, env, {
      scrapeTargets: [...this.app.scrapeTargets, ...this.data.scrapeTargets],
      podTargets: this.app.podTargets,
      backups: [...this.data.backups],
      apiMemoryLimitBytes: quantityBytes(env.api.resources.limits.memory),
      replicatedPostgres: env.data.postgres.mode === 'cloudnative-pg' && env.data.postgres.instances > 1,
      workloads: [...this.app.workloads, ...this.data.workloads],
      cloudNativePgInstances: env.data.postgres.mode === 'cloudnative-pg' ? env.data.postgres.instances : undefined,
      logs: this.data.logs,
    });
  }
}

/** Builds the chart of one environment in an app of its own. */
export function buildPlatform(env: Environment): PlatformChart {
  return new PlatformChart(new App(), withStorageClasses(env));
}
