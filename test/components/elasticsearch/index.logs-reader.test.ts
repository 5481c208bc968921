/**
 * Grafana's logs datasource in every environment with an in-cluster Elasticsearch: the init Job
 * that creates its read-only user, the datasource signing in as that user with the password by
 * reference only, and the NetworkPolicy rules both need.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { loadEnvironments } from '../../../environments/load.ts';
import { environmentSchema } from '../../../environments/schema/index.ts';
import { buildPlatform } from '../../../stacks/platform-chart.ts';
import { manifestsOf } from '../../../stacks/render.ts';
import { only, type Obj } from '../../support/charts.ts';

const DIR = join(import.meta.dirname, '..', '..', '..', 'environments');
const envs = loadEnvironments(DIR);
const READER_KEY = { name: 'elasticsearch-logs-reader', key: 'GRAFANA_LOGS_PASSWORD' };

const podName = (peer: Obj) => peer['podSelector']?.matchLabels?.['app.kubernetes.io/name'];
/** Ports of the rules of `np`'s `direction` whose peer is the pod `name`. */
const portsTo = (np: Obj, direction: 'ingress' | 'egress', name: string) =>
  (np['spec'][direction] as Obj[])
    .filter((r) => (direction === 'ingress' ? r.from : r.to).some((p: Obj) => podName(p) === name))
    .flatMap((r) => r.ports.map((p: Obj) => p.port));

const withElasticsearch = envs.filter((e) => e.data.elasticsearch.enabled && e.data.elasticsearch.mode === 'statefulset');

describe.each(withElasticsearch.map((e) => [e.name, e] as const))('logs reader in %s', (_name, env) => {
  const objs = manifestsOf(buildPlatform(env)) as Obj[];
  const datasources = yaml.load(only(objs, 'ConfigMap', 'grafana-datasources')['data']['datasources.yaml']) as Obj;
  const logs = (datasources['datasources'] as Obj[]).find((d) => d.uid === 'logs');

  it('runs the elasticsearch-init Job on every sync (a Sync hook), creating grafana_logs over the environment\'s log indices', () => {
    const job = only(objs, 'Job', 'elasticsearch-init');
    expect(job['metadata'].annotations['argocd.argoproj.io/hook']).toBe('Sync');
    const vars = Object.fromEntries(job['spec'].template.spec.containers[0].env.map((e: Obj) => [e.name, e.value ?? e.valueFrom]));
    expect(vars).toMatchObject({
      ES_URL: 'https://elasticsearch:9200',
      ES_CA_CERT: '/etc/elasticsearch-ca/ca.crt',
      READER_USER: 'grafana_logs',
      READER_ROLE: 'logs_reader',
      LOG_INDICES: 'ai-agent-*',
      READER_PASSWORD: { secretKeyRef: READER_KEY },
      ELASTIC_PASSWORD: { secretKeyRef: { name: 'elasticsearch-credentials', key: 'ELASTIC_PASSWORD' } },
    });
    expect(only(objs, 'ConfigMap', 'data-scripts')['data']).toHaveProperty('elasticsearch-init.sh');
  });

  it('reads the reader\'s password from the environment\'s data secret into a Secret holding nothing else', () => {
    const reader = only(objs, 'ExternalSecret', 'elasticsearch-logs-reader');
    expect(reader['spec'].data).toEqual([{ secretKey: 'GRAFANA_LOGS_PASSWORD', remoteRef: { key: `${env.secrets.remoteKeyPrefix}/data`, property: 'GRAFANA_LOGS_PASSWORD' } }]);
    // Elasticsearch itself does not depend on the reader's password being in the store.
    expect(only(objs, 'ExternalSecret', 'elasticsearch-credentials')['spec'].data.map((d: Obj) => d.secretKey)).toEqual(['ELASTIC_PASSWORD']);
  });

  it('provisions the logs datasource as grafana_logs over HTTPS verified against the CA, its password only by reference', () => {
    expect(logs).toMatchObject({
      type: 'elasticsearch',
      url: 'https://elasticsearch:9200',
      basicAuth: true,
      basicAuthUser: 'grafana_logs',
      jsonData: { index: 'ai-agent-*', timeField: '@timestamp', tlsAuthWithCACert: true },
      secureJsonData: { basicAuthPassword: '$LOGS_DATASOURCE_PASSWORD', tlsCACert: '$LOGS_DATASOURCE_CA_CERT' },
    });
    expect(logs!['jsonData']).not.toHaveProperty('tlsSkipVerify');
    const grafana = only(objs, 'Deployment', 'grafana')['spec'].template.spec.containers[0];
    expect(grafana.env).toContainEqual({ name: 'LOGS_DATASOURCE_PASSWORD', valueFrom: { secretKeyRef: READER_KEY } });
    expect(grafana.env).toContainEqual({ name: 'LOGS_DATASOURCE_CA_CERT', valueFrom: { secretKeyRef: { name: 'elasticsearch-http-tls', key: 'ca.crt' } } });
    // Grafana never sees the superuser's password.
    expect(JSON.stringify(grafana.env)).not.toContain('ELASTIC_PASSWORD');
  });

  it('lets Grafana and the init Job reach Elasticsearch on 9200 through both NetworkPolicies, and the Job reach DNS', () => {
    const es = only(objs, 'NetworkPolicy', 'elasticsearch');
    expect(portsTo(es, 'ingress', 'grafana')).toEqual([9200]);
    expect(portsTo(es, 'ingress', 'elasticsearch-init')).toEqual([9200]);
    expect(portsTo(only(objs, 'NetworkPolicy', 'grafana'), 'egress', 'elasticsearch')).toEqual([9200]);
    const init = only(objs, 'NetworkPolicy', 'elasticsearch-init');
    expect(portsTo(init, 'egress', 'elasticsearch')).toEqual([9200]);
    expect(init['spec'].egress.flatMap((r: Obj) => r.ports.map((p: Obj) => p.port))).toEqual([9200, 53, 53]);
    expect(init['spec'].ingress).toBeUndefined();
  });

  it('writes no password literal: every password-like variable of the Job and Grafana is a secret reference', () => {
    for (const [kind, name] of [['Job', 'elasticsearch-init'], ['Deployment', 'grafana']] as const) {
      for (const e of only(objs, kind, name)['spec'].template.spec.containers[0].env) {
        if (/PASSWORD/.test(e.name)) expect(e.value, `${name} ${e.name}`).toBeUndefined();
      }
    }
    expect(only(objs, 'ConfigMap', 'grafana-datasources')['data']['datasources.yaml']).not.toMatch(/password:\s*[^$\s]/i);
  });
});

