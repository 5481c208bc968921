/**
 * Who talks to the in-cluster Elasticsearch, as whom, and over what, in every environment: HTTPS
 * only, from a certificate of the namespace's own cert-manager CA chain; every client verifies that
 * CA; the service and the exporter sign in as users of their own, and only the init Job and the
 * backup Jobs hold the `elastic` password. Managed OpenSearch keeps its IAM-authenticated HTTPS URL.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { loadEnvironments } from '../../../environments/load.ts';
import { environmentSchema } from '../../../environments/schema/index.ts';
import { checkObjects, sourced } from '../../../policies/engine.ts';
import { RULES } from '../../../policies/rules/index.ts';
import { buildPlatform } from '../../../stacks/platform-chart.ts';
import { manifestsOf } from '../../../stacks/render.ts';
import { only, type Obj } from '../../support/charts.ts';
import { userInfoTemplate } from '../../../constructs/url-user-info.ts';

const DIR = join(import.meta.dirname, '..', '..', '..', 'environments');
const envs = loadEnvironments(DIR);
const withElasticsearch = envs.filter((e) => e.data.elasticsearch.enabled && e.data.elasticsearch.mode === 'statefulset');
const CA_VOLUME = { name: 'elasticsearch-ca', secret: { secretName: 'elasticsearch-http-tls', items: [{ key: 'ca.crt', path: 'ca.crt' }] } };
const CA_MOUNT = { name: 'elasticsearch-ca', mountPath: '/etc/elasticsearch-ca', readOnly: true };

const podOf = (o: Obj): Obj | undefined => (o['kind'] === 'CronJob' ? o['spec'].jobTemplate.spec.template.spec : o['spec']?.template?.spec);
const containersOf = (pod: Obj): Obj[] => [...(pod['initContainers'] ?? []), ...(pod['containers'] ?? [])];

describe.each(withElasticsearch.map((e) => [e.name, e] as const))('Elasticsearch clients in %s', (_name, env) => {
  const objs = manifestsOf(buildPlatform(env)) as Obj[];
  const ns = env.namespace;

  it('issues the HTTP certificate from a namespaced CA Issuer chain: self-signed Issuer, CA Certificate, CA Issuer', () => {
    expect(only(objs, 'Issuer', 'elasticsearch-selfsigned')['spec']).toEqual({ selfSigned: {} });
    expect(only(objs, 'Certificate', 'elasticsearch-ca')['spec']).toMatchObject({ isCA: true, issuerRef: { kind: 'Issuer', name: 'elasticsearch-selfsigned' } });
    expect(only(objs, 'Issuer', 'elasticsearch-ca')['spec']).toEqual({ ca: { secretName: 'elasticsearch-ca' } });
    expect(only(objs, 'Certificate', 'elasticsearch-http-tls')['spec']).toMatchObject({
      dnsNames: ['elasticsearch', `elasticsearch.${ns}`, `elasticsearch.${ns}.svc`],
      issuerRef: { kind: 'Issuer', name: 'elasticsearch-ca' },
    });
    const es = only(objs, 'StatefulSet', 'elasticsearch')['spec'].template.spec.containers[0];
    expect(es.env).toContainEqual({ name: 'xpack.security.http.ssl.enabled', value: 'true' });
  });

  it('gives the service an https URL as agent_service, never elastic, and the CA file to verify it with', () => {
    const data = only(objs, 'ExternalSecret', 'agent-service-data')['spec'];
    expect(data.target.template.data['ELASTICSEARCH_URL']).toBe(`https://${userInfoTemplate('agent_service', 'ELASTICSEARCH_SERVICE_PASSWORD')}elasticsearch:9200`);
    expect(data.data.map((d: Obj) => d.secretKey)).not.toContain('ELASTIC_PASSWORD');
    expect(only(objs, 'ConfigMap', 'agent-service-settings')['data']['ELASTICSEARCH_CA_CERTS']).toBe('/etc/elasticsearch-ca/ca.crt');
    for (const name of ['agent-api', 'agent-worker']) {
      const pod = only(objs, 'Deployment', name)['spec'].template.spec;
      expect(pod.volumes, name).toContainEqual(CA_VOLUME);
      expect(pod.containers[0].volumeMounts, name).toContainEqual(CA_MOUNT);
    }
  });

  it('lets the init Job create the service and exporter users from their own Secrets', () => {
    const job = only(objs, 'Job', 'elasticsearch-init')['spec'].template.spec;
    const vars = Object.fromEntries(job.containers[0].env.map((e: Obj) => [e.name, e.value ?? e.valueFrom]));
    expect(vars).toMatchObject({
      SERVICE_USER: 'agent_service',
      SERVICE_INDICES: env.data.elasticsearch.mode === 'statefulset' ? env.data.elasticsearch.serviceIndexPatterns.join(',') : '',
      SERVICE_PASSWORD: { secretKeyRef: { name: 'elasticsearch-service-user', key: 'ELASTICSEARCH_SERVICE_PASSWORD' } },
      EXPORTER_USER: 'elasticsearch_exporter',
      EXPORTER_PASSWORD: { secretKeyRef: { name: 'elasticsearch-exporter', key: 'ELASTICSEARCH_EXPORTER_PASSWORD' } },
    });
    const remote = `${env.secrets.remoteKeyPrefix}/data`;
    expect(only(objs, 'ExternalSecret', 'elasticsearch-service-user')['spec'].data).toEqual([
      { secretKey: 'ELASTICSEARCH_SERVICE_PASSWORD', remoteRef: { key: remote, property: 'ELASTICSEARCH_SERVICE_PASSWORD' } },
    ]);
    expect(only(objs, 'ExternalSecret', 'elasticsearch-exporter')['spec'].data).toEqual([
      { secretKey: 'ELASTICSEARCH_EXPORTER_PASSWORD', remoteRef: { key: remote, property: 'ELASTICSEARCH_EXPORTER_PASSWORD' } },
    ]);
  });

  it('has every client that names Elasticsearch use https and verify the CA, none skipping verification', () => {
    const clients = objs.filter((o) => podOf(o) && JSON.stringify(podOf(o)).includes('elasticsearch:9200') && o['kind'] !== 'StatefulSet');
    expect(clients.map((o) => `${o['kind']}/${o['metadata'].name}`).sort()).toEqual([
      'CronJob/elasticsearch-backup',
      'CronJob/elasticsearch-backup-restore',
      'Deployment/elasticsearch-exporter',
      'Job/elasticsearch-init',
    ]);
    for (const o of clients) {
      const pod = podOf(o)!;
      const text = JSON.stringify(pod);
      expect(text, o['metadata'].name).not.toContain('http://elasticsearch');
      expect(text, o['metadata'].name).not.toMatch(/insecure|ssl-skip-verify|tlsSkipVerify/);
      expect(pod['volumes'], o['metadata'].name).toContainEqual(CA_VOLUME);
      for (const c of containersOf(pod).filter((c) => JSON.stringify(c).includes('elasticsearch:9200'))) {
        expect(c['volumeMounts'], `${o['metadata'].name}/${c['name']}`).toContainEqual(CA_MOUNT);
        const verifies = (c['env'] ?? []).some((e: Obj) => e.name === 'ES_CA_CERT' && e.value === '/etc/elasticsearch-ca/ca.crt') || (c['args'] ?? []).includes('--es.ca=/etc/elasticsearch-ca/ca.crt');
        expect(verifies, `${o['metadata'].name}/${c['name']}`).toBe(true);
      }
    }
  });

  it('keeps the elastic password to the store itself, its init Job and its backup Jobs', () => {
    const holders = objs
      .filter((o) => podOf(o) && containersOf(podOf(o)!).some((c) => (c['env'] ?? []).some((e: Obj) => e.valueFrom?.secretKeyRef?.key === 'ELASTIC_PASSWORD')))
      .map((o) => `${o['kind']}/${o['metadata'].name}`)
      .sort();
    expect(holders).toEqual(['CronJob/elasticsearch-backup', 'CronJob/elasticsearch-backup-restore', 'Job/elasticsearch-init', 'StatefulSet/elasticsearch']);
    const exporter = only(objs, 'Deployment', 'elasticsearch-exporter')['spec'].template.spec.containers[0];
    expect(exporter.env).toContainEqual({ name: 'ES_USERNAME', value: 'elasticsearch_exporter' });
  });

  it('passes no-store-superuser, which reports the exporter and the service signing in as elastic as they did', () => {
    const rules = RULES.filter((r) => r.id === 'no-store-superuser');
    const check = (set: Obj[]) => checkObjects(sourced(set), { env: { name: env.name, production: env.production }, rules }).findings;
    expect(check(objs)).toEqual([]);
    const before = structuredClone(objs);
    const exporter = only(before, 'Deployment', 'elasticsearch-exporter')['spec'].template.spec.containers[0];
    exporter.env = [{ name: 'ES_USERNAME', value: 'elastic' }, { name: 'ES_PASSWORD', valueFrom: { secretKeyRef: { name: 'elasticsearch-credentials', key: 'ELASTIC_PASSWORD' } } }];
    const data = only(before, 'ExternalSecret', 'agent-service-data')['spec'];
    data.data.push({ secretKey: 'ELASTIC_PASSWORD', remoteRef: { key: `${env.secrets.remoteKeyPrefix}/data`, property: 'ELASTIC_PASSWORD' } });
    data.target.template.data['ELASTICSEARCH_URL'] = 'http://elastic:{{ .ELASTIC_PASSWORD | urlquery }}@elasticsearch:9200';
    expect(check(before).map((f) => `${f.object.name} ${f.path}`).sort()).toEqual([
      'agent-api spec.template.spec.containers[0].env[' + envIndex(before, 'agent-api') + '].valueFrom.secretKeyRef',
      'agent-worker spec.template.spec.containers[0].env[' + envIndex(before, 'agent-worker') + '].valueFrom.secretKeyRef',
      'elasticsearch-exporter spec.template.spec.containers[0].env[0].value',
      'elasticsearch-exporter spec.template.spec.containers[0].env[1].valueFrom.secretKeyRef',
    ]);
  });
});

/** Index of ELASTICSEARCH_URL among a Deployment's environment variables. */
function envIndex(objs: Obj[], name: string): number {
  return only(objs, 'Deployment', name)['spec'].template.spec.containers[0].env.findIndex((e: Obj) => e.name === 'ELASTICSEARCH_URL');
}

