/**
 * The contract of a store module (`components/<store>/`): what the data tier hands every store,
 * and what each store reports back. A store module owns everything about its store: its slice of
 * the environment schema, its workloads, the settings and secrets it hands the service, its scrape
 * target, alerts and dashboard, its backup and restore, and whom it lets in; the data tier only
 * composes modules (stacks/data-tier.ts), and `components/index.ts` lists them.
 */
import type { Construct } from 'constructs';
import type { BackupCronJob, JobStep } from '../constructs/backup-cron-job.ts';
import type { CaBundle } from '../constructs/ca-bundle.ts';
import type { Connectable } from '../constructs/connections.ts';
import type { ExternalPeer } from '../constructs/external-peer.ts';
import type { ExternalSecret, ExternalSecretProps } from '../constructs/external-secret.ts';
import type { k8s } from '../constructs/k8s.ts';
import type { AlertGroup } from '../constructs/monitoring/alert-definition.ts';
import type { WatchedWorkload } from '../constructs/monitoring/availability-alerts.ts';
import type { DashboardDefinition } from '../constructs/monitoring/dashboards.ts';
import type { ScrapeTarget } from '../constructs/scrape-target.ts';
import type { ScriptConfigMap } from '../constructs/script-config-map.ts';
import type { BackupSettings } from '../environments/schema/data.ts';
import type { ChartContext } from '../stacks/chart-context.ts';
import type { LogsSource } from '../stacks/monitoring-tier.ts';

/**
 * A ServiceAccount that writes backups, as the part that runs it reports it: the Pulumi program
 * lets exactly these assume the backup role (stacks/pulumi/aws-needs.ts).
 */
export interface BackupWriter {
  readonly namespace: string;
  readonly name: string;
  readonly bucket: string;
  /** Key prefix it writes under, without a trailing slash: `<backup.prefix>/<store>`. */
  readonly prefix: string;
}

/** Where and how every store's backup CronJob writes; one per chart. */
export interface BackupPlan {
  readonly settings: BackupSettings;
  /** The CronJob props every store's backup shares (schedule, time zone, scripts, service account). */
  readonly cron: {
    readonly schedule: string;
    readonly timeZone: string;
    readonly scripts: ScriptConfigMap;
    readonly serviceAccountName: string;
  };
  /** `s3://<bucket>/<prefix>/<store>`. */
  target(store: string): string;
  /** ServiceAccount `serviceAccountName` of the chart's namespace, writing to {@link target}(`store`). */
  writer(serviceAccountName: string, store: string): BackupWriter;
  /** The last step of a backup: uploads `/work` to {@link target} and prunes old backups. */
  upload(store: string): JobStep;
  /** The first step of a restore: fetches the newest complete backup into `/work`. */
  fetch(store: string): JobStep;
  /** AWS region and, without an IAM role, the static keys. */
  readonly awsEnv: readonly k8s.EnvVar[];
  /** The Secret with the static AWS keys; `undefined` with an IAM role (IRSA). */
  readonly credentialsSecret?: string;
}

/** What the data tier hands every store module. */
export interface DataContext extends ChartContext {
  readonly scope: Construct;
  /** An ExternalSecret reading the environment's `data` remote secret. */
  secret(id: string, props: Pick<ExternalSecretProps, 'name' | 'component' | 'keys' | 'templates'>): ExternalSecret;
  /** Every script of every store module (`StoreModule.scripts`), in one ConfigMap. */
  readonly scripts: ScriptConfigMap;
  readonly backup: BackupPlan;
  /** S3 and STS (for IRSA): public AWS endpoints with changing addresses. */
  readonly aws: ExternalPeer;
  /** A managed service in the VPC, at addresses only DNS knows; rules to it are scoped by port. */
  managed(name: string): ExternalPeer;
}

/** How the service reaches one store: plain settings for its ConfigMap, URLs by secret reference. */
export interface ServiceConnection {
  /** Settings without credentials (hosts, ports, database names), for the service's ConfigMap. */
  readonly settings: Readonly<Record<string, string>>;
  /** Keys of the `data` remote secret the service's URL templates read. */
  readonly secretKeys: readonly string[];
  /** Environment variables computed from those keys (ESO templates), e.g. `REDIS_URL`. */
  readonly templates: Readonly<Record<string, string>>;
  /** Private CAs the service verifies the store against. @default - none */
  readonly caBundles?: readonly CaBundle[];
}

/** What one store module reports to the data tier, and through it to the other tiers. */
export interface StorePart {
  readonly service: ServiceConnection;
  /** Its exporters. @default - none (a managed store is not scraped) */
  readonly scrapeTargets: readonly ScrapeTarget[];
  /** Its StatefulSets and Deployments, for availability alerts. */
  readonly workloads: readonly WatchedWorkload[];
  readonly backupJobs: readonly BackupCronJob[];
  /**
   * ServiceAccounts of its own that write backups besides its backup jobs' (Elasticsearch's nodes
   * writing snapshots, CloudNativePG's instances archiving WAL). @default - none
   */
  readonly backupWriters?: readonly BackupWriter[];
  /** Its alerts, rendered only where the jobs they read are scraped. */
  readonly alertGroups: readonly AlertGroup[];
  /** Its dashboards, rendered only with the panels whose jobs are scraped. */
  readonly dashboards: readonly DashboardDefinition[];
  /** The service's logs, for Grafana. @default - none */
  readonly logs?: LogsSource;
  /** Lets a client (the API, the worker) reach the store, in the cluster or managed. */
  allowClient(client: Connectable): void;
}

export interface StoreModule {
  /** Its key under `data` in the environment, and the name of its backups. */
  readonly name: string;
  /** Scripts its Jobs run: files of constructs/scripts/ (shared) or of `scriptsDir`. */
  readonly scripts: readonly string[];
  /** Its own folder, when it keeps scripts there. @default - none */
  readonly scriptsDir?: URL;
  /**
   * Every alert group and dashboard the store may render, at their widest (every exporter it may
   * have, replication on): what the checks of every query read, whatever the environments hold.
   */
  readonly monitoring: { readonly alertGroups: readonly AlertGroup[]; readonly dashboards: readonly DashboardDefinition[] };
  build(ctx: DataContext): StorePart;
}
