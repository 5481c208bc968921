import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Duration } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { BackupCronJob, cronPeriodSeconds, type BackupCronJobProps } from '../constructs/backup-cron-job.ts';
import { BackupServiceAccount } from '../constructs/backup-service-account.ts';
import { Elasticsearch, type ElasticsearchProps } from '../constructs/elasticsearch.ts';
import { ElasticsearchInitJob, type ElasticsearchInitJobProps } from '../constructs/elasticsearch-init-job.ts';
import { PostgresCluster, type PostgresClusterProps } from '../constructs/postgres-cluster.ts';
import { PostgresInitJob } from '../constructs/postgres-init-job.ts';
import { postgresMemorySettings, PostgresStatefulSet, type PostgresStatefulSetProps } from '../constructs/postgres-stateful-set.ts';
import { Redis, redisConfig, type RedisProps } from '../components/redis/redis.ts';
import { ScriptConfigMap } from '../constructs/script-config-map.ts';
import { objects, only, testChart, type Obj } from './support/charts.ts';

const RES = { requests: { cpu: '250m', memory: '512Mi' }, limits: { cpu: '1000m', memory: '2Gi' } };

function podOf(o: Obj): Obj {
  return o['kind'] === 'CronJob' ? o['spec'].jobTemplate.spec.template.spec : o['spec'].template.spec;
}

/** Every container of every workload in `objs` runs under the restricted profile with a read-only root. */
function expectRestricted(objs: Obj[]): void {
  const workloads = objs.filter((o) => ['StatefulSet', 'Deployment', 'CronJob', 'Job'].includes(o['kind']));
  expect(workloads.length).toBeGreaterThan(0);
  for (const w of workloads) {
    const pod = podOf(w);
    expect(pod.securityContext.runAsNonRoot, w['metadata'].name).toBe(true);
    expect(pod.automountServiceAccountToken, w['metadata'].name).toBe(false);
    for (const c of [...(pod.initContainers ?? []), ...pod.containers]) {
      expect(c.securityContext, `${w['metadata'].name}/${c.name}`).toMatchObject({
        runAsNonRoot: true,
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ['ALL'] },
      });
      expect(c.securityContext.runAsUser).toBeGreaterThan(0);
      expect(c.resources.requests.memory, `${w['metadata'].name}/${c.name}`).toBeDefined();
      expect(c.resources.limits.memory, `${w['metadata'].name}/${c.name}`).toBeDefined();
      for (const e of c.env ?? []) {
        if (/PASSWORD|_AUTH$/.test(e.name)) expect(e.valueFrom?.secretKeyRef, `${c.name} ${e.name}`).toBeDefined();
      }
    }
  }
}

describe('PostgresStatefulSet', () => {
  const props: PostgresStatefulSetProps = {
    image: 'pgvector/pgvector:0.8.0-pg16',
    exporterImage: 'quay.io/prometheuscommunity/postgres-exporter:v0.17.1',
    resources: RES,
    storage: { size: '10Gi', storageClass: 'gp3' },
    superuserPassword: { name: 'postgres-credentials', key: 'POSTGRES_SUPERUSER_PASSWORD' },
  };
  const render = (p: Partial<PostgresStatefulSetProps> = {}) => {
    const chart = testChart();
    new PostgresStatefulSet(chart, 'pg', { ...props, ...p });
    return objects(chart);
  };

  it('runs one pgvector pod with a claim template, pg_isready probes and settings sized from the memory limit', () => {
    const sts = only(render(), 'StatefulSet');
    expect(sts.spec).toMatchObject({ replicas: 1, serviceName: 'postgres-headless' });
    expect(sts.spec.volumeClaimTemplates[0].spec).toEqual({
      accessModes: ['ReadWriteOncePod'],
      storageClassName: 'gp3',
      resources: { requests: { storage: '10Gi' } },
    });
    const pg = sts.spec.template.spec.containers[0];
    expect(pg.args).toEqual(expect.arrayContaining(['max_connections=200', 'shared_buffers=512MB', 'effective_cache_size=1536MB']));
    expect(pg.readinessProbe.exec.command[0]).toBe('pg_isready');
    expect(pg.env.find((e: Obj) => e.name === 'POSTGRES_PASSWORD').valueFrom).toEqual({
      secretKeyRef: { name: 'postgres-credentials', key: 'POSTGRES_SUPERUSER_PASSWORD' },
    });
  });

  it('serves postgres-exporter on 9187 through the client Service, beside a headless governing Service', () => {
    const objs = render();
    const exporter = only(objs, 'StatefulSet').spec.template.spec.containers[1];
    expect(exporter.ports).toEqual([{ name: 'metrics', containerPort: 9187, protocol: 'TCP' }]);
    expect(only(objs, 'Service', 'postgres').spec.ports.map((p: Obj) => [p.name, p.port])).toEqual([['postgres', 5432], ['metrics', 9187]]);
    expect(only(objs, 'Service', 'postgres-headless').spec.clusterIP).toBe('None');
  });

  it('follows the restricted profile and keeps its data when the StatefulSet is deleted', () => {
    const objs = render();
    expectRestricted(objs);
    expect(only(objs, 'StatefulSet').spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: 'Retain', whenScaled: 'Retain' });
  });

  it('restarts only a server that stops accepting connections, not one that is recovering', () => {
    const [pg, exporter] = only(render(), 'StatefulSet').spec.template.spec.containers;
    expect(pg.livenessProbe.tcpSocket).toEqual({ port: 'postgres' });
    expect(pg.readinessProbe.exec).toBeDefined();
    // The exporter's readiness gates the pod's: it must never depend on the database.
    expect(exporter.readinessProbe.httpGet).toEqual({ path: '/', port: 'metrics' });
  });

  it('sizes shared_buffers at a quarter of the memory limit', () => {
    expect(postgresMemorySettings('4Gi')).toEqual({ sharedBuffers: '1024MB', effectiveCacheSize: '3072MB' });
  });

  it('refuses a memory limit too small for Postgres', () => {
    expect(() => render({ resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '128Mi' } } })).toThrow(
      'PostgresStatefulSet postgres: resources.limits.memory 128Mi is below 256Mi',
    );
  });
});

