/**
 * The data tier of one environment: Postgres (StatefulSet, CloudNativePG or managed), Redis and
 * Elasticsearch (StatefulSet or managed), their credentials, the database init Job (and, with an
 * in-cluster Elasticsearch, the Job creating Grafana's read-only logs user), a backup CronJob per
 * store with its restore beside it, network relationships, and what the other tiers need from it:
 * the service's connection settings, scrape targets, backup freshness bounds and the logs source.
 */
import type { Construct } from 'constructs';
import type { Environment } from '../environments/schema/index.ts';
import { redisMaxMemoryBytes } from '../environments/schema/data.ts';
import { BackupCronJob, type JobStep } from '../constructs/backup-cron-job.ts';
import { BackupServiceAccount } from '../constructs/backup-service-account.ts';
import type { Connectable } from '../constructs/connections.ts';
import type { ExternalPeer } from '../constructs/external-peer.ts';
import { caFile } from '../constructs/ca-bundle.ts';
import { Elasticsearch, ELASTICSEARCH_EXPORTER_PORT, ELASTICSEARCH_PORT } from '../constructs/elasticsearch.ts';
import { ElasticsearchInitJob } from '../constructs/elasticsearch-init-job.ts';
import { ExternalSecret } from '../constructs/external-secret.ts';
import type { k8s } from '../constructs/k8s.ts';
import { PostgresCluster } from '../constructs/postgres-cluster.ts';
import { PostgresInitJob } from '../constructs/postgres-init-job.ts';
import { PostgresStatefulSet } from '../constructs/postgres-stateful-set.ts';
import { userInfoTemplate } from '../constructs/url-user-info.ts';
import type { SecretKeyRef } from '../constructs/secret-key-ref.ts';
import { Redis } from '../constructs/redis.ts';
import type { ScrapeTarget } from '../constructs/scrape-target.ts';
import type { WatchedWorkload } from '../constructs/monitoring/availability-alerts.ts';
import { ScriptConfigMap } from '../constructs/script-config-map.ts';
import { IMAGES, pinnedImageRef } from '../constructs/versions.ts';
import type { AppTierExtras } from './app-tier.ts';
import type { LogsSource } from './monitoring-tier.ts';

/** A backup the monitoring tier alerts on when its last success is older than `maxAgeSeconds`. */
export interface BackupFreshness {
  /** CronJob name, as in kube-state-metrics' `kube_cronjob_status_last_successful_time{cronjob=...}`. */
  readonly cronJobName: string;
  readonly store: string;
  readonly maxAgeSeconds: number;
}

export interface DataTier {
  /** In-cluster stores; `undefined` when the store is managed (or Elasticsearch is disabled). */
  readonly postgres?: PostgresStatefulSet | PostgresCluster;
  readonly redis?: Redis;
  readonly elasticsearch?: Elasticsearch;
  readonly postgresInit: PostgresInitJob;
  /** Creates Grafana's read-only logs user; only with an in-cluster Elasticsearch. */
  readonly elasticsearchInit?: ElasticsearchInitJob;
  readonly backupJobs: readonly BackupCronJob[];
  /**
   * Exporters: postgres-exporter (or CloudNativePG's own metrics, job `cloudnative-pg`) 9187,
   * redis-exporter 9121, elasticsearch-exporter 9114.
   */
  readonly scrapeTargets: readonly ScrapeTarget[];
  /** In-cluster stores' StatefulSets and exporters' Deployments, for availability alerts (CloudNativePG's pods have neither). */
  readonly workloads: readonly WatchedWorkload[];
  readonly backups: readonly BackupFreshness[];
  /** Connection settings for the service: plain ones for its ConfigMap, URLs by secret reference. */
  readonly appExtras: AppTierExtras;
  /**
   * The service's logs for Grafana, read as the `elasticsearch-init` Job's read-only user; only
   * with an in-cluster Elasticsearch (managed OpenSearch authenticates by IAM, not by password).
   */
  readonly logs?: LogsSource;
  /** Lets `clients` (the API and the worker) reach every store, in the cluster or managed. */
  allowClients(clients: readonly Connectable[]): void;
}

/**
 * Key of the `data` remote secret (and of the `elasticsearch-logs-reader` Secret) holding the
 * password of Grafana's read-only logs user.
 */
