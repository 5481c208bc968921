/**
 * Elasticsearch, end to end: nodes in a StatefulSet with TLS and security on (constructs/
 * elasticsearch.ts), elasticsearch-exporter, the init Job creating the service's and Grafana's
 * users, a snapshot backup with its restore, and Grafana's logs datasource; or Amazon OpenSearch
 * (`managed`: nothing rendered, the pods authenticate by IAM); or nothing (`enabled: false`).
 */
import { BackupCronJob } from '../../constructs/backup-cron-job.ts';
import { caFile } from '../../constructs/ca-bundle.ts';
import { Elasticsearch, ELASTICSEARCH_EXPORTER_PORT, ELASTICSEARCH_PORT } from '../../constructs/elasticsearch.ts';
import { ElasticsearchInitJob } from '../../constructs/elasticsearch-init-job.ts';
import type { k8s } from '../../constructs/k8s.ts';
import { userInfoTemplate } from '../../constructs/url-user-info.ts';
import { IMAGES, pinnedImageRef } from '../../constructs/versions.ts';
import type { DataContext, StoreModule, StorePart } from '../store.ts';
import { elasticsearchAlertGroup } from './alerts.ts';
import { ELASTICSEARCH_DASHBOARD } from './dashboard.ts';

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
/** Key of the `data` remote secret holding the `elastic` superuser's password. */
const ELASTIC_PASSWORD_KEY = 'ELASTIC_PASSWORD';

