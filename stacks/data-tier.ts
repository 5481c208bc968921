/**
 * The data tier of one environment: every store module of `components/` (Postgres, Redis,
 * Elasticsearch: each in the cluster or managed), composed. The tier owns what the stores share:
 * the `data` remote secret, the scripts ConfigMap, the backups' ServiceAccount and bucket, and the
 * service's one Secret of connection URLs; each store reports the rest (settings, scrape targets,
 * workloads, backups, alerts, dashboards, logs, who may reach it).
 */
import type { BackupCronJob, JobStep } from '../constructs/backup-cron-job.ts';
import { BackupServiceAccount } from '../constructs/backup-service-account.ts';
import type { Connectable } from '../constructs/connections.ts';
import { ExternalSecret } from '../constructs/external-secret.ts';
import type { k8s } from '../constructs/k8s.ts';
import type { AlertGroup } from '../constructs/monitoring/alert-definition.ts';
import type { BackupWatch } from '../constructs/monitoring/backup-alerts.ts';
import type { WatchedWorkload } from '../constructs/monitoring/availability-alerts.ts';
import type { DashboardDefinition } from '../constructs/monitoring/dashboards.ts';
import type { ScrapeTarget } from '../constructs/scrape-target.ts';
import { ScriptConfigMap } from '../constructs/script-config-map.ts';
import { IMAGES, pinnedImageRef } from '../constructs/versions.ts';
import { STORES } from '../components/index.ts';
import type { BackupPlan, BackupWriter, DataContext, StoreModule } from '../components/store.ts';
import type { Construct } from 'constructs';
import type { AppTierExtras } from './app-tier.ts';
import type { ChartContext } from './chart-context.ts';
import type { LogsSource } from './monitoring-tier.ts';

export interface DataTier {
  readonly backupJobs: readonly BackupCronJob[];
  /** Every store's exporters, in store order. */
  readonly scrapeTargets: readonly ScrapeTarget[];
  /** In-cluster stores' StatefulSets and exporters' Deployments, for availability alerts (CloudNativePG's pods have neither). */
  readonly workloads: readonly WatchedWorkload[];
  readonly backups: readonly BackupWatch[];
  /**
   * Every ServiceAccount that writes backups: the backup jobs' and the stores' own (Elasticsearch's
   * nodes, CloudNativePG's instances), with where they write, in store order; the Pulumi program's
   * backup role trusts exactly these.
   */
  readonly backupWriters: readonly BackupWriter[];
  /** The stores' alert groups and dashboards, for the monitoring tier to render where their jobs are scraped. */
  readonly alertGroups: readonly AlertGroup[];
  readonly dashboards: readonly DashboardDefinition[];
  /** Connection settings for the service: plain ones for its ConfigMap, URLs by secret reference. */
  readonly appExtras: AppTierExtras;
  /** The service's logs for Grafana; only with an in-cluster Elasticsearch. */
  readonly logs?: LogsSource;
  /** Lets `clients` (the API and the worker) reach every store, in the cluster or managed. */
  allowClients(clients: readonly Connectable[]): void;
}

/** Scripts the backups of every store run. */
const BACKUP_SCRIPTS = ['object-store.sh', 'backup-upload.sh', 'backup-fetch.sh'];

