import { describe, expect, it } from 'vitest';
import { Elasticsearch, type ElasticsearchProps } from '../../constructs/elasticsearch.ts';
import { objects, only, testChart, type Obj } from '../support/charts.ts';
import { expectRestricted } from '../support/restricted.ts';

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
