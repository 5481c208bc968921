/**
 * Grafana as a Deployment with nothing to keep: the Prometheus datasource and every dashboard are
 * provisioned from ConfigMaps (dashboards are code, see `monitoring/dashboards.ts`), its database
 * lives in an `emptyDir`, and the admin password comes from the secret store, never from a
 * literal (the guides' `GF_SECURITY_ADMIN_PASSWORD=admin`, docs/design-inputs.md).
 */
import { createHash } from 'node:crypto';
import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import yaml from 'js-yaml';
import type { Resources } from './resources.ts';
import type { CaBundle } from './ca-bundle.ts';
import { Connections, type Connectable } from './connections.ts';
import { ExternalSecret } from './external-secret.ts';
import { k8s } from './k8s.ts';
import { fromSecret } from './secret-key-ref.ts';
import { componentLabels, selectorLabels } from './labels.ts';
import { type DashboardDefinition, PROMETHEUS_DATASOURCE, dashboardJson } from './monitoring/dashboards.ts';
import { assertApplicableConfigMap } from './monitoring/limits.ts';
import { promDuration } from '../kube/duration.ts';
import { PodDisruptionBudget } from './pod-disruption-budget.ts';
import { containerResources } from './resources.ts';
import type { ScrapeTarget } from './scrape-target.ts';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from './security.ts';
import type { WorkloadRef } from './workload-ref.ts';

const GRAFANA_PORT = 3000;
/** Job name of Grafana's own metrics. */
export const GRAFANA_JOB = 'grafana';
/** The image's `grafana` user. */
const GRAFANA_UID = 472;
const PROVISIONING = '/etc/grafana/provisioning';
const DASHBOARDS_DIR = '/var/lib/grafana-dashboards';
const ADMIN_PASSWORD_KEY = 'admin-password';
const LOGS_PASSWORD_ENV = 'LOGS_DATASOURCE_PASSWORD';
const LOGS_CA_ENV = 'LOGS_DATASOURCE_CA_CERT';

/** Where Grafana reads logs from. */
export interface GrafanaLogsDatasource {
  readonly url: string;
  /** Index pattern, e.g. `ai-agent-*` (filebeat's daily `ai-agent-%{+yyyy.MM.dd}`). */
  readonly index: string;
  /** @default '@timestamp' */
  readonly timeField?: string;
  readonly user: string;
  /** Secret key holding that user's password; it reaches Grafana as an environment variable. */
  readonly password: { readonly name: string; readonly key: string };
  /**
   * The private CA an `https://` url's certificate is verified against; its PEM reaches Grafana as
   * an environment variable (the datasource's `tlsCACert` takes the certificate, not a path).
   * @default - the system CAs
   */
  readonly ca?: CaBundle;
}

export interface GrafanaProps {
  /** @default 'grafana' */
  readonly name?: string;
  readonly image: string;
  readonly resources: Resources;
  /**
   * URL of the Prometheus queried. Reaching it is a relationship the caller declares
   * (`grafana.connections.allowTo(prometheus)`), since it may be ours or the cluster's.
   */
  readonly prometheusUrl: string;
  /** Prometheus's scrape interval, the smallest step a panel asks for. @default Duration.seconds(15) */
  readonly scrapeInterval?: Duration;
  readonly dashboards: readonly DashboardDefinition[];
  /**
   * Elasticsearch as a second datasource (uid `logs`) for the service's logs. Reaching it is a
   * relationship the caller declares, like Prometheus. The user should only be able to read the
   * log indices: Grafana's users can query anything the datasource's credentials can.
   * @default - no logs datasource
   */
  readonly logs?: GrafanaLogsDatasource;
  /** @default 'admin' */
  readonly adminUser?: string;
  readonly secretStore: { readonly kind: 'ClusterSecretStore' | 'SecretStore'; readonly name: string };
  /** Remote key holding `admin-password`. */
  readonly remoteKey: string;
  /** @default '1h' */
  readonly refreshInterval?: string;
}

