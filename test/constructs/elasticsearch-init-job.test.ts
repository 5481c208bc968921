import { describe, expect, it } from 'vitest';
import { ElasticsearchInitJob, type ElasticsearchInitJobProps } from '../../constructs/elasticsearch-init-job.ts';
import { ScriptConfigMap } from '../../constructs/script-config-map.ts';
import { objects, only, testChart, type Obj } from '../support/charts.ts';
import { expectRestricted } from '../support/restricted.ts';

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