describe('PostgresCluster', () => {
  const props: PostgresClusterProps = {
    image: 'ghcr.io/cloudnative-pg/postgresql:16.13-system-bookworm',
    resources: RES,
    storage: { size: '100Gi', storageClass: 'gp3' },
    appDatabase: { name: 'agent_platform', owner: 'agent_app' },
    appOwnerSecret: 'postgres-app-owner',
    superuserSecret: 'postgres-credentials',
    backup: {
      destinationPath: 's3://backups/prod/postgres-wal',
      region: 'eu-central-1',
      schedule: '0 0 2 * * *',
      retentionDays: 30,
      roleArn: 'arn:aws:iam::222222222222:role/backup',
    },
  };
  const render = (p: Partial<PostgresClusterProps> = {}) => {
    const chart = testChart();
    new PostgresCluster(chart, 'pg', { ...props, ...p });
    return objects(chart);
  };

  it('runs three instances on separate nodes, archiving WAL through the Barman Cloud plugin to S3 with IRSA', () => {
    const cluster = only(render(), 'Cluster');
    expect(cluster.apiVersion).toBe('postgresql.cnpg.io/v1');
    expect(cluster.spec.backup).toBeUndefined();
    expect(cluster.spec).toMatchObject({
      instances: 3,
      affinity: { enablePodAntiAffinity: true, podAntiAffinityType: 'required', topologyKey: 'kubernetes.io/hostname' },
      plugins: [{ name: 'barman-cloud.cloudnative-pg.io', isWALArchiver: true, parameters: { barmanObjectName: 'postgres' } }],
      serviceAccountTemplate: { metadata: { annotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::222222222222:role/backup' } } },
      bootstrap: { initdb: { database: 'agent_platform', owner: 'agent_app', postInitApplicationSQL: ['CREATE EXTENSION IF NOT EXISTS vector'] } },
    });
    expect(cluster.spec.resources).toEqual({ requests: { cpu: '250m', memory: '512Mi' }, limits: { cpu: '1000m', memory: '2Gi' } });
  });

  it('keeps bucket, retention and region in the ObjectStore the plugin reads', () => {
    const store = only(render(), 'ObjectStore', 'postgres');
    expect(store.apiVersion).toBe('barmancloud.cnpg.io/v1');
    expect(store.spec).toEqual({
      configuration: {
        destinationPath: 's3://backups/prod/postgres-wal',
        s3Credentials: { inheritFromIAMRole: true },
        wal: { compression: 'gzip', maxParallel: 2 },
        data: { compression: 'gzip', jobs: 2 },
      },
      retentionPolicy: '30d',
      instanceSidecarConfiguration: { env: [{ name: 'AWS_REGION', value: 'eu-central-1' }] },
    });
  });

  it('schedules base backups through the plugin with an immediate first one', () => {
    expect(only(render(), 'ScheduledBackup').spec).toEqual({
      schedule: '0 0 2 * * *',
      cluster: { name: 'postgres' },
      method: 'plugin',
      pluginConfiguration: { name: 'barman-cloud.cloudnative-pg.io' },
      immediate: true,
      backupOwnerReference: 'self',
    });
  });

  it('reads S3 keys from a secret when there is no IAM role', () => {
    const rendered = render({ backup: { ...props.backup, roleArn: undefined, credentialsSecret: 'backup-aws' } });
    const cluster = only(rendered, 'Cluster');
    expect(only(rendered, 'ObjectStore').spec.configuration.s3Credentials).toEqual({
      accessKeyId: { name: 'backup-aws', key: 'AWS_ACCESS_KEY_ID' },
      secretAccessKey: { name: 'backup-aws', key: 'AWS_SECRET_ACCESS_KEY' },
    });
    expect(cluster.spec.serviceAccountTemplate).toBeUndefined();
  });

  it('admits the operator and replication between instances in its NetworkPolicy', () => {
    const np = only(render(), 'NetworkPolicy', 'postgres');
    expect(np.spec.podSelector.matchLabels).toEqual({ 'cnpg.io/cluster': 'postgres' });
    expect(np.spec.ingress[0].from[0].namespaceSelector.matchLabels).toEqual({ 'kubernetes.io/metadata.name': 'cnpg-system' });
    expect(np.spec.ingress[1].from[0].podSelector.matchLabels).toEqual({ 'cnpg.io/cluster': 'postgres' });
    expect(np.spec.egress.at(-1)).toEqual({ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ port: 443, protocol: 'TCP' }, { port: 6443, protocol: 'TCP' }] });
    expect(only(render(), 'Service', 'postgres-metrics').spec.selector).toEqual({ 'cnpg.io/cluster': 'postgres', 'cnpg.io/podRole': 'instance' });
  });

  it('refuses a five-field schedule, a non-S3 destination and missing credentials', () => {
    expect(() => render({ backup: { ...props.backup, schedule: '0 2 * * *' } })).toThrow(
      'PostgresCluster postgres: backup.schedule "0 2 * * *" needs six fields (CloudNativePG counts seconds first)',
    );
    expect(() => render({ backup: { ...props.backup, destinationPath: 'gs://x' } })).toThrow('backup.destinationPath "gs://x" is not an s3:// URL');
    expect(() => render({ backup: { ...props.backup, roleArn: undefined } })).toThrow('give backup.roleArn or backup.credentialsSecret');
  });
});

