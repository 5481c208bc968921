/**
 * Postgres with pgvector, end to end: a StatefulSet (dev, staging), a CloudNativePG Cluster
 * (prod: replicas, failover, WAL archiving) or Amazon RDS (`managed`). In every mode: the init Job
 * creating the service's two databases and their owners, a logical-dump backup CronJob with its
 * restore, and `DATABASE_URL`/`LANGMEM_POSTGRES_URL` for the service.
 */
import { BackupCronJob } from '../../constructs/backup-cron-job.ts';
import { TEST_NAMESPACE } from '../../constructs/monitoring/alert-definition.ts';
import type { Connectable } from '../../constructs/connections.ts';
import type { k8s } from '../../constructs/k8s.ts';
import { cloudNativePgAlertGroup } from './cloudnative-pg-alerts.ts';
import { PostgresCluster } from '../../constructs/postgres-cluster.ts';
import { PostgresInitJob } from '../../constructs/postgres-init-job.ts';
import { PostgresStatefulSet } from '../../constructs/postgres-stateful-set.ts';
import type { ScrapeTarget } from '../../constructs/scrape-target.ts';
import { userInfoTemplate } from '../../constructs/url-user-info.ts';
import { IMAGES, pinnedImageRef } from '../../constructs/versions.ts';
import type { DataContext, StoreModule, StorePart } from '../store.ts';
import { postgresAlertGroup } from './alerts.ts';
import { POSTGRES_DASHBOARD } from './dashboard.ts';

/** Where CloudNativePG archives WAL and base backups, beside the logical dumps (`postgres`). */
const WAL_STORE = 'postgres-wal';

