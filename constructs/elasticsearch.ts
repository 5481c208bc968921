/**
 * Elasticsearch 8 as a StatefulSet: one node (dev) or three or more master-eligible data nodes
 * (prod) that discover each other through the headless Service, with `cluster.initial_master_nodes`
 * set only while a node has no cluster state (first boot). Security is on: the `elastic` password
 * from a secret; HTTPS on 9200 with a certificate from a private cert-manager CA (self-signed Issuer
 * -> CA Certificate -> CA Issuer, namespaced), whose `ca.crt` every client verifies; node-to-node TLS
 * from the same CA when there is more than one node. The exporter signs in as a `monitor`-only user
 * (created by the `elasticsearch-init` Job), never as `elastic`.
 * Heap is half the memory limit; `node.store.allow_mmap: false` removes the need for a privileged
 * init container raising `vm.max_map_count`. elasticsearch-exporter runs as its own Deployment, so
 * cluster-wide metrics are scraped once, not once per node.
 */
import { CustomResource } from './custom-resource.ts';
import type { ICertificate } from '@kubernetes-models/cert-manager/cert-manager.io/v1/Certificate';
import type { IIssuer } from '@kubernetes-models/cert-manager/cert-manager.io/v1/Issuer';
import { Chart, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { quantityBytes } from '../kube/quantity.ts';
import type { Resources } from './resources.ts';
import { AppDeployment } from './app-deployment.ts';
import { caFile, type CaBundle } from './ca-bundle.ts';
import { Connections, type Connectable } from './connections.ts';
import { k8s } from './k8s.ts';
import { dataVolumeClaim, workloadService } from './stateful-parts.ts';
import { componentLabels, selectorLabels } from './labels.ts';
import { PodDisruptionBudget } from './pod-disruption-budget.ts';
import { fromSecret, type SecretKeyRef } from './secret-key-ref.ts';
import { containerResources } from './resources.ts';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from './security.ts';
import type { WorkloadRef } from './workload-ref.ts';

export const ELASTICSEARCH_PORT = 9200;
export const ELASTICSEARCH_TRANSPORT_PORT = 9300;
export const ELASTICSEARCH_EXPORTER_PORT = 9114;
const UID = 1000;
const HOME = '/usr/share/elasticsearch';

export interface ElasticsearchProps {
  /** @default 'elasticsearch' */
  readonly name?: string;
  readonly image: string;
  readonly exporterImage: string;
  /** 1, or at least 3 (two master-eligible nodes cannot elect a master after losing one). */
  readonly nodes: number;
  readonly resources: Resources;
  readonly storage: { readonly size: string; readonly storageClass?: string };
  readonly password: SecretKeyRef;
  /**
   * The user the exporter signs in as. It needs cluster `monitor` and, for `--es.indices`, index
   * `monitor` on `*` (elasticsearch_exporter v1.9.0 README, "security privileges"); the
   * `elasticsearch-init` Job creates it with exactly those.
   */
  readonly exporterCredentials: {
    /** @default 'elasticsearch_exporter' */
    readonly user?: string;
    readonly password: SecretKeyRef;
  };
  /**
   * IAM role the nodes assume (IRSA) to write snapshots to S3 (the S3 client finds the bucket's
   * region by itself).
   * @default - none: S3 credentials must be added to the nodes' keystore by hand
   */
  readonly snapshotRoleArn?: string;
}

export class Elasticsearch extends Construct implements Connectable {
  readonly name: string;
  readonly connections: Connections;
  /** The StatefulSet this construct renders, for availability alerts. */
  get workload(): WorkloadRef {
    return { kind: 'StatefulSet', name: this.name };
  }
  readonly host: string;
  readonly port = ELASTICSEARCH_PORT;
  /** The ServiceAccount the nodes run as; with `snapshotRoleArn` it writes the snapshots. */
  readonly serviceAccountName: string;
  /** The exporter Deployment, which Prometheus scrapes. */
  readonly exporter: AppDeployment;
  /** The user the exporter signs in as; the init Job creates it. */
  readonly exporterUser: string;
  /** `https://<name>:9200`: the only way in; its certificate verifies against {@link ca}. */
  readonly url: string;
  /** The CA certificate every client verifies the HTTP certificate against. */
  readonly ca: CaBundle;

  constructor(scope: Construct, id: string, props: ElasticsearchProps) {
    super(scope, id);
    const name = props.name ?? 'elasticsearch';
    if (props.nodes === 2 || props.nodes < 1) {
      throw new Error(`Elasticsearch ${name}: nodes ${props.nodes}; use 1, or 3 or more (two master-eligible nodes cannot elect a master after losing one)`);
    }
    const limitMb = Math.floor(quantityBytes(props.resources.limits.memory) / 2 ** 20);
    if (limitMb < 1024) throw new Error(`Elasticsearch ${name}: resources.limits.memory ${props.resources.limits.memory} is below 1Gi`);
    const exporterUser = props.exporterCredentials.user ?? 'elasticsearch_exporter';
    if (exporterUser === 'elastic') throw new Error(`Elasticsearch ${name}: exporterCredentials.user "elastic" is the superuser; the exporter needs a monitor-only user of its own`);
    const exporterPassword = props.exporterCredentials.password;
    if (exporterPassword.name === props.password.name && exporterPassword.key === props.password.key) {
      throw new Error(`Elasticsearch ${name}: exporterCredentials.password and password are both ${exporterPassword.name}/${exporterPassword.key}; the exporter needs a password of its own`);
    }
    this.name = name;
    this.host = name;
    this.exporterUser = exporterUser;
    this.url = `https://${name}:${ELASTICSEARCH_PORT}`;
    const httpTls = `${name}-http-tls`;
    // cert-manager's CA Issuer writes the issuing CA into `ca.crt` of every certificate's Secret.
    this.ca = { secretName: httpTls, key: 'ca.crt', volumeName: `${name}-ca`, mountPath: `/etc/${name}-ca` };
    const namespace = Chart.of(this).namespace;
    const headless = `${name}-headless`;
    const selector = selectorLabels(name);
    const labels = componentLabels(name, 'search');
    const cluster = props.nodes > 1;
    const heapMb = Math.floor(limitMb / 2);
    this.connections = new Connections(this, { name, component: 'search', podSelector: selector, defaultPorts: [{ port: ELASTICSEARCH_PORT }] });
    if (cluster) this.connections.allowTo(this, [{ port: ELASTICSEARCH_TRANSPORT_PORT }]);

    this.serviceAccountName = name;
    new k8s.KubeServiceAccount(this, 'service-account', {
      metadata: {
        name: this.serviceAccountName,
        labels,
        annotations: props.snapshotRoleArn ? { 'eks.amazonaws.com/role-arn': props.snapshotRoleArn } : undefined,
      },
      automountServiceAccountToken: false,
    });

    const password = fromSecret(props.password);
    const nodeNames = Array.from({ length: props.nodes }, (_, i) => `${name}-${i}`).join(',');
    const settings: k8s.EnvVar[] = [
      { name: 'cluster.name', value: name },
      { name: 'node.name', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
      { name: 'node.store.allow_mmap', value: 'false' },
      { name: 'xpack.security.enabled', value: 'true' },
      // Passwords cross the network in every request's basic auth, so HTTP is TLS only (settings of
      // https://www.elastic.co/guide/en/elasticsearch/reference/8.17/security-settings.html#http-tls-ssl-settings);
      // Elasticsearch reloads the PEM files when cert-manager renews them. No client certificates.
      { name: 'xpack.security.http.ssl.enabled', value: 'true' },
      { name: 'xpack.security.http.ssl.key', value: `${HOME}/config/http/tls.key` },
      { name: 'xpack.security.http.ssl.certificate', value: `${HOME}/config/http/tls.crt` },
      { name: 'xpack.security.http.ssl.certificate_authorities', value: `${HOME}/config/http/ca.crt` },
      { name: 'ELASTIC_PASSWORD', valueFrom: password },
      { name: 'ES_JAVA_OPTS', value: `-Xms${heapMb}m -Xmx${heapMb}m` },
      { name: 'ES_TMPDIR', value: '/tmp' },
      ...(cluster
        ? [
            { name: 'discovery.seed_hosts', value: headless },
            { name: 'xpack.security.transport.ssl.enabled', value: 'true' },
            // The CA is private to this cluster, so a valid chain is the proof of membership.
            { name: 'xpack.security.transport.ssl.verification_mode', value: 'certificate' },
            { name: 'xpack.security.transport.ssl.key', value: `${HOME}/config/transport/tls.key` },
            { name: 'xpack.security.transport.ssl.certificate', value: `${HOME}/config/transport/tls.crt` },
            { name: 'xpack.security.transport.ssl.certificate_authorities', value: `${HOME}/config/transport/ca.crt` },
          ]
        : [{ name: 'discovery.type', value: 'single-node' }]),
    ];
    // cluster.initial_master_nodes only while this node has no cluster state: left in place after
    // bootstrap it could let a wiped node form a second cluster.
    const start = cluster
      ? `if [ ! -d ${HOME}/data/_state ]; then exec env cluster.initial_master_nodes=${nodeNames} /usr/local/bin/docker-entrypoint.sh eswrapper; fi; exec /usr/local/bin/docker-entrypoint.sh eswrapper`
      : 'exec /usr/local/bin/docker-entrypoint.sh eswrapper';
    // Over loopback, but verified like any client: the certificate names the Service, not 127.0.0.1.
    const health: k8s.ExecAction = {
      command: [
        'bash',
        '-c',
        `printf 'user = "elastic:%s"\\n' "$ELASTIC_PASSWORD" | curl --silent --fail --cacert ${HOME}/config/http/ca.crt --resolve ${name}:${ELASTICSEARCH_PORT}:127.0.0.1 --config - '${this.url}/_cluster/health?local=true&timeout=2s' >/dev/null`,
      ],
    };
    const securityContext = { ...restrictedContainerSecurityContext(), runAsUser: UID, runAsGroup: 0 };

    new k8s.KubeStatefulSet(this, 'stateful-set', {
      metadata: { name, labels },
      spec: {
        serviceName: headless,
        replicas: props.nodes,
        selector: { matchLabels: { ...selector } },
        // Nodes start together so a new cluster can elect its first master.
        podManagementPolicy: 'Parallel',
        updateStrategy: { type: 'RollingUpdate' },
        persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: this.serviceAccountName,
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            securityContext: { ...restrictedPodSecurityContext(UID), runAsGroup: 0, fsGroup: UID },
            terminationGracePeriodSeconds: 120,
            topologySpreadConstraints: cluster
              ? [{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { ...selector } } }]
              : undefined,
            initContainers: [
              {
                // The image writes its keystore into config/ at start; the root filesystem is read-only,
                // so config/ is a copy on an emptyDir. With IRSA, the S3 client reads the web identity
                // token from inside config/ only.
                name: 'config',
                image: props.image,
                imagePullPolicy: 'IfNotPresent',
                command: [
                  'bash',
                  '-c',
                  `set -euo pipefail; cp -a ${HOME}/config/. /config/; if [ -n "\${AWS_WEB_IDENTITY_TOKEN_FILE:-}" ]; then mkdir -p /config/repository-s3; ln -sf "$AWS_WEB_IDENTITY_TOKEN_FILE" /config/repository-s3/aws-web-identity-token-file; fi`,
                ],
                resources: containerResources({ requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '128Mi' } }),
                securityContext,
                volumeMounts: [{ name: 'config', mountPath: '/config' }],
              },
            ],
            containers: [
              {
                name: 'elasticsearch',
                image: props.image,
                imagePullPolicy: 'IfNotPresent',
                command: ['bash', '-c', start],
                ports: [
                  { name: 'http', containerPort: ELASTICSEARCH_PORT, protocol: 'TCP' },
                  { name: 'transport', containerPort: ELASTICSEARCH_TRANSPORT_PORT, protocol: 'TCP' },
                ],
                env: settings,
                resources: containerResources(props.resources),
                securityContext,
                startupProbe: { tcpSocket: { port: k8s.IntOrString.fromString('http') }, periodSeconds: 5, failureThreshold: 60 },
                readinessProbe: { exec: health, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 },
                livenessProbe: { tcpSocket: { port: k8s.IntOrString.fromString('transport') }, periodSeconds: 20, failureThreshold: 6 },
                volumeMounts: [
                  { name: 'data', mountPath: `${HOME}/data` },
                  { name: 'config', mountPath: `${HOME}/config` },
                  { name: 'logs', mountPath: `${HOME}/logs` },
                  { name: 'tmp', mountPath: '/tmp' },
                  { name: 'http-tls', mountPath: `${HOME}/config/http`, readOnly: true },
                  ...(cluster ? [{ name: 'transport-tls', mountPath: `${HOME}/config/transport`, readOnly: true }] : []),
                ],
              },
            ],
            volumes: [
              { name: 'config', emptyDir: { sizeLimit: k8s.Quantity.fromString('64Mi') } },
              { name: 'logs', emptyDir: { sizeLimit: k8s.Quantity.fromString('512Mi') } },
              { name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('1Gi') } },
              { name: 'http-tls', secret: { secretName: httpTls } },
              ...(cluster ? [{ name: 'transport-tls', secret: { secretName: `${name}-transport-tls` } }] : []),
            ],
          },
        },
        volumeClaimTemplates: [dataVolumeClaim(this, labels, props.storage.size, props.storage.storageClass)],
      },
    });

    workloadService(this, 'headless-service', {
      name: headless,
      labels,
      selector,
      headless: true,
      // Discovery must see nodes before they are ready: readiness needs a cluster to exist.
      publishNotReadyAddresses: true,
      ports: [{ name: 'transport', port: ELASTICSEARCH_TRANSPORT_PORT }],
    });
    workloadService(this, 'service', { name, labels, selector, ports: [{ name: 'http', port: ELASTICSEARCH_PORT }] });
    new PodDisruptionBudget(this, 'disruption-budget', { name, component: 'search', selector, maxUnavailable: 1, minReplicas: props.nodes });

    this.certificates(name, headless, labels, cluster, namespace);

    this.exporter = new AppDeployment(this, 'exporter', {
      name: `${name}-exporter`,
      component: 'metrics',
      image: props.exporterImage,
      // --es.aliases (on by default) reads GET /_alias, which needs view_index_metadata, and fails the
      // whole index scrape without it; no alert or panel uses the alias series.
      args: [`--es.uri=${this.url}`, `--es.ca=${caFile(this.ca)}`, '--es.all', '--es.indices', '--no-es.aliases', `--web.listen-address=:${ELASTICSEARCH_EXPORTER_PORT}`],
      port: { name: 'metrics', containerPort: ELASTICSEARCH_EXPORTER_PORT },
      // ES_USERNAME and ES_PASSWORD override credentials in the URI (exporter README).
      env: [
        { name: 'ES_USERNAME', value: exporterUser },
        { name: 'ES_PASSWORD', valueFrom: fromSecret(exporterPassword) },
      ],
      caBundles: [this.ca],
      resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '128Mi' } },
      replicas: 1,
      uid: 65534,
      readinessProbe: { path: '/healthz' },
      // The static landing page: the process serves HTTP, whatever the state of Elasticsearch.
      livenessProbe: { path: '/', period: Duration.seconds(30) },
    });
    this.exporter.connections.allowTo(this);
  }

  /**
   * A self-signed root, a CA issuer from it (cert-manager's documented bootstrap of a private CA),
   * the HTTP certificate for the Service's names, and, with several nodes, one certificate they
   * share for transport TLS.
   */
  private certificates(name: string, headless: string, labels: Record<string, string>, cluster: boolean, namespace?: string): void {
    const issuer = (id: string, issuerName: string, spec: NonNullable<IIssuer['spec']>) =>
      new CustomResource<IIssuer>(this, id, { apiVersion: 'cert-manager.io/v1', kind: 'Issuer', metadata: { name: issuerName, labels }, spec });
    const certificate = (id: string, certName: string, spec: NonNullable<ICertificate['spec']>) =>
      new CustomResource<ICertificate>(this, id, { apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: { name: certName, labels }, spec });
    issuer('selfsigned-issuer', `${name}-selfsigned`, { selfSigned: {} });
    certificate('ca-certificate', `${name}-ca`, {
      isCA: true,
      commonName: `${name}-ca`,
      secretName: `${name}-ca`,
      duration: '87600h',
      privateKey: { algorithm: 'ECDSA', size: 256 },
      issuerRef: { kind: 'Issuer', name: `${name}-selfsigned` },
    });
    issuer('ca-issuer', `${name}-ca`, { ca: { secretName: `${name}-ca` } });
    certificate('http-certificate', `${name}-http-tls`, {
      secretName: `${name}-http-tls`,
      commonName: name,
      // The names clients use: the Service, short and namespace-qualified.
      dnsNames: namespace ? [name, `${name}.${namespace}`, `${name}.${namespace}.svc`] : [name],
      duration: '8760h',
      renewBefore: '720h',
      privateKey: { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' },
      usages: ['server auth'],
      issuerRef: { kind: 'Issuer', name: `${name}-ca` },
    });
    if (!cluster) return;
    certificate('transport-certificate', `${name}-transport-tls`, {
      secretName: `${name}-transport-tls`,
      commonName: name,
      dnsNames: [headless, `*.${headless}`],
      duration: '8760h',
      renewBefore: '720h',
      privateKey: { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' },
      usages: ['server auth', 'client auth'],
      issuerRef: { kind: 'Issuer', name: `${name}-ca` },
    });
  }
}