export const ELASTIC_LOGS_READER_KEY = 'GRAFANA_LOGS_PASSWORD';
/**
 * Key of the `data` remote secret (and of the `elasticsearch-service-user` Secret) holding the
 * password of the service's Elasticsearch user, which `ELASTICSEARCH_URL` carries.
 */
export const ELASTIC_SERVICE_KEY = 'ELASTICSEARCH_SERVICE_PASSWORD';
/** Key of the `data` remote secret (and of the `elasticsearch-exporter` Secret) holding the exporter's password. */
export const ELASTIC_EXPORTER_KEY = 'ELASTICSEARCH_EXPORTER_PASSWORD';

/** Every script the data tier mounts. */
const SCRIPTS = [
  'object-store.sh',
  'backup-upload.sh',
  'backup-fetch.sh',
  'postgres-init.sh',
  'postgres-init.sql',
  'postgres-dump.sh',
  'postgres-restore.sh',
  'redis-dump.sh',
  'redis-restore.sh',
  'elasticsearch-api.sh',
  'elasticsearch-snapshot.sh',
  'elasticsearch-restore.sh',
  'elasticsearch-init.sh',
];

export function buildDataTier(scope: Construct, env: Environment): DataTier {
  const { postgres: pg, redis: rd, elasticsearch: es, backup } = env.data;
  const esEnabled = es.enabled;
  const remoteKey = `${env.secrets.remoteKeyPrefix}/data`;
  const secretBase = { store: env.secrets.store, remoteKey, refreshInterval: env.secrets.refreshInterval };
  // S3 and STS (for IRSA) are public AWS endpoints with changing addresses.
  const aws: ExternalPeer = { name: 'AWS S3 and STS', ipBlock: { cidr: '0.0.0.0/0', except: env.network.internetEgressExcept } };
  // Managed services live in the VPC at addresses only DNS knows; the rule is scoped by port.
  const managed = (name: string): ExternalPeer => ({ name, ipBlock: { cidr: '0.0.0.0/0' } });
  const key = (name: string, k: string): SecretKeyRef => ({ name, key: k });
  const postgresImage = pinnedImageRef(IMAGES.postgres);
  const awsCliImage = pinnedImageRef(IMAGES.awsCli);

  // --- credentials: one remote secret per environment, split by who needs what -------------------
  const pgSecret = new ExternalSecret(scope, 'postgres-credentials', {
    ...secretBase,
    name: 'postgres-credentials',
    component: 'database',
    keys: ['POSTGRES_SUPERUSER_PASSWORD', 'APP_DB_PASSWORD', 'LANGMEM_DB_PASSWORD'],
    // CloudNativePG reads `username` and `password` keys.
    templates: pg.mode === 'cloudnative-pg' ? { username: 'postgres', password: '{{ .POSTGRES_SUPERUSER_PASSWORD }}' } : undefined,
  });
  const superuserPassword = key(pgSecret.secretName, 'POSTGRES_SUPERUSER_PASSWORD');
  const redisSecret =
    rd.mode === 'statefulset'
      ? new ExternalSecret(scope, 'redis-credentials', { ...secretBase, name: 'redis-credentials', component: 'cache', keys: ['REDIS_PASSWORD'] })
      : undefined;
  const esSecret =
    esEnabled && es.mode === 'statefulset'
      ? new ExternalSecret(scope, 'elasticsearch-credentials', { ...secretBase, name: 'elasticsearch-credentials', component: 'search', keys: ['ELASTIC_PASSWORD'] })
      : undefined;
  const awsSecret = backup.roleArn
    ? undefined
    : new ExternalSecret(scope, 'backup-aws-credentials', {
        ...secretBase,
        name: 'backup-aws-credentials',
        component: 'backup',
        keys: ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'],
      });
  const awsEnv: k8s.EnvVar[] = [
    { name: 'AWS_REGION', value: backup.region },
    ...(awsSecret ? [awsSecret.envVar('AWS_ACCESS_KEY_ID'), awsSecret.envVar('AWS_SECRET_ACCESS_KEY')] : []),
  ];

  // --- stores ------------------------------------------------------------------------------------
  const scrapeTargets: ScrapeTarget[] = [];
  /** The in-cluster Postgres of the mode, if any, and where the service and jobs connect. */
  const buildPostgres = (): { store?: PostgresStatefulSet | PostgresCluster; host: string; port: number } => {
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
        const appOwner = new ExternalSecret(scope, 'postgres-app-owner', {
          ...secretBase,
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
          superuserSecret: pgSecret.secretName,
          backup: {
            destinationPath: `s3://${backup.bucket}/${backup.prefix}/postgres-wal`,
            region: backup.region,
            // CloudNativePG's schedules count seconds first.
            schedule: `0 ${backup.schedule}`,
            retentionDays: pg.pitrRetentionDays ?? backup.retentionDays,
            roleArn: backup.roleArn,
            credentialsSecret: awsSecret?.secretName,
          },
        });
        return { store, host: store.host, port: store.port };
      }
      case 'managed':
        return { host: pg.endpoint.host, port: pg.endpoint.port };
    }
  };
  const { store: postgres, host: pgHost, port: pgPort } = buildPostgres();
  // CloudNativePG's instances export `cnpg_*` metrics, not postgres_exporter's: a job of their own
  // lets the monitoring tier pick the alerts and panels written for them.
  if (postgres) {
    scrapeTargets.push({ job: postgres instanceof PostgresCluster ? 'cloudnative-pg' : 'postgres-exporter', workload: postgres, ...postgres.metrics });
  }

  let redis: Redis | undefined;
  let redisHost: string;
  let redisPort: number;
  if (rd.mode === 'statefulset') {
    redis = new Redis(scope, 'redis', {
      image: pinnedImageRef(IMAGES.redis),
      exporterImage: pinnedImageRef(IMAGES.redisExporter),
      resources: rd.resources,
      storage: rd.storage,
      maxMemoryBytes: redisMaxMemoryBytes(rd),
      maxMemoryPolicy: rd.maxMemoryPolicy,
      password: key(redisSecret!.secretName, 'REDIS_PASSWORD'),
    });
    redisHost = redis.host;
    redisPort = redis.port;
    scrapeTargets.push({ job: 'redis-exporter', workload: redis, ...redis.metrics });
  } else {
    redisHost = rd.endpoint.host;
    redisPort = rd.endpoint.port;
  }

  let elasticsearch: Elasticsearch | undefined;
  let esUrl: string | undefined;
  /** A Secret of its own for the exporter's password, so its pod references nothing else. */
  let exporterSecret: ExternalSecret | undefined;
  /** Managed OpenSearch authenticates requests with the pods' IAM identity, not a password. */
  let esManagedUrl: string | undefined;
  if (esEnabled && es.mode === 'statefulset') {
    exporterSecret = new ExternalSecret(scope, 'elasticsearch-exporter-credentials', {
      ...secretBase,
      name: 'elasticsearch-exporter',
      component: 'metrics',
      keys: [ELASTIC_EXPORTER_KEY],
    });
    elasticsearch = new Elasticsearch(scope, 'elasticsearch', {
      image: pinnedImageRef(IMAGES.elasticsearch),
      exporterImage: pinnedImageRef(IMAGES.elasticsearchExporter),
      nodes: es.nodes,
      resources: es.resources,
      storage: es.storage,
      password: key(esSecret!.secretName, 'ELASTIC_PASSWORD'),
      exporterCredentials: { password: key(exporterSecret.secretName, ELASTIC_EXPORTER_KEY) },
      snapshotRoleArn: backup.roleArn,
    });
    esUrl = elasticsearch.url;
    // Snapshots are written by the nodes themselves.
    elasticsearch.connections.allowToExternal(aws, [{ port: 443 }]);
    scrapeTargets.push({
      job: 'elasticsearch-exporter',
      workload: elasticsearch.exporter,
      serviceName: elasticsearch.exporter.service!.name,
      port: ELASTICSEARCH_EXPORTER_PORT,
      portName: 'metrics',
    });
  } else if (esEnabled && es.mode === 'managed') {
    esManagedUrl = `https://${es.endpoint.host}:${es.endpoint.port}`;
  }

  // --- scripts, database init, backups ----------------------------------------------------------
  const scripts = new ScriptConfigMap(scope, 'data-scripts', { name: 'data-scripts', component: 'backup', scripts: SCRIPTS });
  const managedPg = pg.mode === 'managed';
  const superuser = pg.mode === 'managed' ? pg.masterUsername : 'postgres';
  const pgEnv: k8s.EnvVar[] = [
    { name: 'PGHOST', value: pgHost },
    { name: 'PGPORT', value: String(pgPort) },
    { name: 'PGUSER', value: superuser },
    { name: 'PGPASSWORD', valueFrom: { secretKeyRef: superuserPassword } },
    { name: 'PGSSLMODE', value: managedPg ? 'require' : 'prefer' },
  ];
  const databases = `${pg.appDatabase.name} ${pg.langmemDatabase.name}`;
  const dbNames: k8s.EnvVar[] = [
    { name: 'APP_DB', value: pg.appDatabase.name },
    { name: 'APP_DB_USER', value: pg.appDatabase.owner },
    pgSecret.envVar('APP_DB_PASSWORD'),
    { name: 'LANGMEM_DB', value: pg.langmemDatabase.name },
    { name: 'LANGMEM_DB_USER', value: pg.langmemDatabase.owner },
    pgSecret.envVar('LANGMEM_DB_PASSWORD'),
  ];

  let elasticsearchInit: ElasticsearchInitJob | undefined;
  let logs: LogsSource | undefined;
  if (elasticsearch && es.mode === 'statefulset') {
    // A Secret of its own: Grafana's pod references a Secret holding nothing else, and a missing
    // remote property fails only this ExternalSecret, never the one Elasticsearch starts from.
    const readerSecret = new ExternalSecret(scope, 'elasticsearch-logs-reader', {
      ...secretBase,
      name: 'elasticsearch-logs-reader',
      component: 'search',
      keys: [ELASTIC_LOGS_READER_KEY],
    });
    const readerPassword = key(readerSecret.secretName, ELASTIC_LOGS_READER_KEY);
    // The same remote property the service's URL template reads; the Job only sets it.
    const serviceUserSecret = new ExternalSecret(scope, 'elasticsearch-service-user', {
      ...secretBase,
      name: 'elasticsearch-service-user',
      component: 'search',
      keys: [ELASTIC_SERVICE_KEY],
    });
    elasticsearchInit = new ElasticsearchInitJob(scope, 'elasticsearch-init', {
      image: pinnedImageRef(IMAGES.elasticsearch),
      scripts,
      url: elasticsearch.url,
      ca: elasticsearch.ca,
      elasticPassword: key(esSecret!.secretName, 'ELASTIC_PASSWORD'),
      reader: { indexPattern: es.logIndexPattern, password: readerPassword },
      service: { indexPatterns: es.serviceIndexPatterns, password: key(serviceUserSecret.secretName, ELASTIC_SERVICE_KEY) },
      exporter: { user: elasticsearch.exporterUser, password: key(exporterSecret!.secretName, ELASTIC_EXPORTER_KEY) },
    });
    elasticsearchInit.connections.allowTo(elasticsearch);
    logs = {
      datasource: { url: elasticsearch.url, index: es.logIndexPattern, user: elasticsearchInit.readerUser, password: readerPassword, ca: elasticsearch.ca },
      workload: elasticsearch,
      port: ELASTICSEARCH_PORT,
    };
  }

  const postgresInit = new PostgresInitJob(scope, 'postgres-init', {
    image: postgresImage,
    scripts,
    host: pgHost,
    port: pgPort,
    superuser,
    superuserPassword,
    appDatabase: { ...pg.appDatabase, password: key(pgSecret.secretName, 'APP_DB_PASSWORD') },
    langmemDatabase: { ...pg.langmemDatabase, password: key(pgSecret.secretName, 'LANGMEM_DB_PASSWORD') },
    requireTls: managedPg,
  });

  const serviceAccount = new BackupServiceAccount(scope, 'backup-service-account', { name: 'data-backup', roleArn: backup.roleArn });
  const target = (store: string) => `s3://${backup.bucket}/${backup.prefix}/${store}`;
  const upload = (store: string): JobStep => ({
    name: 'upload',
    image: awsCliImage,
    script: 'backup-upload.sh',
    env: [{ name: 'BACKUP_TARGET', value: target(store) }, { name: 'RETENTION_DAYS', value: String(backup.retentionDays) }, ...awsEnv],
  });
  const fetch = (store: string): JobStep => ({
    name: 'fetch',
    image: awsCliImage,
    script: 'backup-fetch.sh',
    // `latest` restores the newest complete backup; set BACKUP_ID=<id> on the Job for another.
    env: [{ name: 'BACKUP_TARGET', value: target(store) }, { name: 'BACKUP_ID', value: 'latest' }, ...awsEnv],
  });
  const cron = { schedule: backup.schedule, timeZone: backup.timeZone, scripts, serviceAccountName: serviceAccount.serviceAccountName };

  const backupJobs: BackupCronJob[] = [];
  const pgBackup = new BackupCronJob(scope, 'postgres-backup', {
    ...cron,
    name: 'postgres-backup',
    store: 'postgres',
    // Compressed dumps never outgrow the data they come from.
    workStorage: pg.storage,
    steps: [{ name: 'dump', image: postgresImage, script: 'postgres-dump.sh', env: [...pgEnv, { name: 'DATABASES', value: databases }] }, upload('postgres')],
    restoreSteps: [
      fetch('postgres'),
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
  backupJobs.push(pgBackup);

  if (redis) {
    const redisEnv: k8s.EnvVar[] = [
      { name: 'REDIS_HOST', value: redis.host },
      { name: 'REDIS_PORT', value: String(redis.port) },
      redisSecret!.envVar('REDIS_PASSWORD', 'REDISCLI_AUTH'),
    ];
    const redisBackup = new BackupCronJob(scope, 'redis-backup', {
      ...cron,
      name: 'redis-backup',
      store: 'redis',
      workStorage: redis.storage,
      steps: [{ name: 'dump', image: pinnedImageRef(IMAGES.redis), script: 'redis-dump.sh', env: redisEnv }, upload('redis')],
      // Run with Redis scaled to 0 (redis-restore.sh checks): Redis would overwrite the files on
      // shutdown, and its claim (ReadWriteOncePod where supported) admits one pod at a time.
      restoreSteps: [
        fetch('redis'),
        {
          name: 'restore',
          image: pinnedImageRef(IMAGES.redis),
          script: 'redis-restore.sh',
          uid: redis.uid,
          // The script refuses while the Redis on this claim answers, and says how to stop it.
          env: [
            { name: 'REDIS_DATA_DIR', value: '/data' },
            { name: 'REDIS_HOST', value: redis.dataPodHost },
            { name: 'REDIS_PORT', value: String(redis.port) },
            { name: 'REDIS_STATEFULSET', value: redis.name },
            { name: 'NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
          ],
          volumeMounts: [{ name: 'redis-data', mountPath: '/data' }],
        },
      ],
      restoreVolumes: [{ name: 'redis-data', persistentVolumeClaim: { claimName: redis.dataClaimName } }],
      restoreFsGroup: redis.uid,
    });
    redisBackup.connections.allowTo(redis);
    backupJobs.push(redisBackup);
  }

  if (elasticsearch) {
    const esEnv: k8s.EnvVar[] = [
      { name: 'ES_URL', value: elasticsearch.url },
      { name: 'ES_CA_CERT', value: caFile(elasticsearch.ca) },
      esSecret!.envVar('ELASTIC_PASSWORD'),
      { name: 'REPOSITORY', value: 'backups' },
    ];
    const esBackup = new BackupCronJob(scope, 'elasticsearch-backup', {
      ...cron,
      name: 'elasticsearch-backup',
      store: 'elasticsearch',
      steps: [
        {
          name: 'snapshot',
          image: pinnedImageRef(IMAGES.elasticsearch),
          script: 'elasticsearch-snapshot.sh',
          env: [...esEnv, { name: 'BACKUP_TARGET', value: target('elasticsearch') }, { name: 'RETENTION_DAYS', value: String(backup.retentionDays) }],
          caBundles: [elasticsearch.ca],
        },
      ],
      restoreSteps: [
        {
          name: 'restore',
          image: pinnedImageRef(IMAGES.elasticsearch),
          script: 'elasticsearch-restore.sh',
          env: [...esEnv, { name: 'SNAPSHOT', value: 'latest' }],
          caBundles: [elasticsearch.ca],
        },
      ],
    });
    esBackup.connections.allowTo(elasticsearch);
    backupJobs.push(esBackup);
  }

  // --- network ---------------------------------------------------------------------------------
  const reachPostgres = (c: Connectable) => (postgres ? c.connections.allowTo(postgres) : c.connections.allowToExternal(managed('managed Postgres'), [{ port: pgPort }]));
  reachPostgres(postgresInit);
  reachPostgres(pgBackup);
  // Cluster DNS comes with any egress (the namespace names it; see Connections).
  for (const job of backupJobs) {
    job.connections.allowToExternal(aws, [{ port: 443 }]);
  }

  // --- what the service reads --------------------------------------------------------------------
  const pgUrl = (db: { name: string; owner: string }, passwordKey: string) =>
    `postgresql://${userInfoTemplate(db.owner, passwordKey)}${pgHost}:${pgPort}/${db.name}${managedPg ? '?sslmode=require' : ''}`;
  const redisScheme = rd.mode === 'managed' && rd.tls ? 'rediss' : 'redis';
  const serviceKeys = ['APP_DB_PASSWORD', 'LANGMEM_DB_PASSWORD', ...(redisSecret || rd.mode === 'managed' ? ['REDIS_PASSWORD'] : [])];
  if (esUrl) serviceKeys.push(ELASTIC_SERVICE_KEY);
  const templates: Record<string, string> = {
    DATABASE_URL: pgUrl(pg.appDatabase, 'APP_DB_PASSWORD'),
    LANGMEM_POSTGRES_URL: pgUrl(pg.langmemDatabase, 'LANGMEM_DB_PASSWORD'),
    REDIS_URL: `${redisScheme}://${userInfoTemplate('', 'REDIS_PASSWORD')}${redisHost}:${redisPort}/0`,
  };
  if (esUrl) templates['ELASTICSEARCH_URL'] = esUrl.replace('://', `://${userInfoTemplate(elasticsearchInit!.serviceUser, ELASTIC_SERVICE_KEY)}`);
  const serviceSecret = new ExternalSecret(scope, 'service-data-secrets', {
    ...secretBase,
    name: 'agent-service-data',
    component: 'secrets',
    keys: serviceKeys,
    templates,
  });
  const appExtras: AppTierExtras = {
    settings: {
      POSTGRES_HOST: pgHost,
      POSTGRES_PORT: String(pgPort),
      POSTGRES_DB: pg.appDatabase.name,
      LANGMEM_POSTGRES_DB: pg.langmemDatabase.name,
      REDIS_HOST: redisHost,
      REDIS_PORT: String(redisPort),
      ELASTICSEARCH_ENABLED: String(esUrl !== undefined || esManagedUrl !== undefined),
      ...(esUrl ? { ELASTICSEARCH_HOSTS: esUrl } : {}),
      // The private CA of the in-cluster Elasticsearch, for the client's `ca_certs`. Not SSL_CERT_FILE:
      // that would replace the system CAs the service needs for the LLM providers' APIs.
      ...(elasticsearch ? { ELASTICSEARCH_CA_CERTS: caFile(elasticsearch.ca) } : {}),
      ...(esManagedUrl ? { ELASTICSEARCH_URL: esManagedUrl, ELASTICSEARCH_HOSTS: esManagedUrl } : {}),
    },
    env: Object.keys(templates).map((k) => serviceSecret.envVar(k)),
    caBundles: elasticsearch ? [elasticsearch.ca] : undefined,
  };

  const allowClients = (clients: readonly Connectable[]) => {
    for (const c of clients) {
      reachPostgres(c);
      if (redis) c.connections.allowTo(redis);
      else c.connections.allowToExternal(managed('managed Redis'), [{ port: redisPort }]);
      if (elasticsearch) c.connections.allowTo(elasticsearch);
      else if (esEnabled && es.mode === 'managed') c.connections.allowToExternal(managed('managed OpenSearch'), [{ port: es.endpoint.port }]);
    }
  };

  return {
    postgres,
    redis,
    elasticsearch,
    postgresInit,
    elasticsearchInit,
    backupJobs,
    scrapeTargets,
    workloads: [
      ...(postgres instanceof PostgresStatefulSet ? [{ ...postgres.workload, component: 'postgres' }] : []),
      ...(redis ? [{ ...redis.workload, component: 'redis' }] : []),
      // The exporter down blinds the Elasticsearch alerts but serves nobody: it warns, it does not page.
      ...(elasticsearch ? [{ ...elasticsearch.workload, component: 'elasticsearch' }, { ...elasticsearch.exporter.workload, component: 'elasticsearch', pageWhenDown: false }] : []),
    ],
    backups: backupJobs.map((j) => ({ cronJobName: j.cronJobName, store: j.store, maxAgeSeconds: j.maxAge.toSeconds() })),
    appExtras,
    logs,
    allowClients,
  };
}