function build(ctx: DataContext): StorePart {
  const pg = ctx.env.data.postgres;
  const { scope, backup } = ctx;
  const postgresImage = pinnedImageRef(IMAGES.postgres);
  const secret = ctx.secret('postgres-credentials', {
    name: 'postgres-credentials',
    component: 'database',
    keys: ['POSTGRES_SUPERUSER_PASSWORD', 'APP_DB_PASSWORD', 'LANGMEM_DB_PASSWORD'],
    // CloudNativePG reads `username` and `password` keys.
    templates: pg.mode === 'cloudnative-pg' ? { username: 'postgres', password: '{{ .POSTGRES_SUPERUSER_PASSWORD }}' } : undefined,
  });
  const superuserPassword = { name: secret.secretName, key: 'POSTGRES_SUPERUSER_PASSWORD' };

  /** The in-cluster Postgres of the mode, if any, and where the service and jobs connect. */
  const buildStore = (): { store?: PostgresStatefulSet | PostgresCluster; host: string; port: number } => {
    switch (pg.mode) {
      case 'statefulset': {
        const store = new PostgresStatefulSet(scope, 'postgres', {
          image: postgresImage,
          exporterImage: pinnedImageRef(IMAGES.postgresExporter),
          resources: pg.resources,
          storage: pg.storage,
          maxConnections: pg.maxConnections,
          superuserPassword,
        });
        return { store, host: store.host, port: store.port };
      }
      case 'cloudnative-pg': {
        const appOwner = ctx.secret('postgres-app-owner', {
          name: 'postgres-app-owner',
          component: 'database',
          keys: ['APP_DB_PASSWORD'],
          templates: { username: pg.appDatabase.owner, password: '{{ .APP_DB_PASSWORD }}' },
        });
        const store = new PostgresCluster(scope, 'postgres', {
          image: pinnedImageRef(IMAGES.cloudNativePgPostgres),
          instances: pg.instances,
          resources: pg.resources,
          storage: pg.storage,
          maxConnections: pg.maxConnections,
          appDatabase: pg.appDatabase,
          appOwnerSecret: appOwner.secretName,
          superuserSecret: secret.secretName,
          backup: {
            destinationPath: backup.target(WAL_STORE),
            region: backup.settings.region,
            // CloudNativePG's schedules count seconds first.
            schedule: `0 ${backup.settings.schedule}`,
            retentionDays: pg.pitrRetentionDays ?? backup.settings.retentionDays,
            roleArn: backup.settings.roleArn,
            credentialsSecret: backup.credentialsSecret,
          },
        });
        return { store, host: store.host, port: store.port };
      }
      case 'managed':
        return { host: pg.endpoint.host, port: pg.endpoint.port };
    }
  };
  const { store: postgres, host, port } = buildStore();
  // The instances archive WAL as themselves when there is a role (without one, with static keys).
  const archiver = postgres instanceof PostgresCluster && backup.settings.roleArn ? [backup.writer(postgres.serviceAccountName, WAL_STORE)] : [];
  const managed = pg.mode === 'managed';
  const peer = ctx.managed('managed Postgres');
  const reach = (c: Connectable) => (postgres ? c.connections.allowTo(postgres) : c.connections.allowToExternal(peer, [{ port }]));

  const superuser = pg.mode === 'managed' ? pg.masterUsername : 'postgres';
  const pgEnv: k8s.EnvVar[] = [
    { name: 'PGHOST', value: host },
    { name: 'PGPORT', value: String(port) },
    { name: 'PGUSER', value: superuser },
    { name: 'PGPASSWORD', valueFrom: { secretKeyRef: superuserPassword } },
    { name: 'PGSSLMODE', value: managed ? 'require' : 'prefer' },
  ];
  const databases = `${pg.appDatabase.name} ${pg.langmemDatabase.name}`;
  const dbNames: k8s.EnvVar[] = [
    { name: 'APP_DB', value: pg.appDatabase.name },
    { name: 'APP_DB_USER', value: pg.appDatabase.owner },
    secret.envVar('APP_DB_PASSWORD'),
    { name: 'LANGMEM_DB', value: pg.langmemDatabase.name },
    { name: 'LANGMEM_DB_USER', value: pg.langmemDatabase.owner },
    secret.envVar('LANGMEM_DB_PASSWORD'),
  ];

  const init = new PostgresInitJob(scope, 'postgres-init', {
    image: postgresImage,
    scripts: ctx.scripts,
    host,
    port,
    superuser,
    superuserPassword,
    appDatabase: { ...pg.appDatabase, password: { name: secret.secretName, key: 'APP_DB_PASSWORD' } },
    langmemDatabase: { ...pg.langmemDatabase, password: { name: secret.secretName, key: 'LANGMEM_DB_PASSWORD' } },
    requireTls: managed,
  });
  reach(init);
  // The service signs in as the roles and into the databases the Job creates, in every mode.
  const client = (c: Connectable) => {
    reach(c);
    c.connections.startsAfter(init, `signs in as the roles Job ${init.jobName} creates`);
  };

  const backupJob = new BackupCronJob(scope, 'postgres-backup', {
    ...backup.cron,
    name: 'postgres-backup',
    store: 'postgres',
    // Compressed dumps never outgrow the data they come from.
    workStorage: pg.storage,
    steps: [{ name: 'dump', image: postgresImage, script: 'postgres-dump.sh', env: [...pgEnv, { name: 'DATABASES', value: databases }] }, backup.upload('postgres')],
    restoreSteps: [
      backup.fetch('postgres'),
      // Databases and owners first (idempotent), so a restore into an empty server works too.
      { name: 'init', image: postgresImage, script: 'postgres-init.sh', env: [...pgEnv, ...dbNames] },
      // Refuses while clients are connected to the databases (postgres-restore.sh).
      {
        name: 'restore',
        image: postgresImage,
        script: 'postgres-restore.sh',
        env: [...pgEnv, { name: 'DATABASES', value: databases }, { name: 'NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } }],
      },
    ],
  });
  reach(backupJob);
  backupJob.connections.allowToExternal(ctx.aws, [{ port: 443 }]);

  // CloudNativePG's instances export `cnpg_*` metrics, not postgres_exporter's: a job of their own
  // lets the monitoring tier pick the alerts and panels written for them.
  const scrapeTargets: ScrapeTarget[] = postgres
    ? [{ job: postgres instanceof PostgresCluster ? 'cloudnative-pg' : 'postgres-exporter', workload: postgres, ...postgres.metrics, owner: { component: 'postgres', severity: 'critical' } }]
    : [];
  const url = (db: { name: string; owner: string }, passwordKey: string) =>
    `postgresql://${userInfoTemplate(db.owner, passwordKey)}${host}:${port}/${db.name}${managed ? '?sslmode=require' : ''}`;

  return {
    service: {
      settings: { POSTGRES_HOST: host, POSTGRES_PORT: String(port), POSTGRES_DB: pg.appDatabase.name, LANGMEM_POSTGRES_DB: pg.langmemDatabase.name },
      secretKeys: ['APP_DB_PASSWORD', 'LANGMEM_DB_PASSWORD'],
      templates: { DATABASE_URL: url(pg.appDatabase, 'APP_DB_PASSWORD'), LANGMEM_POSTGRES_URL: url(pg.langmemDatabase, 'LANGMEM_DB_PASSWORD') },
    },
    scrapeTargets,
    // CloudNativePG's pods belong to no StatefulSet or Deployment: its own alerts watch them.
    workloads: postgres instanceof PostgresStatefulSet ? [{ ...postgres.workload, component: 'postgres' }] : [],
    backupJobs: [backupJob],
    backupWriters: archiver,
    alertGroups: [
      // Standbys exist only on CloudNativePG with more than one instance: only then is lag watched.
      postgresAlertGroup({ replicated: pg.mode === 'cloudnative-pg' && pg.instances > 1 }),
      ...(pg.mode === 'cloudnative-pg' ? [cloudNativePgAlertGroup({ namespace: ctx.env.namespace, instances: pg.instances })] : []),
    ],
    dashboards: [POSTGRES_DASHBOARD],
    allowClient: client,
  };
}

export const postgresStore: StoreModule = {
  name: 'postgres',
  monitoring: {
    alertGroups: [postgresAlertGroup({ replicated: true }), cloudNativePgAlertGroup({ namespace: TEST_NAMESPACE, instances: 3 })],
    dashboards: [POSTGRES_DASHBOARD],
  },
  scripts: ['postgres-init.sh', 'postgres-init.sql', 'postgres-dump.sh', 'postgres-restore.sh'],
  build,
};