export class Grafana extends Construct implements Connectable {
  readonly name: string;
  readonly connections: Connections;
  /** The Deployment this construct renders, for availability alerts. */
  get workload(): WorkloadRef {
    return { kind: 'Deployment', name: this.name };
  }
  readonly port = GRAFANA_PORT;
  readonly serviceName: string;
  /** Its own metrics, for Prometheus. */
  readonly scrapeTarget: ScrapeTarget;
  /** Dashboard JSON by file name, as provisioned. */
  readonly dashboardFiles: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: GrafanaProps) {
    super(scope, id);
    const name = props.name ?? 'grafana';
    const uids = props.dashboards.map((d) => d.uid);
    const dup = uids.find((u, i) => uids.indexOf(u) !== i);
    if (dup) throw new Error(`Grafana ${name}: dashboard uid ${JSON.stringify(dup)} is used twice; uids must be unique`);
    const badUid = uids.find((u) => !/^[a-zA-Z0-9_-]{1,40}$/.test(u));
    if (badUid !== undefined) throw new Error(`Grafana ${name}: dashboard uid ${JSON.stringify(badUid)} must be 1-40 letters, digits, "-" or "_"`);
    this.name = name;
    this.serviceName = name;
    const labels = componentLabels(name, 'monitoring');
    const selector = selectorLabels(name);
    this.connections = new Connections(this, { name, component: 'monitoring', podSelector: selector, defaultPorts: [{ port: GRAFANA_PORT }] });


    const secrets = new ExternalSecret(this, 'admin', {
      name: `${name}-admin`,
      component: 'monitoring',
      store: props.secretStore,
      remoteKey: props.remoteKey,
      keys: [ADMIN_PASSWORD_KEY],
      refreshInterval: props.refreshInterval,
    });

    const dump = (o: unknown) => yaml.dump(o, { lineWidth: -1, noRefs: true, quotingType: '"' });
    const logs = props.logs;
    const datasources = dump({
      apiVersion: 1,
      datasources: [
        ...(logs
          ? [
              {
                name: 'Logs',
                type: 'elasticsearch',
                uid: 'logs',
                access: 'proxy',
                url: logs.url,
                editable: false,
                basicAuth: true,
                basicAuthUser: logs.user,
                jsonData: {
                  index: logs.index,
                  timeField: logs.timeField ?? '@timestamp',
                  logMessageField: 'message',
                  logLevelField: 'log.level',
                  ...(logs.ca ? { tlsAuthWithCACert: true } : {}),
                },
                // Grafana expands environment variables in provisioning files (after parsing the
                // YAML, so a multi-line PEM is fine); the values never land in the ConfigMap.
                secureJsonData: { basicAuthPassword: `$${LOGS_PASSWORD_ENV}`, ...(logs.ca ? { tlsCACert: `$${LOGS_CA_ENV}` } : {}) },
              },
            ]
          : []),
        {
          name: 'Prometheus',
          type: PROMETHEUS_DATASOURCE.type,
          uid: PROMETHEUS_DATASOURCE.uid,
          access: 'proxy',
          url: props.prometheusUrl,
          isDefault: true,
          editable: false,
          jsonData: { timeInterval: promDuration(props.scrapeInterval ?? Duration.seconds(15)) },
        },
      ],
    });
    const providers = dump({
      apiVersion: 1,
      providers: [
        {
          name: 'agent-platform',
          type: 'file',
          disableDeletion: true,
          allowUiUpdates: false,
          options: { path: DASHBOARDS_DIR },
        },
      ],
    });
    this.dashboardFiles = Object.fromEntries(
      [...props.dashboards].sort((a, b) => (a.uid < b.uid ? -1 : 1)).map((d) => [`${d.uid}.json`, `${JSON.stringify(dashboardJson(d), null, 2)}\n`]),
    );
    const checksum = createHash('sha256').update(datasources).update(providers).update(JSON.stringify(this.dashboardFiles)).digest('hex');

    new k8s.KubeConfigMap(this, 'datasources', { metadata: { name: `${name}-datasources`, labels }, data: { 'datasources.yaml': datasources } });
    new k8s.KubeConfigMap(this, 'dashboard-providers', { metadata: { name: `${name}-dashboard-providers`, labels }, data: { 'dashboards.yaml': providers } });
    assertApplicableConfigMap(`Grafana ${name}`, `${name}-dashboards`, this.dashboardFiles);
    new k8s.KubeConfigMap(this, 'dashboards', { metadata: { name: `${name}-dashboards`, labels }, data: { ...this.dashboardFiles } });

    new k8s.KubeServiceAccount(this, 'service-account', { metadata: { name, labels }, automountServiceAccountToken: false });
    new k8s.KubeService(this, 'service', {
      metadata: { name, labels },
      spec: {
        type: 'ClusterIP',
        selector: { ...selector },
        ports: [{ name: 'http', port: GRAFANA_PORT, targetPort: k8s.IntOrString.fromString('http'), protocol: 'TCP' }],
      },
    });

    const probe = (path: string, period: number): k8s.Probe => ({
      httpGet: { path, port: k8s.IntOrString.fromString('http') },
      periodSeconds: period,
      timeoutSeconds: 3,
      failureThreshold: 3,
    });
    const env: k8s.EnvVar[] = [
      { name: 'GF_SECURITY_ADMIN_USER', value: props.adminUser ?? 'admin' },
      secrets.envVar(ADMIN_PASSWORD_KEY, 'GF_SECURITY_ADMIN_PASSWORD'),
      ...(logs ? [{ name: LOGS_PASSWORD_ENV, valueFrom: fromSecret(logs.password) }] : []),
      ...(logs?.ca ? [{ name: LOGS_CA_ENV, valueFrom: fromSecret({ name: logs.ca.secretName, key: logs.ca.key }) }] : []),
      // Every path Grafana writes to lies on the data emptyDir; the root filesystem stays read-only.
      { name: 'GF_PATHS_DATA', value: '/var/lib/grafana' },
      { name: 'GF_PATHS_LOGS', value: '/var/lib/grafana/log' },
      { name: 'GF_PATHS_PLUGINS', value: '/var/lib/grafana/plugins' },
      { name: 'GF_PATHS_PROVISIONING', value: PROVISIONING },
      { name: 'GF_LOG_MODE', value: 'console' },
      { name: 'GF_USERS_ALLOW_SIGN_UP', value: 'false' },
      { name: 'GF_AUTH_ANONYMOUS_ENABLED', value: 'false' },
      // No calls home: the namespace allows no egress to the internet for Grafana anyway.
      { name: 'GF_ANALYTICS_REPORTING_ENABLED', value: 'false' },
      { name: 'GF_ANALYTICS_CHECK_FOR_UPDATES', value: 'false' },
      { name: 'GF_ANALYTICS_CHECK_FOR_PLUGIN_UPDATES', value: 'false' },
    ];

    new k8s.KubeDeployment(this, 'deployment', {
      metadata: { name, labels },
      spec: {
        replicas: 1,
        revisionHistoryLimit: 5,
        selector: { matchLabels: { ...selector } },
        // Its SQLite database is per pod; two pods at once would only split sessions.
        strategy: { type: 'Recreate' },
        template: {
          metadata: { labels, annotations: { 'checksum/provisioning': checksum } },
          spec: {
            serviceAccountName: name,
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            securityContext: restrictedPodSecurityContext(GRAFANA_UID),
            containers: [
              {
                name: 'grafana',
                image: props.image,
                imagePullPolicy: 'IfNotPresent',
                ports: [{ name: 'http', containerPort: GRAFANA_PORT, protocol: 'TCP' }],
                env,
                resources: containerResources(props.resources),
                securityContext: { ...restrictedContainerSecurityContext(), runAsUser: GRAFANA_UID, runAsGroup: GRAFANA_UID },
                // Readiness asks /api/health, which checks the database; liveness asks /healthz, which
                // only says the process serves, so a slow database never restarts Grafana.
                readinessProbe: probe('/api/health', 10),
                // Database migrations on a fresh emptyDir take a while; up to 2 minutes before liveness counts.
                startupProbe: { ...probe('/healthz', 5), failureThreshold: 24 },
                livenessProbe: probe('/healthz', 15),
                volumeMounts: [
                  { name: 'data', mountPath: '/var/lib/grafana' },
                  { name: 'tmp', mountPath: '/tmp' },
                  { name: 'datasources', mountPath: `${PROVISIONING}/datasources`, readOnly: true },
                  { name: 'dashboard-providers', mountPath: `${PROVISIONING}/dashboards`, readOnly: true },
                  { name: 'dashboards', mountPath: DASHBOARDS_DIR, readOnly: true },
                ],
              },
            ],
            volumes: [
              { name: 'data', emptyDir: { sizeLimit: k8s.Quantity.fromString('1Gi') } },
              { name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('64Mi') } },
              { name: 'datasources', configMap: { name: `${name}-datasources` } },
              { name: 'dashboard-providers', configMap: { name: `${name}-dashboard-providers` } },
              { name: 'dashboards', configMap: { name: `${name}-dashboards` } },
            ],
          },
        },
      },
    });

    new PodDisruptionBudget(this, 'disruption-budget', { name, component: 'monitoring', selector, minReplicas: 1 });
    this.scrapeTarget = { job: GRAFANA_JOB, workload: this, serviceName: name, port: GRAFANA_PORT, portName: 'http' };
  }
}
