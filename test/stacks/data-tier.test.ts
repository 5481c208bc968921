import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { STORES } from '../../components/index.ts';
import { elasticsearchStore } from '../../components/elasticsearch/index.ts';
import { postgresStore } from '../../components/postgres/index.ts';
import { redisStore } from '../../components/redis/index.ts';
import { loadEnvironment } from '../../environments/load.ts';
import { environmentSchema, type Environment } from '../../environments/schema/index.ts';
import { buildPlatform } from '../../stacks/platform-chart.ts';
import { manifestsOf, renderEnvironment } from '../../stacks/render.ts';
import { only, type Obj } from '../support/charts.ts';

const DIR = join(import.meta.dirname, '..', '..', 'environments');
const dev = loadEnvironment(DIR, 'dev');
const prod = loadEnvironment(DIR, 'prod');

/** prod with every store managed and Elasticsearch off, as the Pulumi program would provision it. */
function managedProd(): Environment {
  const raw = yaml.load(readFileSync(join(DIR, 'prod.yaml'), 'utf8')) as Obj;
  raw['data'] = {
    ...raw['data'],
    postgres: {
      mode: 'managed',
      endpoint: { host: 'agent-platform.abc.eu-central-1.rds.amazonaws.com' },
      instanceClass: 'db.r6g.large',
      masterUsername: 'rds_admin',
    },
    redis: { mode: 'managed', endpoint: { host: 'master.agent-platform.abc.euc1.cache.amazonaws.com' } },
    elasticsearch: { mode: 'managed', enabled: false, endpoint: { host: 'search.example.internal' } },
  };
  return environmentSchema.parse(raw);
}

const manifests = (env: Environment) => manifestsOf(buildPlatform(env)) as Obj[];
const names = (objs: Obj[], kind: string) => objs.filter((o) => o['kind'] === kind).map((o) => o['metadata'].name).sort();
/** Objects of the data tier only (the monitoring tier renders StatefulSets of its own). */
const DATA_STORES = new Set(STORES.map((s) => s.name));
/** The stores these tests describe, by their modules; another store module adds objects they do not speak about. */
const THESE_STORES = new Set([postgresStore, redisStore, elasticsearchStore].map((s) => s.name));
const THESE_STORES_JOBS = new Set(['postgres-exporter', 'cloudnative-pg', 'redis-exporter', 'elasticsearch-exporter']);
const storeSets = (objs: Obj[]) => names(objs, 'StatefulSet').filter((n) => DATA_STORES.has(n));
const egressPorts = (np: Obj) => np['spec'].egress.flatMap((r: Obj) => r.ports.map((p: Obj) => p.port));