function backupPlan(scope: Construct, ctx: ChartContext, secret: DataContext['secret'], scripts: ScriptConfigMap): BackupPlan {
  const settings = ctx.env.data.backup;
  const awsCliImage = pinnedImageRef(IMAGES.awsCli);
  const credentials = settings.roleArn
    ? undefined
    : secret('backup-aws-credentials', { name: 'backup-aws-credentials', component: 'backup', keys: ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'] });
  const awsEnv: k8s.EnvVar[] = [
    { name: 'AWS_REGION', value: settings.region },
    ...(credentials ? [credentials.envVar('AWS_ACCESS_KEY_ID'), credentials.envVar('AWS_SECRET_ACCESS_KEY')] : []),
  ];
  const serviceAccount = new BackupServiceAccount(scope, 'backup-service-account', { name: 'data-backup', roleArn: settings.roleArn });
  const target = (store: string) => `s3://${settings.bucket}/${settings.prefix}/${store}`;
  const writer = (name: string, store: string): BackupWriter => ({ namespace: ctx.env.namespace, name, bucket: settings.bucket, prefix: `${settings.prefix}/${store}` });
  const upload = (store: string): JobStep => ({
    name: 'upload',
    image: awsCliImage,
    script: 'backup-upload.sh',
    env: [{ name: 'BACKUP_TARGET', value: target(store) }, { name: 'RETENTION_DAYS', value: String(settings.retentionDays) }, ...awsEnv],
  });
  const fetch = (store: string): JobStep => ({
    name: 'fetch',
    image: awsCliImage,
    script: 'backup-fetch.sh',
    // `latest` restores the newest complete backup; set BACKUP_ID=<id> on the Job for another.
    env: [{ name: 'BACKUP_TARGET', value: target(store) }, { name: 'BACKUP_ID', value: 'latest' }, ...awsEnv],
  });
  return {
    settings,
    cron: { schedule: settings.schedule, timeZone: settings.timeZone, scripts, serviceAccountName: serviceAccount.serviceAccountName },
    target,
    writer,
    upload,
    fetch,
    awsEnv,
    credentialsSecret: credentials?.secretName,
  };
}

export function buildDataTier(scope: Construct, ctx: ChartContext, stores: readonly StoreModule[] = STORES): DataTier {
  const dataSecret = ctx.secretSource('data');
  const secret: DataContext['secret'] = (id, props) => new ExternalSecret(scope, id, { ...dataSecret, ...props });
  const scripts = new ScriptConfigMap(scope, 'data-scripts', {
    name: 'data-scripts',
    component: 'backup',
    scripts: [...BACKUP_SCRIPTS, ...stores.flatMap((s) => s.scripts)],
    dirs: stores.flatMap((s) => (s.scriptsDir ? [s.scriptsDir] : [])),
  });
  const backup = backupPlan(scope, ctx, secret, scripts);
  const data: DataContext = {
    ...ctx,
    scope,
    secret,
    scripts,
    backup,
    aws: { ...ctx.internet, name: 'AWS S3 and STS' },
    // Managed services live in the VPC at addresses only DNS knows; the rule is scoped by port.
    managed: (name) => ({ name, ipBlock: { cidr: '0.0.0.0/0' } }),
  };
  const parts = stores.map((s) => s.build(data));

  // One Secret of connection URLs for the service, templated from the stores' keys.
  const templates = Object.assign({}, ...parts.map((p) => p.service.templates)) as Record<string, string>;
  const serviceSecret = new ExternalSecret(scope, 'service-data-secrets', {
    ...dataSecret,
    name: 'agent-service-data',
    component: 'secrets',
    keys: parts.flatMap((p) => p.service.secretKeys),
    templates,
  });
  const caBundles = parts.flatMap((p) => p.service.caBundles ?? []);
  const backupJobs = parts.flatMap((p) => p.backupJobs);

  return {
    backupJobs,
    scrapeTargets: parts.flatMap((p) => p.scrapeTargets),
    workloads: parts.flatMap((p) => p.workloads),
    backups: backupJobs.map((j) => ({ cronJobName: j.cronJobName, store: j.store, maxAgeSeconds: j.maxAge.toSeconds() })),
    backupWriters: parts.flatMap((p) => [...p.backupJobs.map((j) => backup.writer(j.serviceAccountName, j.store)), ...(p.backupWriters ?? [])]),
    alertGroups: parts.flatMap((p) => p.alertGroups),
    dashboards: parts.flatMap((p) => p.dashboards),
    appExtras: {
      settings: Object.assign({}, ...parts.map((p) => p.service.settings)) as Record<string, string>,
      env: Object.keys(templates).map((k) => serviceSecret.envVar(k)),
      caBundles: caBundles.length > 0 ? caBundles : undefined,
    },
    logs: parts.find((p) => p.logs)?.logs,
    allowClients: (clients) => {
      for (const c of clients) for (const p of parts) p.allowClient(c);
    },
  };
}
