/**
 * Prometheus as a StatefulSet: a generated prometheus.yml and rule files from ConfigMaps, a data
 * volume with time and size retention, and the smallest RBAC service discovery needs (read
 * Services, Pods and EndpointSlices of its own namespace; no ClusterRole).
 *
 * Every scrape target handed in becomes a job and a NetworkPolicy rule at once
 * (`connections.allowTo(target.workload)`), so a job exists exactly when its workload does and can
 * always reach it.
 */
import { createHash } from 'node:crypto';
import { Duration, Size, SizeRoundingBehavior } from 'cdk8s';
import { Construct } from 'constructs';
import yaml from 'js-yaml';
import type { Resources } from './resources.ts';
import { Connections, type Connectable } from './connections.ts';
import { k8s } from './k8s.ts';
import { dataVolumeClaim, workloadService } from './stateful-parts.ts';
import { componentLabels, selectorLabels } from './labels.ts';
import { assertApplicableConfigMap } from './monitoring/limits.ts';
import { prometheusConfig } from './monitoring/prometheus-config.ts';
import type { RenderedRuleGroup } from './monitoring/rule-files.ts';
import { ruleFileName } from './monitoring/rule-files.ts';
import { promDuration } from '../kube/duration.ts';
import { binaryQuantity } from '../kube/quantity.ts';
import { PodDisruptionBudget } from './pod-disruption-budget.ts';
import { containerResources } from './resources.ts';
import type { PodScrapeTarget } from './pod-scrape-target.ts';
import type { ScrapeTarget } from './scrape-target.ts';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from './security.ts';
import type { WorkloadRef } from './workload-ref.ts';

/** Where the mounted files live; promtool tests lay out their temp dir the same way. */
const PROMETHEUS_CONFIG_DIR = '/etc/prometheus';
const PROMETHEUS_RULES_DIR = `${PROMETHEUS_CONFIG_DIR}/rules`;
export const PROMETHEUS_PORT = 9090;
/** Name of the Prometheus workload and its ServiceAccount unless given. */
export const PROMETHEUS_NAME = 'prometheus';
/** Job name of Prometheus's scrape of itself. */
export { PROMETHEUS_SELF_JOB } from './monitoring/prometheus-config.ts';
/** The image's `nobody` user. */
const PROMETHEUS_UID = 65534;

/**
 * `Size.gibibytes(9)` -> `9GB`, for `--storage.tsdb.retention.size`: Prometheus's size flags use
 * base-2 units under SI names. Rounded down to whole mebibytes (a retention limit may only err on
 * the side of headroom).
 */
export function prometheusSize(size: Size): string {
  const mi = Math.floor(size.toMebibytes({ rounding: SizeRoundingBehavior.NONE }));
  if (mi <= 0) throw new Error(`prometheusSize: ${size.toKibibytes()} KiB is less than one mebibyte`);
  return mi % 1024 === 0 ? `${mi / 1024}GB` : `${mi}MB`;
}

export interface PrometheusProps {
  /** @default 'prometheus' */
  readonly name?: string;
  /** Pinned image reference. */
  readonly image: string;
  /** Namespace whose targets are discovered (the chart's). */
  readonly namespace: string;
  readonly scrapeTargets: readonly ScrapeTarget[];
  /** Pods of other namespaces (the Gateway's Envoy, cert-manager), found by label and port. @default - none */
  readonly podTargets?: readonly PodScrapeTarget[];
  readonly ruleGroups: readonly RenderedRuleGroup[];
  /**
   * Identical, independent replicas (each scrapes everything and evaluates every rule; Alertmanager
   * deduplicates their alerts), so losing one loses neither data nor alerting.
   * @default 1
   */
  readonly replicas?: number;
  /** @default Duration.seconds(15) */
  readonly scrapeInterval?: Duration;
  /** @default Duration.seconds(15) */
  readonly evaluationInterval?: Duration;
  /** @default - none */
  readonly externalLabels?: Readonly<Record<string, string>>;
  readonly retentionTime: Duration;
  /** Must be smaller than `storage`: the WAL and compaction need room beyond it. */
  readonly retentionSize: Size;
  readonly storage: Size;
  /** @default - the cluster's default StorageClass */
  readonly storageClassName?: string;
  readonly resources: Resources;
  /** Where alerts are sent. @default - nowhere (no `alerting` section) */
  readonly alertmanager?: { readonly workload: Connectable; readonly host: string; readonly port: number };
  /** Addresses and ports of the Kubernetes API, for discovery. */
  readonly kubernetesApi: { readonly cidrs: readonly string[]; readonly ports: readonly number[] };
}