describe('Redis', () => {
  const props: RedisProps = {
    image: 'redis:7.4.2-bookworm',
    exporterImage: 'oliver006/redis_exporter:v1.67.0',
    resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '500m', memory: '1Gi' } },
    storage: { size: '2Gi' },
    maxMemoryBytes: 768 * 2 ** 20,
    password: { name: 'redis-credentials', key: 'REDIS_PASSWORD' },
  };
  const render = (p: Partial<RedisProps> = {}) => {
    const chart = testChart();
    new Redis(chart, 'redis', { ...props, ...p });
    return objects(chart);
  };

  it('persists with AOF and RDB, bounds memory below the limit, and never writes the password into the config', () => {
    const conf = only(render(), 'ConfigMap', 'redis-config').data['redis.conf'];
    expect(conf).toContain('appendonly yes');
    expect(conf).toContain('save 900 1 300 10 60 10000');
    expect(conf).toContain(`maxmemory ${768 * 2 ** 20}`);
    expect(conf).toContain('maxmemory-policy allkeys-lru');
    expect(conf).toContain('include /run/redis/auth.conf');
    expect(conf).not.toMatch(/requirepass/);
  });

  it('probes with an authenticated redis-cli ping and serves redis-exporter on 9121', () => {
    const [redis, exporter] = only(render(), 'StatefulSet').spec.template.spec.containers;
    expect(redis.readinessProbe.exec.command.join(' ')).toContain('redis-cli -h 127.0.0.1 -p 6379 ping');
    expect(redis.env.find((e: Obj) => e.name === 'REDISCLI_AUTH').valueFrom.secretKeyRef).toEqual({ name: 'redis-credentials', key: 'REDIS_PASSWORD' });
    expect(exporter.ports[0].containerPort).toBe(9121);
    expectRestricted(render());
  });

  it('does not restart a Redis that is still loading its AOF', () => {
    const [redis] = only(render(), 'StatefulSet').spec.template.spec.containers;
    expect(redis.livenessProbe.tcpSocket).toEqual({ port: 'redis' });
    expect(redis.readinessProbe.exec.command[2]).toContain('ping');
  });

  it('refuses a maxmemory at or above the memory limit', () => {
    expect(() => render({ maxMemoryBytes: 2 ** 30 })).toThrow(
      'Redis redis: maxMemoryBytes 1073741824 is not below resources.limits.memory 1Gi; Redis would be OOM-killed before evicting',
    );
  });

  it('renders the config the backup tests start a real Redis with', () => {
    expect(redisConfig(1000, 'allkeys-lru')).toMatchSnapshot();
  });
});