describe('data tier per environment', () => {
  it('runs Postgres as a StatefulSet in dev and as a three-instance CloudNativePG Cluster in prod', () => {
    const d = manifests(dev);
    const p = manifests(prod);
    expect(storeSets(d).filter((n) => THESE_STORES.has(n))).toEqual(['elasticsearch', 'postgres', 'redis']);
    expect(names(d, 'Cluster')).toEqual([]);
    expect(storeSets(p).filter((n) => THESE_STORES.has(n))).toEqual(['elasticsearch', 'redis']);
    expect(only(p, 'Cluster', 'postgres')['spec'].instances).toBe(3);
    expect(only(p, 'ScheduledBackup', 'postgres')['spec'].schedule).toBe('0 0 2 * * *');
    expect(only(p, 'StatefulSet', 'elasticsearch')['spec'].replicas).toBe(3);
  });

  it('backs up every in-cluster store daily at 02:00 with the environment retention, to its own prefix', () => {
    const p = manifests(prod);
    expect(names(p, 'CronJob')).toEqual(
      expect.arrayContaining([...THESE_STORES].flatMap((store) => [`${store}-backup`, `${store}-backup-restore`])),
    );
    const upload = only(p, 'CronJob', 'postgres-backup')['spec'].jobTemplate.spec.template.spec.containers[0];
    const env = Object.fromEntries(upload.env.map((e: Obj) => [e.name, e.value]));
    expect(env).toMatchObject({ BACKUP_TARGET: 's3://agent-platform-backups-prod/agent-platform/prod/postgres', RETENTION_DAYS: '30', AWS_REGION: 'eu-central-1' });
    expect(only(p, 'ServiceAccount', 'data-backup')['metadata'].annotations).toEqual({
      'eks.amazonaws.com/role-arn': 'arn:aws:iam::222222222222:role/agent-platform-prod-backup',
    });
    expect(only(manifests(dev), 'CronJob', 'redis-backup')['spec'].schedule).toBe('0 2 * * *');
    const restorePod = only(p, 'CronJob', 'redis-backup-restore')['spec'].jobTemplate.spec.template.spec;
    expect(restorePod.securityContext.fsGroup).toBe(999);
    expect(restorePod.containers[0].securityContext).toMatchObject({ runAsUser: 999, runAsGroup: 999 });
    // Dumps go to a claim made per Job, as large as the data they come from, not to node storage.
    const work = only(p, 'CronJob', 'postgres-backup')['spec'].jobTemplate.spec.template.spec.volumes.find((v: Obj) => v.name === 'work');
    expect(work.ephemeral.volumeClaimTemplate.spec).toEqual({ accessModes: ['ReadWriteOncePod'], storageClassName: 'gp3', resources: { requests: { storage: '100Gi' } } });
  });

  it('hands the monitoring tier one scrape target per exporter and one freshness bound per backup', () => {
    const chart = buildPlatform(prod);
    expect(chart.data.scrapeTargets.filter((t) => THESE_STORES_JOBS.has(t.job)).map((t) => [t.job, t.serviceName, t.port, t.portName])).toEqual([
      ['cloudnative-pg', 'postgres-metrics', 9187, 'metrics'],
      ['redis-exporter', 'redis', 9121, 'metrics'],
      ['elasticsearch-exporter', 'elasticsearch-exporter', 9114, 'metrics'],
    ]);
    expect(chart.data.backups.filter((b) => THESE_STORES.has(b.store))).toEqual([
      { cronJobName: 'postgres-backup', store: 'postgres', maxAgeSeconds: 86_400 + 1_800 + 7_200 },
      { cronJobName: 'redis-backup', store: 'redis', maxAgeSeconds: 95_400 },
      { cronJobName: 'elasticsearch-backup', store: 'elasticsearch', maxAgeSeconds: 95_400 },
    ]);
  });

  it('scrapes postgres-exporter where Postgres is a StatefulSet', () => {
    expect(buildPlatform(dev).data.scrapeTargets.filter((t) => THESE_STORES_JOBS.has(t.job)).map((t) => [t.job, t.serviceName, t.port])).toEqual([
      ['postgres-exporter', 'postgres', 9187],
      ['redis-exporter', 'redis', 9121],
      ['elasticsearch-exporter', 'elasticsearch-exporter', 9114],
    ]);
  });

  it('gives the service its connection URLs only by secret reference, and the plain parts in its ConfigMap', () => {
    const p = manifests(prod);
    const api = only(p, 'Deployment', 'agent-api')['spec'].template.spec.containers[0];
    for (const name of ['DATABASE_URL', 'LANGMEM_POSTGRES_URL', 'REDIS_URL', 'ELASTICSEARCH_URL']) {
      expect(api.env.find((e: Obj) => e.name === name), name).toEqual({ name, valueFrom: { secretKeyRef: { name: 'agent-service-data', key: name } } });
    }
    const templates = only(p, 'ExternalSecret', 'agent-service-data')['spec'].target.template.data;
    expect(templates['DATABASE_URL']).toBe('postgresql://agent_app:{{ .APP_DB_PASSWORD | urlquery | replace "+" "%20" }}@postgres-rw:5432/agent_platform');
    expect(templates['LANGMEM_POSTGRES_URL']).toBe('postgresql://langmem_user:{{ .LANGMEM_DB_PASSWORD | urlquery | replace "+" "%20" }}@postgres-rw:5432/langmem_store');
    expect(only(p, 'ConfigMap', 'agent-service-settings')['data']).toMatchObject({
      POSTGRES_HOST: 'postgres-rw',
      POSTGRES_DB: 'agent_platform',
      LANGMEM_POSTGRES_DB: 'langmem_store',
      REDIS_HOST: 'redis',
      ELASTICSEARCH_HOSTS: 'https://elasticsearch:9200',
      ELASTICSEARCH_CA_CERTS: '/etc/elasticsearch-ca/ca.crt',
    });
  });

  it('never renders a password: every password-like variable of every container is a secret reference', () => {
    for (const env of [dev, prod, managedProd()]) {
      for (const o of manifests(env)) {
        const pod = o['kind'] === 'CronJob' ? o['spec'].jobTemplate.spec.template.spec : o['spec']?.template?.spec;
        for (const c of [...(pod?.initContainers ?? []), ...(pod?.containers ?? [])]) {
          for (const e of c.env ?? []) {
            if (/PASSWORD|_AUTH$|SECRET|_URL$/.test(e.name) && e.value !== undefined) {
              expect(e.value, `${env.name} ${o['metadata'].name}/${c.name} ${e.name}`).not.toMatch(/:[^/@]+@/);
              expect(e.name, `${env.name} ${o['metadata'].name}/${c.name}`).not.toMatch(/PASSWORD|_AUTH$|SECRET/);
            }
          }
        }
      }
    }
  });

  it('admits only the service, the init Job and the backup to Postgres, and lets backups reach DNS and S3 only', () => {
    const d = manifests(dev);
    const pg = only(d, 'NetworkPolicy', 'postgres');
    const clients = pg['spec'].ingress.map((r: Obj) => r.from[0].podSelector.matchLabels['app.kubernetes.io/name']).sort();
    // Prometheus reaches the exporter port through the monitoring tier's own rule.
    expect(clients.filter((c: string) => c !== 'prometheus')).toEqual(['agent-api', 'agent-worker', 'postgres-backup', 'postgres-init']);
    const fromPrometheus = pg['spec'].ingress.filter((r: Obj) => r.from[0].podSelector.matchLabels['app.kubernetes.io/name'] === 'prometheus');
    for (const r of fromPrometheus) expect(r.ports).toEqual([{ port: 9187, protocol: 'TCP' }]);
    expect(pg['spec'].egress).toBeUndefined();
    expect(egressPorts(only(d, 'NetworkPolicy', 'postgres-backup'))).toEqual([5432, 443, 53, 53]);
    expect(egressPorts(only(d, 'NetworkPolicy', 'redis-backup'))).toEqual([6379, 443, 53, 53]);
    const api = only(d, 'NetworkPolicy', 'agent-api');
    expect(egressPorts(api)).toEqual(expect.arrayContaining([5432, 6379, 9200]));
  });
});