export class Prometheus extends Construct implements Connectable {
  readonly name: string;
  readonly connections: Connections;
  /** The StatefulSet this construct renders, for availability alerts. */
  get workload(): WorkloadRef {
    return { kind: 'StatefulSet', name: this.name };
  }
  /** Service and port Grafana and others query. */
  readonly serviceName: string;
  readonly port = PROMETHEUS_PORT;
  /** prometheus.yml as rendered into the ConfigMap (for tests and tools). */
  readonly configYaml: string;
  /** Rule files by file name, as mounted under {@link PROMETHEUS_RULES_DIR}. */
  readonly ruleFiles: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: PrometheusProps) {
    super(scope, id);
    const name = props.name ?? PROMETHEUS_NAME;
    if (props.retentionSize.toKibibytes() >= props.storage.toKibibytes()) {
      throw new Error(
        `Prometheus ${name}: retentionSize (${binaryQuantity(props.retentionSize)}) must be smaller than storage (${binaryQuantity(props.storage)}), leaving room for the WAL and compaction`,
      );
    }
    const replicas = props.replicas ?? 1;
    if (!Number.isInteger(replicas) || replicas < 1) throw new Error(`Prometheus ${name}: replicas must be a positive integer, got ${replicas}`);
    this.name = name;
    this.serviceName = name;
    const labels = componentLabels(name, 'monitoring');
    const selector = selectorLabels(name);
    this.connections = new Connections(this, { name, component: 'monitoring', podSelector: selector, defaultPorts: [{ port: PROMETHEUS_PORT }] });

    const config = prometheusConfig({
      namespace: props.namespace,
      scrapeInterval: props.scrapeInterval ?? Duration.seconds(15),
      evaluationInterval: props.evaluationInterval ?? Duration.seconds(15),
      externalLabels: props.externalLabels ?? {},
      targets: props.scrapeTargets,
      podTargets: props.podTargets,
      selfPort: PROMETHEUS_PORT,
      // Relative to prometheus.yml, so promtool checks the same text in any directory laid out alike.
      ruleFiles: 'rules/*.rules.yml',
      alertmanager: props.alertmanager ? { host: props.alertmanager.host, port: props.alertmanager.port } : undefined,
    });
    const dump = (o: unknown) => yaml.dump(o, { lineWidth: -1, noRefs: true, quotingType: '"', sortKeys: false });
    this.configYaml = dump(config);
    // By file name, as the ConfigMap mounts them: the order callers list groups in means nothing to
    // Prometheus, so it must not change the checksum (and roll the pods) either.
    this.ruleFiles = Object.fromEntries(props.ruleGroups.map((g) => [ruleFileName(g), dump({ groups: [g] })]).sort(([a], [b]) => (a! < b! ? -1 : 1)));
    const checksum = createHash('sha256').update(this.configYaml).update(JSON.stringify(this.ruleFiles)).digest('hex');

    // One rule per workload and port, even when a workload is both scraped and sent alerts (Alertmanager)
    // or serves several jobs on one port (the API's /metrics and /metrics/memory).
    const peers = [...props.scrapeTargets.map((t) => ({ workload: t.workload, port: t.port })), ...(props.alertmanager ? [props.alertmanager] : [])];
    peers
      .filter((p, i) => peers.findIndex((q) => q.workload === p.workload && q.port === p.port) === i)
      .forEach((p) => this.connections.allowTo(p.workload, [{ port: p.port }]));
    for (const t of props.podTargets ?? []) this.connections.allowToExternal({ name: t.job, namespace: t.namespace, podLabels: { ...t.podLabels } }, [{ port: t.port }]);
    for (const cidr of props.kubernetesApi.cidrs) {
      this.connections.allowToExternal({ name: 'Kubernetes API', ipBlock: { cidr } }, props.kubernetesApi.ports.map((port) => ({ port })));
    }

    new k8s.KubeServiceAccount(this, 'service-account', {
      metadata: { name, labels },
      // Discovery reads the Kubernetes API, so this one workload keeps its token.
      automountServiceAccountToken: true,
    });
    new k8s.KubeRole(this, 'role', {
      metadata: { name, labels },
      rules: [
        { apiGroups: [''], resources: ['services', 'pods'], verbs: ['get', 'list', 'watch'] },
        { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['get', 'list', 'watch'] },
      ],
    });
    new k8s.KubeRoleBinding(this, 'role-binding', {
      metadata: { name, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
      subjects: [{ kind: 'ServiceAccount', name, namespace: props.namespace }],
    });

    new k8s.KubeConfigMap(this, 'config', { metadata: { name: `${name}-config`, labels }, data: { 'prometheus.yml': this.configYaml } });
    assertApplicableConfigMap(`Prometheus ${name}`, `${name}-rules`, this.ruleFiles);
    new k8s.KubeConfigMap(this, 'rules', { metadata: { name: `${name}-rules`, labels }, data: { ...this.ruleFiles } });

    // Headless: the StatefulSet's governing Service, and each pod is addressable for scraping itself.
    workloadService(this, 'service', { name, labels, selector, headless: true, ports: [{ name: 'http', port: PROMETHEUS_PORT }] });

    const httpProbe = (path: string, period: number, failureThreshold: number): k8s.Probe => ({
      httpGet: { path, port: k8s.IntOrString.fromString('http') },
      periodSeconds: period,
      timeoutSeconds: 5,
      failureThreshold,
    });

    new k8s.KubeStatefulSet(this, 'stateful-set', {
      metadata: { name, labels },
      spec: {
        serviceName: name,
        replicas,
        selector: { matchLabels: { ...selector } },
        podManagementPolicy: 'Parallel',
        persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
        template: {
          metadata: { labels, annotations: { 'checksum/config': checksum } },
          spec: {
            serviceAccountName: name,
            automountServiceAccountToken: true,
            enableServiceLinks: false,
            securityContext: restrictedPodSecurityContext(PROMETHEUS_UID),
            // Lets the TSDB finish writing its head block.
            terminationGracePeriodSeconds: 120,
            topologySpreadConstraints:
              replicas > 1
                ? [{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { ...selector } } }]
                : undefined,
            containers: [
              {
                name: 'prometheus',
                image: props.image,
                imagePullPolicy: 'IfNotPresent',
                args: [
                  `--config.file=${PROMETHEUS_CONFIG_DIR}/prometheus.yml`,
                  '--storage.tsdb.path=/prometheus',
                  `--storage.tsdb.retention.time=${promDuration(props.retentionTime)}`,
                  `--storage.tsdb.retention.size=${prometheusSize(props.retentionSize)}`,
                  `--web.listen-address=:${PROMETHEUS_PORT}`,
                ],
                ports: [{ name: 'http', containerPort: PROMETHEUS_PORT, protocol: 'TCP' }],
                resources: containerResources(props.resources),
                securityContext: { ...restrictedContainerSecurityContext(), runAsUser: PROMETHEUS_UID, runAsGroup: PROMETHEUS_UID },
                // WAL replay after a crash can take minutes on a full volume.
                startupProbe: httpProbe('/-/ready', 10, 60),
                readinessProbe: httpProbe('/-/ready', 10, 3),
                livenessProbe: httpProbe('/-/healthy', 15, 4),
                volumeMounts: [
                  { name: 'config', mountPath: `${PROMETHEUS_CONFIG_DIR}/prometheus.yml`, subPath: 'prometheus.yml', readOnly: true },
                  { name: 'rules', mountPath: PROMETHEUS_RULES_DIR, readOnly: true },
                  { name: 'data', mountPath: '/prometheus' },
                ],
              },
            ],
            volumes: [
              { name: 'config', configMap: { name: `${name}-config` } },
              { name: 'rules', configMap: { name: `${name}-rules` } },
            ],
          },
        },
        volumeClaimTemplates: [dataVolumeClaim(this, labels, binaryQuantity(props.storage), props.storageClassName)],
      },
    });

    new PodDisruptionBudget(this, 'disruption-budget', { name, component: 'monitoring', selector, minReplicas: replicas });
  }
}