describe('Elasticsearch', () => {
  const props: ElasticsearchProps = {
    image: 'docker.elastic.co/elasticsearch/elasticsearch:8.17.4',
    exporterImage: 'quay.io/prometheuscommunity/elasticsearch-exporter:v1.9.0',
    nodes: 1,
    resources: { requests: { cpu: '500m', memory: '2Gi' }, limits: { cpu: '1000m', memory: '2Gi' } },
    storage: { size: '30Gi' },
    password: { name: 'elasticsearch-credentials', key: 'ELASTIC_PASSWORD' },
    exporterCredentials: { password: { name: 'elasticsearch-exporter', key: 'ELASTICSEARCH_EXPORTER_PASSWORD' } },
  };
  const render = (p: Partial<ElasticsearchProps> = {}) => {
    const chart = testChart();
    new Elasticsearch(chart, 'es', { ...props, ...p });
    return objects(chart);
  };
  const envOf = (objs: Obj[]) =>
    Object.fromEntries(only(objs, 'StatefulSet').spec.template.spec.containers[0].env.map((e: Obj) => [e.name, e.value ?? e.valueFrom]));

  it('runs a single node with security on, heap at half the limit and no mmap, without a privileged init container', () => {
    const objs = render();
    const env = envOf(objs);
    expect(env).toMatchObject({
      'discovery.type': 'single-node',
      'xpack.security.enabled': 'true',
      'node.store.allow_mmap': 'false',
      ES_JAVA_OPTS: '-Xms1024m -Xmx1024m',
      ELASTIC_PASSWORD: { secretKeyRef: { name: 'elasticsearch-credentials', key: 'ELASTIC_PASSWORD' } },
    });
    expect(env['cluster.initial_master_nodes']).toBeUndefined();
    expectRestricted(objs);
    // A single node has no transport to protect, but HTTP is TLS in every shape.
    expect(objs.filter((o) => o['kind'] === 'Certificate').map((o) => o['metadata'].name)).toEqual(['elasticsearch-ca', 'elasticsearch-http-tls']);
  });

  it('serves HTTPS only, with a certificate for the Service names from its own namespaced CA chain, and probes it verified', () => {
    const objs = render();
    const env = envOf(objs);
    expect(env).toMatchObject({
      'xpack.security.http.ssl.enabled': 'true',
      'xpack.security.http.ssl.key': '/usr/share/elasticsearch/config/http/tls.key',
      'xpack.security.http.ssl.certificate': '/usr/share/elasticsearch/config/http/tls.crt',
      'xpack.security.http.ssl.certificate_authorities': '/usr/share/elasticsearch/config/http/ca.crt',
    });
    expect(only(objs, 'Issuer', 'elasticsearch-selfsigned').spec).toEqual({ selfSigned: {} });
    expect(only(objs, 'Certificate', 'elasticsearch-ca').spec).toMatchObject({ isCA: true, secretName: 'elasticsearch-ca', issuerRef: { kind: 'Issuer', name: 'elasticsearch-selfsigned' } });
    expect(only(objs, 'Issuer', 'elasticsearch-ca').spec).toEqual({ ca: { secretName: 'elasticsearch-ca' } });
    expect(only(objs, 'Certificate', 'elasticsearch-http-tls').spec).toMatchObject({
      secretName: 'elasticsearch-http-tls',
      dnsNames: ['elasticsearch', 'elasticsearch.test', 'elasticsearch.test.svc'],
      usages: ['server auth'],
      issuerRef: { kind: 'Issuer', name: 'elasticsearch-ca' },
    });
    const pod = only(objs, 'StatefulSet').spec.template.spec;
    expect(pod.volumes).toContainEqual({ name: 'http-tls', secret: { secretName: 'elasticsearch-http-tls' } });
    const probe = pod.containers[0].readinessProbe.exec.command[2];
    expect(probe).toContain('--cacert /usr/share/elasticsearch/config/http/ca.crt --resolve elasticsearch:9200:127.0.0.1');
    expect(probe).toContain("'https://elasticsearch:9200/_cluster/health");
    expect(probe).not.toMatch(/-k\b|--insecure/);
  });

  it('signs the exporter in as its own user over verified HTTPS, never as elastic', () => {
    const objs = render();
    const d = only(objs, 'Deployment', 'elasticsearch-exporter').spec.template.spec;
    const c = d.containers[0];
    // Alias series would need view_index_metadata on every index; the monitor role does not have it.
    expect(c.args).toEqual(expect.arrayContaining(['--es.uri=https://elasticsearch:9200', '--es.ca=/etc/elasticsearch-ca/ca.crt', '--no-es.aliases']));
    expect(c.env).toEqual([
      { name: 'ES_USERNAME', value: 'elasticsearch_exporter' },
      { name: 'ES_PASSWORD', valueFrom: { secretKeyRef: { name: 'elasticsearch-exporter', key: 'ELASTICSEARCH_EXPORTER_PASSWORD' } } },
    ]);
    // Only the CA certificate of the Secret is projected, never the server's key.
    expect(d.volumes).toContainEqual({ name: 'elasticsearch-ca', secret: { secretName: 'elasticsearch-http-tls', items: [{ key: 'ca.crt', path: 'ca.crt' }] } });
    expect(c.volumeMounts).toContainEqual({ name: 'elasticsearch-ca', mountPath: '/etc/elasticsearch-ca', readOnly: true });
  });

  it('refuses the elastic user or its password for the exporter', () => {
    expect(() => render({ exporterCredentials: { ...props.exporterCredentials, user: 'elastic' } })).toThrow(
      'Elasticsearch elasticsearch: exporterCredentials.user "elastic" is the superuser; the exporter needs a monitor-only user of its own',
    );
    expect(() => render({ exporterCredentials: { password: props.password } })).toThrow(
      'exporterCredentials.password and password are both elasticsearch-credentials/ELASTIC_PASSWORD; the exporter needs a password of its own',
    );
  });

  it('forms a three-node cluster through the headless Service, bootstrapping masters on first boot only, with transport TLS', () => {
    const objs = render({ nodes: 3 });
    const sts = only(objs, 'StatefulSet');
    expect(sts.spec.replicas).toBe(3);
    const env = envOf(objs);
    expect(env).toMatchObject({ 'discovery.seed_hosts': 'elasticsearch-headless', 'xpack.security.transport.ssl.enabled': 'true' });
    const start = sts.spec.template.spec.containers[0].command[2];
    expect(start).toContain('if [ ! -d /usr/share/elasticsearch/data/_state ]; then exec env cluster.initial_master_nodes=elasticsearch-0,elasticsearch-1,elasticsearch-2');
    expect(only(objs, 'Service', 'elasticsearch-headless').spec.publishNotReadyAddresses).toBe(true);
    expect(only(objs, 'Certificate', 'elasticsearch-transport-tls').spec.issuerRef).toEqual({ kind: 'Issuer', name: 'elasticsearch-ca' });
    expect(sts.spec.template.spec.topologySpreadConstraints[0].topologyKey).toBe('kubernetes.io/hostname');
  });

  it('scrapes cluster metrics once, from an exporter Deployment on 9114 that may reach the nodes', () => {
    const objs = render({ nodes: 3 });
    expect(only(objs, 'Deployment', 'elasticsearch-exporter').spec.replicas).toBe(1);
    const np = only(objs, 'NetworkPolicy', 'elasticsearch');
    const fromExporter = np.spec.ingress.find((r: Obj) => r.from[0].podSelector?.matchLabels['app.kubernetes.io/name'] === 'elasticsearch-exporter');
    expect(fromExporter.ports).toEqual([{ port: 9200, protocol: 'TCP' }]);
  });

  it('refuses two nodes', () => {
    expect(() => render({ nodes: 2 })).toThrow('Elasticsearch elasticsearch: nodes 2; use 1, or 3 or more');
  });
});