function build(ctx: DataContext): StorePart {
  const es = ctx.env.data.elasticsearch;
  const none = { scrapeTargets: [], workloads: [], backupJobs: [] };

  if (!es.enabled) {
    return { ...monitoring, ...none, service: { settings: { ELASTICSEARCH_ENABLED: 'false' }, secretKeys: [], templates: {} }, allowClient: () => undefined };
  }
  if (es.mode === 'managed') {
    // Managed OpenSearch authenticates requests with the pods' IAM identity, not a password.
    const url = `https://${es.endpoint.host}:${es.endpoint.port}`;
    const peer = ctx.managed('managed OpenSearch');
    return {
      ...monitoring,
      ...none,
      service: { settings: { ELASTICSEARCH_ENABLED: 'true', ELASTICSEARCH_URL: url, ELASTICSEARCH_HOSTS: url }, secretKeys: [], templates: {} },
      allowClient: (c) => c.connections.allowToExternal(peer, [{ port: es.endpoint.port }]),
    };
  }

  const { scope } = ctx;
  const image = pinnedImageRef(IMAGES.elasticsearch);
  const secret = ctx.secret('elasticsearch-credentials', { name: 'elasticsearch-credentials', component: 'search', keys: [ELASTIC_PASSWORD_KEY] });
  const elasticPassword = { name: secret.secretName, key: ELASTIC_PASSWORD_KEY };
  /** A Secret of its own for the exporter's password, so its pod references nothing else. */
  const exporterSecret = ctx.secret('elasticsearch-exporter-credentials', { name: 'elasticsearch-exporter', component: 'metrics', keys: [ELASTIC_EXPORTER_KEY] });
  const exporterPassword = { name: exporterSecret.secretName, key: ELASTIC_EXPORTER_KEY };
  const elasticsearch = new Elasticsearch(scope, 'elasticsearch', {
    image,
    exporterImage: pinnedImageRef(IMAGES.elasticsearchExporter),
    nodes: es.nodes,
    resources: es.resources,
    storage: es.storage,
    password: elasticPassword,
    exporterCredentials: { password: exporterPassword },
    snapshotRoleArn: ctx.backup.settings.roleArn,
  });
  // Snapshots are written by the nodes themselves.
  elasticsearch.connections.allowToExternal(ctx.aws, [{ port: 443 }]);

  // A Secret of its own: Grafana's pod references a Secret holding nothing else, and a missing
  // remote property fails only this ExternalSecret, never the one Elasticsearch starts from.
  const readerSecret = ctx.secret('elasticsearch-logs-reader', { name: 'elasticsearch-logs-reader', component: 'search', keys: [ELASTIC_LOGS_READER_KEY] });
  const readerPassword = { name: readerSecret.secretName, key: ELASTIC_LOGS_READER_KEY };
  // The same remote property the service's URL template reads; the Job only sets it.
  const serviceUserSecret = ctx.secret('elasticsearch-service-user', { name: 'elasticsearch-service-user', component: 'search', keys: [ELASTIC_SERVICE_KEY] });
  const init = new ElasticsearchInitJob(scope, 'elasticsearch-init', {
    image,
    scripts: ctx.scripts,
    url: elasticsearch.url,
    ca: elasticsearch.ca,
    elasticPassword,
    reader: { indexPattern: es.logIndexPattern, password: readerPassword },
    service: { indexPatterns: es.serviceIndexPatterns, password: { name: serviceUserSecret.secretName, key: ELASTIC_SERVICE_KEY } },
    exporter: { user: elasticsearch.exporterUser, password: exporterPassword },
  });
  init.connections.allowTo(elasticsearch);
  const signsInAs = (user: string) => `signs in as user ${user}, which Job ${init.jobName} creates`;
  elasticsearch.exporter.connections.startsAfter(init, signsInAs(elasticsearch.exporterUser));

  const esEnv: k8s.EnvVar[] = [
    { name: 'ES_URL', value: elasticsearch.url },
    { name: 'ES_CA_CERT', value: caFile(elasticsearch.ca) },
    secret.envVar(ELASTIC_PASSWORD_KEY),
    { name: 'REPOSITORY', value: 'backups' },
  ];
  const backup = new BackupCronJob(scope, 'elasticsearch-backup', {
    ...ctx.backup.cron,
    name: 'elasticsearch-backup',
    store: 'elasticsearch',
    steps: [
      {
        name: 'snapshot',
        image,
        script: 'elasticsearch-snapshot.sh',
        env: [...esEnv, { name: 'BACKUP_TARGET', value: ctx.backup.target('elasticsearch') }, { name: 'RETENTION_DAYS', value: String(ctx.backup.settings.retentionDays) }],
        caBundles: [elasticsearch.ca],
      },
    ],
    restoreSteps: [{ name: 'restore', image, script: 'elasticsearch-restore.sh', env: [...esEnv, { name: 'SNAPSHOT', value: 'latest' }], caBundles: [elasticsearch.ca] }],
  });
  backup.connections.allowTo(elasticsearch);
  backup.connections.allowToExternal(ctx.aws, [{ port: 443 }]);

  return {
    ...monitoring,
    service: {
      settings: {
        ELASTICSEARCH_ENABLED: 'true',
        ELASTICSEARCH_HOSTS: elasticsearch.url,
        // The private CA of the in-cluster Elasticsearch, for the client's `ca_certs`. Not SSL_CERT_FILE:
        // that would replace the system CAs the service needs for the LLM providers' APIs.
        ELASTICSEARCH_CA_CERTS: caFile(elasticsearch.ca),
      },
      secretKeys: [ELASTIC_SERVICE_KEY],
      templates: { ELASTICSEARCH_URL: elasticsearch.url.replace('://', `://${userInfoTemplate(init.serviceUser, ELASTIC_SERVICE_KEY)}`) },
      caBundles: [elasticsearch.ca],
    },
    scrapeTargets: [
      {
        job: 'elasticsearch-exporter',
        workload: elasticsearch.exporter,
        serviceName: elasticsearch.exporter.service!.name,
        port: ELASTICSEARCH_EXPORTER_PORT,
        portName: 'metrics',
        // Search is optional for the service: its exporter gone warns, it does not page.
        owner: { component: 'elasticsearch', severity: 'warning' },
      },
    ],
    workloads: [
      { ...elasticsearch.workload, component: 'elasticsearch' },
      // The exporter down blinds the Elasticsearch alerts but serves nobody: it warns, it does not page.
      { ...elasticsearch.exporter.workload, component: 'elasticsearch', pageWhenDown: false },
    ],
    backupJobs: [backup],
    // The nodes write the snapshots the job asks for, as themselves (with a role; without one, with
    // keys in their keystore).
    backupWriters: ctx.backup.settings.roleArn ? [ctx.backup.writer(elasticsearch.serviceAccountName, backup.store)] : [],
    // The service's logs for Grafana, read as the init Job's read-only user (managed OpenSearch
    // authenticates by IAM, not by password).
    logs: {
      datasource: { url: elasticsearch.url, index: es.logIndexPattern, user: init.readerUser, password: readerPassword, ca: elasticsearch.ca },
      workload: elasticsearch,
      port: ELASTICSEARCH_PORT,
      userCreatedBy: { job: init, reason: signsInAs(init.readerUser) },
    },
    allowClient: (c) => {
      c.connections.allowTo(elasticsearch);
      c.connections.startsAfter(init, signsInAs(init.serviceUser));
    },
  };
}

const monitoring = { alertGroups: [elasticsearchAlertGroup()], dashboards: [ELASTICSEARCH_DASHBOARD] };

export const elasticsearchStore: StoreModule = {
  name: 'elasticsearch',
  monitoring,
  scripts: ['elasticsearch-api.sh', 'elasticsearch-snapshot.sh', 'elasticsearch-restore.sh', 'elasticsearch-init.sh'],
  build,
};