describe('validation', () => {
  it('validates the CloudNativePG Cluster and ScheduledBackup of prod against their CRD schemas', async () => {
    const files = await renderEnvironment(prod);
    expect(files.map((f) => f.path)).toEqual(expect.arrayContaining(['prod/cluster-postgres.yaml', 'prod/scheduledbackup-postgres.yaml']));
  });
});

describe('managed stores', () => {
  it('renders no in-cluster workload, points the service at the endpoints with TLS, and still backs up Postgres', () => {
    const m = manifests(managedProd());
    expect(storeSets(m)).toEqual([]);
    expect(names(m, 'Cluster')).toEqual([]);
    expect(names(m, 'CronJob')).toEqual(['postgres-backup', 'postgres-backup-restore']);
    const templates = only(m, 'ExternalSecret', 'agent-service-data')['spec'].target.template.data;
    expect(templates['DATABASE_URL']).toBe(
      'postgresql://agent_app:{{ .APP_DB_PASSWORD | urlquery | replace "+" "%20" }}@agent-platform.abc.eu-central-1.rds.amazonaws.com:5432/agent_platform?sslmode=require',
    );
    expect(templates['REDIS_URL']).toBe('rediss://:{{ .REDIS_PASSWORD | urlquery | replace "+" "%20" }}@master.agent-platform.abc.euc1.cache.amazonaws.com:6379/0');
    expect(templates['ELASTICSEARCH_URL']).toBeUndefined();
    expect(only(m, 'ConfigMap', 'agent-service-settings')['data']['ELASTICSEARCH_ENABLED']).toBe('false');
    const api = only(m, 'NetworkPolicy', 'agent-api');
    const toManaged = api['spec'].egress.filter((r: Obj) => r.to[0].ipBlock?.cidr === '0.0.0.0/0' && r.to[0].ipBlock.except === undefined);
    expect(toManaged.map((r: Obj) => r.ports[0].port)).toEqual([5432, 6379]);
    const initEnv = only(m, 'Job', 'postgres-init')['spec'].template.spec.containers[0].env;
    expect(initEnv).toContainEqual({ name: 'PGSSLMODE', value: 'require' });
    expect(initEnv).toContainEqual({ name: 'PGUSER', value: 'rds_admin' });
    const dump = only(m, 'CronJob', 'postgres-backup')['spec'].jobTemplate.spec.template.spec.initContainers[0];
    expect(dump.env).toContainEqual({ name: 'PGUSER', value: 'rds_admin' });
  });

  it('renders and validates every object against its schema', async () => {
    const files = await renderEnvironment(managedProd());
    expect(files.some((f) => f.path.endsWith('cronjob-postgres-backup.yaml'))).toBe(true);
  });
});