describe('BackupCronJob', () => {
  function render(p: Partial<BackupCronJobProps> = {}) {
    const chart = testChart();
    const scripts = new ScriptConfigMap(chart, 'scripts', { name: 'data-scripts', component: 'backup', scripts: ['postgres-dump.sh', 'backup-upload.sh', 'backup-fetch.sh', 'postgres-restore.sh', 'object-store.sh'] });
    new BackupCronJob(chart, 'backup', {
      name: 'postgres-backup',
      store: 'postgres',
      schedule: '0 2 * * *',
      scripts,
      serviceAccountName: 'data-backup',
      steps: [
        { name: 'dump', image: 'pg', script: 'postgres-dump.sh' },
        { name: 'upload', image: 'aws', script: 'backup-upload.sh' },
      ],
      restoreSteps: [
        { name: 'fetch', image: 'aws', script: 'backup-fetch.sh' },
        { name: 'restore', image: 'pg', script: 'postgres-restore.sh' },
      ],
      ...p,
    });
    return objects(chart);
  }

  it('dumps in an init container and uploads in the main one, never overlapping, with deadlines and bounded history', () => {
    const cj = only(render(), 'CronJob', 'postgres-backup');
    expect(cj.spec).toMatchObject({
      schedule: '0 2 * * *',
      timeZone: 'Etc/UTC',
      concurrencyPolicy: 'Forbid',
      startingDeadlineSeconds: 1800,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 3,
      jobTemplate: { spec: { backoffLimit: 1, activeDeadlineSeconds: 7200 } },
    });
    const pod = cj.spec.jobTemplate.spec.template.spec;
    expect(pod.initContainers.map((c: Obj) => [c.name, c.command])).toEqual([['dump', ['bash', '/scripts/postgres-dump.sh']]]);
    expect(pod.containers.map((c: Obj) => [c.name, c.command])).toEqual([['upload', ['bash', '/scripts/backup-upload.sh']]]);
    expect(pod.restartPolicy).toBe('Never');
    expect(pod.serviceAccountName).toBe('data-backup');
  });

  it('renders the restore as a suspended CronJob that only runs when started by hand', () => {
    const cj = only(render(), 'CronJob', 'postgres-backup-restore');
    expect(cj.spec.suspend).toBe(true);
    expect(cj.spec.schedule).toBe('0 0 31 2 *');
    const pod = cj.spec.jobTemplate.spec.template.spec;
    expect(pod.initContainers[0].env[0]).toEqual({ name: 'RESTORE_DIR', value: '/work' });
  });

  it('mounts the scripts exactly as they are in constructs/scripts/', () => {
    const cm = only(render(), 'ConfigMap', 'data-scripts');
    const file = readFileSync(join(import.meta.dirname, '..', 'constructs', 'scripts', 'backup-upload.sh'), 'utf8');
    expect(cm.data['backup-upload.sh']).toBe(file);
    expect(file).toContain('set -euo pipefail');
  });

  it('derives how stale a backup may get from its schedule and deadlines', () => {
    const chart = testChart();
    const scripts = new ScriptConfigMap(chart, 's', { name: 's', component: 'backup', scripts: ['backup-upload.sh'] });
    const job = new BackupCronJob(chart, 'b', { name: 'b', store: 'x', schedule: '0 2 * * *', scripts, serviceAccountName: 'sa', steps: [{ name: 'u', image: 'i', script: 'backup-upload.sh' }] });
    expect(job.maxAge.toSeconds()).toBe(86_400 + 1_800 + 7_200);
    expect(cronPeriodSeconds('15 * * * *')).toBe(3_600);
    expect(cronPeriodSeconds('0 */6 * * *')).toBe(21_600);
    expect(cronPeriodSeconds('0 3 * * 0')).toBe(604_800);
    // Monthly: the longest month apart (31 days), derived instead of refused.
    expect(cronPeriodSeconds('0 2 1 * *')).toBe(31 * 86_400);
    expect(cronPeriodSeconds('@daily')).toBe(86_400);
    expect(() => cronPeriodSeconds('0 0 30 2 *')).toThrow('schedule "0 0 30 2 *" never runs');
  });

  it('refuses empty steps, a script the ConfigMap lacks, and a starting deadline the controller may miss', () => {
    expect(() => render({ steps: [] })).toThrow('BackupCronJob postgres-backup: steps is empty; give at least the dump step');
    expect(() => render({ steps: [{ name: 'x', image: 'i', script: 'redis-dump.sh' }] })).toThrow('ScriptConfigMap data-scripts has no "redis-dump.sh"');
    expect(() => render({ startingDeadline: Duration.seconds(5) })).toThrow('startingDeadline 5s is under 10s');
  });

  it('refuses a script that does not exist in the repository', () => {
    const chart = testChart();
    expect(() => new ScriptConfigMap(chart, 's', { name: 's', component: 'backup', scripts: ['nope.sh'] })).toThrow('no script "nope.sh" in constructs/scripts/');
  });
});