describe('logs reader without an in-cluster Elasticsearch', () => {
  const variant = (elasticsearch: Obj) => {
    const raw = yaml.load(readFileSync(join(DIR, 'staging.yaml'), 'utf8')) as Obj;
    raw['data'] = { ...raw['data'], elasticsearch };
    return manifestsOf(buildPlatform(environmentSchema.parse(raw))) as Obj[];
  };

  it.each([
    ['disabled', { mode: 'statefulset', enabled: false }],
    ['managed OpenSearch', { mode: 'managed', endpoint: { host: 'search.example.internal' } }],
  ])('renders neither the Job nor the datasource when Elasticsearch is %s', (_what, elasticsearch) => {
    const objs = variant(elasticsearch);
    expect(objs.filter((o) => o['metadata'].name === 'elasticsearch-init')).toEqual([]);
    expect(only(objs, 'ConfigMap', 'grafana-datasources')['data']['datasources.yaml']).not.toContain('uid: logs');
  });

  it('takes the index pattern from data.elasticsearch.logIndexPattern', () => {
    const objs = variant({ mode: 'statefulset', logIndexPattern: 'filebeat-ai-*' });
    const job = only(objs, 'Job', 'elasticsearch-init')['spec'].template.spec.containers[0];
    expect(job.env).toContainEqual({ name: 'LOG_INDICES', value: 'filebeat-ai-*' });
    expect(only(objs, 'ConfigMap', 'grafana-datasources')['data']['datasources.yaml']).toContain('index: filebeat-ai-*');
  });

  it('refuses an index pattern with upper-case letters or quotes', () => {
    const raw = yaml.load(readFileSync(join(DIR, 'staging.yaml'), 'utf8')) as Obj;
    raw['data'] = { ...raw['data'], elasticsearch: { mode: 'statefulset', logIndexPattern: 'AI-Agent-*' } };
    const r = environmentSchema.safeParse(raw);
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]).toMatchObject({ path: ['data', 'elasticsearch', 'logIndexPattern'], message: 'a lower-case index pattern like "ai-agent-*"' });
  });
});

it('covers every environment that runs Elasticsearch in the cluster', () => {
  // Read from the environments, so describe.each above checks each of them; an empty list would check nothing.
  expect(withElasticsearch.length).toBeGreaterThan(0);
  const rendersInit = envs.filter((e) => (manifestsOf(buildPlatform(e)) as Obj[]).some((o) => o['kind'] === 'Job' && o['metadata'].name === 'elasticsearch-init'));
  expect(rendersInit.map((e) => e.name)).toEqual(withElasticsearch.map((e) => e.name));
});