describe('Elasticsearch clients with managed OpenSearch', () => {
  const raw = yaml.load(readFileSync(join(DIR, 'staging.yaml'), 'utf8')) as Obj;
  raw['data'] = { ...raw['data'], elasticsearch: { mode: 'managed', endpoint: { host: 'search.example.internal' } } };
  const objs = manifestsOf(buildPlatform(environmentSchema.parse(raw))) as Obj[];

  it('hands the service the HTTPS endpoint (public CA, IAM auth) and renders no private CA, user or password', () => {
    expect(only(objs, 'ConfigMap', 'agent-service-settings')['data']).toMatchObject({ ELASTICSEARCH_URL: 'https://search.example.internal:443', ELASTICSEARCH_HOSTS: 'https://search.example.internal:443' });
    expect(only(objs, 'ConfigMap', 'agent-service-settings')['data']).not.toHaveProperty('ELASTICSEARCH_CA_CERTS');
    expect(objs.filter((o) => ['Issuer', 'Certificate'].includes(o['kind']) && String(o['metadata'].name).startsWith('elasticsearch'))).toEqual([]);
    expect(objs.filter((o) => String(o['metadata'].name).startsWith('elasticsearch'))).toEqual([]);
    const api = only(objs, 'Deployment', 'agent-api')['spec'].template.spec;
    expect(JSON.stringify(api)).not.toContain('elasticsearch-ca');
  });
});