describe('BackupServiceAccount', () => {
  it('carries the IRSA role annotation and no API token', () => {
    const chart = testChart();
    new BackupServiceAccount(chart, 'sa', { name: 'data-backup', roleArn: 'arn:aws:iam::111111111111:role/backup' });
    const sa = only(chart, 'ServiceAccount');
    expect(sa.metadata.annotations).toEqual({ 'eks.amazonaws.com/role-arn': 'arn:aws:iam::111111111111:role/backup' });
    expect(sa.automountServiceAccountToken).toBe(false);
  });

  it('refuses something that is not a role ARN', () => {
    expect(() => new BackupServiceAccount(testChart(), 'sa', { name: 'b', roleArn: 'backup-role' })).toThrow(
      'BackupServiceAccount b: roleArn "backup-role" is not an IAM role ARN',
    );
  });
});

describe('PostgresInitJob', () => {
  const base = {
    image: 'pg',
    host: 'postgres',
    port: 5432,
    superuserPassword: { name: 's', key: 'POSTGRES_SUPERUSER_PASSWORD' },
    appDatabase: { name: 'agent_platform', owner: 'agent_app', password: { name: 's', key: 'APP_DB_PASSWORD' } },
    langmemDatabase: { name: 'langmem_store', owner: 'langmem_user', password: { name: 's', key: 'LANGMEM_DB_PASSWORD' } },
  };

  it('runs the init SQL after every Argo CD sync, with every password by reference', () => {
    const chart = testChart();
    const scripts = new ScriptConfigMap(chart, 'scripts', { name: 'data-scripts', component: 'backup', scripts: ['postgres-init.sh', 'postgres-init.sql'] });
    new PostgresInitJob(chart, 'init', { ...base, scripts });
    const job = only(chart, 'Job');
    expect(job.metadata.annotations).toEqual({ 'argocd.argoproj.io/hook': 'Sync', 'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation' });
    const c = job.spec.template.spec.containers[0];
    expect(c.command).toEqual(['bash', '/scripts/postgres-init.sh']);
    for (const name of ['PGPASSWORD', 'APP_DB_PASSWORD', 'LANGMEM_DB_PASSWORD']) {
      const e = c.env.find((x: Obj) => x.name === name);
      expect(e.value, name).toBeUndefined();
      expect(e.valueFrom.secretKeyRef.name).toBe('s');
    }
  });

  it('refuses one role owning both databases', () => {
    const chart = testChart();
    const scripts = new ScriptConfigMap(chart, 'scripts', { name: 'x', component: 'backup', scripts: ['postgres-init.sh'] });
    expect(() => new PostgresInitJob(chart, 'init', { ...base, scripts, langmemDatabase: { ...base.langmemDatabase, owner: 'agent_app' } })).toThrow(
      'appDatabase.owner and langmemDatabase.owner are both "agent_app"; each database gets its own role',
    );
  });
});

