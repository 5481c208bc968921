/**
 * One environment as a cdk8s Chart: a pure function of the environment data. No file system, no
 * clock, no randomness; `stacks/render.ts` turns it into manifests and entry points write them.
 */
import { App, Chart } from 'cdk8s';
import type { Environment } from '../environments/schema/index.ts';
import { ExternalSecret } from '../constructs/external-secret.ts';
import { PlatformNamespace } from '../constructs/platform-namespace.ts';
import { ScriptJob } from '../constructs/script-job.ts';
import { claimedStorageClasses } from '../constructs/storage-claims.ts';
import { buildAppTier, type AppTier } from './app-tier.ts';
import { chartContext } from './chart-context.ts';
import { buildDataTier, type DataTier } from './data-tier.ts';
import { withStorageClasses } from './storage-classes.ts';
import { buildMonitoringTier, type MonitoringTier } from './monitoring-tier.ts';

/**
 * What a cluster's configuration needs to know of one environment besides its objects, as the
 * environment's tiers report it (stacks/cluster-config.ts reads it; nothing reads it back from the
 * rendered objects).
 */
export interface PlatformFacts {
  /** Whether the environment's edge counts requests in the cluster's rate limit service, whose Redis the cluster then runs. */
  readonly globalRateLimit: boolean;
  /** The StorageClasses the environment's volume claims name, as the constructs building them report them; sorted. */
  readonly storageClasses: readonly string[];
}

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
    const ctx = chartContext(env);
    new PlatformNamespace(this, 'namespace', { name: env.namespace, dns: ctx.dns });
    // The data tier comes first: the app tier's settings and secrets carry its connection details.
    this.data = buildDataTier(this, ctx);
    this.app = buildAppTier(this, ctx, this.data.appExtras);
    this.data.allowClients([this.app.api, this.app.worker]);
    // Every input is a fact the tier that owns it reported; nothing here is derived from `env`.
    this.monitoring = buildMonitoringTier(this, ctx, {
      scrapeTargets: [...this.app.scrapeTargets, ...this.data.scrapeTargets],
      podTargets: this.app.podTargets,
      backups: this.data.backups,
      apiMemoryLimitBytes: this.app.api.memoryLimitBytes,
      workloads: [...this.app.workloads, ...this.data.workloads],
      alertGroups: this.data.alertGroups,
      dashboards: this.data.dashboards,
      logs: this.data.logs,
    });
  }

  /** The facts the cluster's configuration reads, as the tiers reported them. */
  get facts(): PlatformFacts {
    return { globalRateLimit: this.app.globalRateLimit, storageClasses: claimedStorageClasses(this) };
  }

  /** The Secrets each Job of the chart reads, by Job name, as each ScriptJob reports them. */
  get secretsReadByJob(): ReadonlyMap<string, readonly string[]> {
    return new Map(this.node.findAll().flatMap((c) => (c instanceof ScriptJob ? [[c.jobName, c.secretNames] as const] : [])));
  }

  /** The secret store entries the chart's ExternalSecrets read, as each reports it; sorted, once each. */
  get remoteSecretKeys(): string[] {
    const keys = this.node.findAll().flatMap((c) => (c instanceof ExternalSecret ? [c.remoteKey] : []));
    return [...new Set(keys)].sort();
  }
}

/** Builds the chart of one environment in an app of its own. */
export function buildPlatform(env: Environment): PlatformChart {
  return new PlatformChart(new App(), withStorageClasses(env));
}