describe('ElasticsearchInitJob', () => {
  const base: Omit<ElasticsearchInitJobProps, 'scripts'> = {
    image: 'docker.elastic.co/elasticsearch/elasticsearch:8.17.4',
    url: 'https://elasticsearch:9200',
    ca: { secretName: 'elasticsearch-http-tls', key: 'ca.crt', volumeName: 'elasticsearch-ca', mountPath: '/etc/elasticsearch-ca' },
    elasticPassword: { name: 'elasticsearch-credentials', key: 'ELASTIC_PASSWORD' },
    reader: { indexPattern: 'ai-agent-*', password: { name: 'elasticsearch-logs-reader', key: 'GRAFANA_LOGS_PASSWORD' } },
    service: { indexPatterns: ['ai-agent-*', 'agent-docs'], password: { name: 'elasticsearch-service-user', key: 'ELASTICSEARCH_SERVICE_PASSWORD' } },
    exporter: { user: 'elasticsearch_exporter', password: { name: 'elasticsearch-exporter', key: 'ELASTICSEARCH_EXPORTER_PASSWORD' } },
  };
  const render = (p: Partial<ElasticsearchInitJobProps> = {}) => {
    const chart = testChart();
    const scripts = new ScriptConfigMap(chart, 'scripts', { name: 'data-scripts', component: 'backup', scripts: ['elasticsearch-init.sh'] });
    const job = new ElasticsearchInitJob(chart, 'init', { ...base, scripts, ...p });
    return { job, objs: objects(chart) };
  };

  it('creates the grafana_logs, agent_service and exporter users after every Argo CD sync, every password by reference, verifying the CA', () => {
    const { job, objs } = render();
    expect([job.readerUser, job.readerRole, job.serviceUser]).toEqual(['grafana_logs', 'logs_reader', 'agent_service']);
    const j = only(objs, 'Job', 'elasticsearch-init');
    expect(j.metadata.annotations).toEqual({ 'argocd.argoproj.io/hook': 'Sync', 'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation' });
    const c = j.spec.template.spec.containers[0];
    expect(c.command).toEqual(['bash', '/scripts/elasticsearch-init.sh']);
    expect(Object.fromEntries(c.env.map((e: Obj) => [e.name, e.value ?? e.valueFrom]))).toEqual({
      ES_URL: 'https://elasticsearch:9200',
      ES_CA_CERT: '/etc/elasticsearch-ca/ca.crt',
      ELASTIC_PASSWORD: { secretKeyRef: { name: 'elasticsearch-credentials', key: 'ELASTIC_PASSWORD' } },
      READER_USER: 'grafana_logs',
      READER_PASSWORD: { secretKeyRef: { name: 'elasticsearch-logs-reader', key: 'GRAFANA_LOGS_PASSWORD' } },
      READER_ROLE: 'logs_reader',
      LOG_INDICES: 'ai-agent-*',
      SERVICE_USER: 'agent_service',
      SERVICE_PASSWORD: { secretKeyRef: { name: 'elasticsearch-service-user', key: 'ELASTICSEARCH_SERVICE_PASSWORD' } },
      SERVICE_ROLE: 'agent_service',
      SERVICE_INDICES: 'ai-agent-*,agent-docs',
      EXPORTER_USER: 'elasticsearch_exporter',
      EXPORTER_PASSWORD: { secretKeyRef: { name: 'elasticsearch-exporter', key: 'ELASTICSEARCH_EXPORTER_PASSWORD' } },
      EXPORTER_ROLE: 'elasticsearch_exporter',
      HOME: '/tmp',
    });
    expect(c.volumeMounts).toContainEqual({ name: 'elasticsearch-ca', mountPath: '/etc/elasticsearch-ca', readOnly: true });
    expect(j.spec.template.metadata.annotations['checksum/scripts']).toMatch(/^[0-9a-f]{64}$/);
    expect(only(objs, 'ServiceAccount', 'elasticsearch-init').automountServiceAccountToken).toBe(false);
    expectRestricted(objs);
  });

  it('takes another user, role and index pattern', () => {
    const { objs } = render({ reader: { ...base.reader, user: 'logs-ro', role: 'ro', indexPattern: 'filebeat-*' } });
    const env = only(objs, 'Job').spec.template.spec.containers[0].env;
    expect(env.filter((e: Obj) => ['READER_USER', 'READER_ROLE', 'LOG_INDICES'].includes(e.name)).map((e: Obj) => e.value)).toEqual(['logs-ro', 'ro', 'filebeat-*']);
  });

  it('refuses an index pattern the script would have to escape', () => {
    expect(() => render({ reader: { ...base.reader, indexPattern: 'ai-agent-*,"x"' } })).toThrow(
      'ElasticsearchInitJob elasticsearch-init: reader.indexPattern "ai-agent-*,\\"x\\"" must be an index pattern like "ai-agent-*"',
    );
  });

  it('refuses a user name with upper-case letters', () => {
    expect(() => render({ reader: { ...base.reader, user: 'Grafana' } })).toThrow('reader.user "Grafana" must be lower-case letters, digits, "_" or "-"');
  });

  it('refuses the elastic superuser as the reader', () => {
    expect(() => render({ reader: { ...base.reader, user: 'elastic' } })).toThrow('reader.user "elastic" is the superuser; each client must be a user of its own');
    expect(() => render({ service: { ...base.service, user: 'elastic' } })).toThrow('service.user "elastic" is the superuser; each client must be a user of its own');
    expect(() => render({ exporter: { ...base.exporter, user: 'elastic' } })).toThrow('exporter.user "elastic" is the superuser; each client must be a user of its own');
  });

  it('refuses two clients sharing a user or a password', () => {
    expect(() => render({ service: { ...base.service, user: 'grafana_logs' } })).toThrow('service.user and reader.user are both "grafana_logs"; each client needs a user of its own');
    expect(() => render({ exporter: { ...base.exporter, password: base.service.password } })).toThrow(
      'exporter.password and service.password are both elasticsearch-service-user/ELASTICSEARCH_SERVICE_PASSWORD; each user needs a password of its own',
    );
  });

  it('refuses an empty or unescapable service index pattern', () => {
    expect(() => render({ service: { ...base.service, indexPatterns: [] } })).toThrow('service.indexPatterns is empty');
    expect(() => render({ service: { ...base.service, indexPatterns: ['ai-agent-*', 'A,b'] } })).toThrow('service.indexPatterns[1] "A,b" must be an index pattern like "ai-agent-*"');
  });

  it('refuses to give the reader the elastic password', () => {
    expect(() => render({ reader: { ...base.reader, password: base.elasticPassword } })).toThrow(
      'reader.password and elasticPassword are both elasticsearch-credentials/ELASTIC_PASSWORD; each user needs a password of its own',
    );
  });
});
