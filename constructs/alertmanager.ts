/**
 * Alertmanager as a StatefulSet: configuration from a ConfigMap, receiver credentials from a
 * Secret that External Secrets fills (mounted as files, read through `*_file` settings), a volume
 * for silences and the notification log, and a gossip cluster when it runs more than one replica.
 */
import { createHash } from 'node:crypto';
import { Duration, Size } from 'cdk8s';
import { Construct } from 'constructs';
import yaml from 'js-yaml';
import type { Resources } from './resources.ts';
import { Connections, type Connectable } from './connections.ts';
import type { ExternalPeer } from './external-peer.ts';
import { ExternalSecret } from './external-secret.ts';
import { k8s } from './k8s.ts';
import { dataVolumeClaim, workloadService } from './stateful-parts.ts';
import { componentLabels, selectorLabels } from './labels.ts';
import { type AlertDeliveryProps, alertmanagerConfig, receiverSecretKey } from './monitoring/alertmanager-config.ts';
import { binaryQuantity } from '../kube/quantity.ts';
import { PodDisruptionBudget } from './pod-disruption-budget.ts';
import { containerResources } from './resources.ts';
import type { ScrapeTarget } from './scrape-target.ts';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from './security.ts';
import type { WorkloadRef } from './workload-ref.ts';

export const ALERTMANAGER_PORT = 9093;
const CLUSTER_PORT = 9094;
const ALERTMANAGER_UID = 65534;
const ALERTMANAGER_SECRETS_DIR = '/etc/alertmanager/secrets';

export interface AlertmanagerProps extends AlertDeliveryProps {
  /** @default 'alertmanager' */
  readonly name?: string;
  readonly image: string;
  /** Namespace the pods run in, for the peers' DNS names. */
  readonly namespace: string;
  /** @default 1 */
  readonly replicas?: number;
  readonly storage: Size;
  /** @default - the cluster's default StorageClass */
  readonly storageClassName?: string;
  readonly resources: Resources;
  /** Where Slack, PagerDuty and webhooks are (the internet, minus private ranges). */
  readonly internet: ExternalPeer;
}

function webhookPort(url: string): number {
  const u = new URL(url);
  return u.port ? Number(u.port) : u.protocol === 'https:' ? 443 : 80;
}

export class Alertmanager extends Construct implements Connectable {
  readonly name: string;
  readonly connections: Connections;
  /** The StatefulSet this construct renders, for availability alerts. */
  get workload(): WorkloadRef {
    return { kind: 'StatefulSet', name: this.name };
  }
  readonly port = ALERTMANAGER_PORT;
  /** DNS name of the headless Service, resolving to every replica. */
  readonly host: string;
  readonly configYaml: string;
  readonly secrets: ExternalSecret;
  /** Its own metrics (notifications sent and failed), for Prometheus. */
  readonly scrapeTarget: ScrapeTarget;

  constructor(scope: Construct, id: string, props: AlertmanagerProps) {
    super(scope, id);
    const name = props.name ?? 'alertmanager';
    const replicas = props.replicas ?? 1;
    if (!Number.isInteger(replicas) || replicas < 1) throw new Error(`Alertmanager ${name}: replicas must be a positive integer, got ${replicas}`);
    if (props.receivers.length === 0) throw new Error(`Alertmanager ${name}: needs at least one receiver`);
    this.name = name;
    this.host = `${name}.${props.namespace}.svc`;
    const labels = componentLabels(name, 'monitoring');
    const selector = selectorLabels(name);
    this.connections = new Connections(this, { name, component: 'monitoring', podSelector: selector, defaultPorts: [{ port: ALERTMANAGER_PORT }] });

    this.secrets = new ExternalSecret(this, 'receivers', {
      name: `${name}-receivers`,
      component: 'monitoring',
      store: props.secretStore,
      remoteKey: props.remoteKey,
      keys: [...props.receivers].map(receiverSecretKey).sort(),
      refreshInterval: props.refreshInterval,
    });

    this.configYaml = yaml.dump(
      alertmanagerConfig({
        receivers: props.receivers,
        routing: props.routing,
        groupWait: props.groupWait ?? Duration.seconds(30),
        groupInterval: props.groupInterval ?? Duration.minutes(5),
        repeatInterval: props.repeatInterval ?? { critical: Duration.hours(1), warning: Duration.hours(12) },
        secretsDir: ALERTMANAGER_SECRETS_DIR,
      }),
      { lineWidth: -1, noRefs: true, quotingType: '"' },
    );

    const outbound = new Set<number>([443]);
    for (const r of props.receivers) if (r.type === 'webhook') outbound.add(webhookPort(r.url));
    this.connections.allowToExternal(props.internet, [...outbound].sort((a, b) => a - b).map((port) => ({ port })));
    if (replicas > 1) {
      this.connections.allowTo(this, [
        { port: CLUSTER_PORT, protocol: 'TCP' },
        { port: CLUSTER_PORT, protocol: 'UDP' },
      ]);
    }

    new k8s.KubeServiceAccount(this, 'service-account', {
      metadata: { name, labels },
      automountServiceAccountToken: false,
    });
    new k8s.KubeConfigMap(this, 'config', { metadata: { name: `${name}-config`, labels }, data: { 'alertmanager.yml': this.configYaml } });
    // Headless: Prometheus sends every alert to every replica; peers find each other by pod name.
    workloadService(this, 'service', {
      name,
      labels,
      selector,
      headless: true,
      publishNotReadyAddresses: true,
      ports: [
        { name: 'http', port: ALERTMANAGER_PORT },
        { name: 'cluster', port: CLUSTER_PORT },
      ],
    });

    const peers = Array.from({ length: replicas }, (_, i) => `--cluster.peer=${name}-${i}.${this.host}:${CLUSTER_PORT}`);
    const checksum = createHash('sha256').update(this.configYaml).digest('hex');
    const httpProbe = (path: string, period: number): k8s.Probe => ({
      httpGet: { path, port: k8s.IntOrString.fromString('http') },
      periodSeconds: period,
      timeoutSeconds: 3,
      failureThreshold: 3,
    });

    new k8s.KubeStatefulSet(this, 'stateful-set', {
      metadata: { name, labels },
      spec: {
        serviceName: name,
        replicas,
        selector: { matchLabels: { ...selector } },
        podManagementPolicy: 'Parallel',
        template: {
          metadata: { labels, annotations: { 'checksum/config': checksum } },
          spec: {
            serviceAccountName: name,
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            securityContext: restrictedPodSecurityContext(ALERTMANAGER_UID),
            topologySpreadConstraints:
              replicas > 1
                ? [{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { ...selector } } }]
                : undefined,
            containers: [
              {
                name: 'alertmanager',
                image: props.image,
                imagePullPolicy: 'IfNotPresent',
                args: [
                  '--config.file=/etc/alertmanager/alertmanager.yml',
                  '--storage.path=/alertmanager',
                  `--web.listen-address=:${ALERTMANAGER_PORT}`,
                  // An empty listen address turns clustering off; a single replica has no one to gossip with.
                  `--cluster.listen-address=${replicas > 1 ? `:${CLUSTER_PORT}` : ''}`,
                  ...(replicas > 1 ? peers : []),
                ],
                ports: [
                  { name: 'http', containerPort: ALERTMANAGER_PORT, protocol: 'TCP' },
                  { name: 'cluster', containerPort: CLUSTER_PORT, protocol: 'TCP' },
                ],
                resources: containerResources(props.resources),
                securityContext: { ...restrictedContainerSecurityContext(), runAsUser: ALERTMANAGER_UID, runAsGroup: ALERTMANAGER_UID },
                readinessProbe: httpProbe('/-/ready', 10),
                livenessProbe: httpProbe('/-/healthy', 15),
                volumeMounts: [
                  { name: 'config', mountPath: '/etc/alertmanager/alertmanager.yml', subPath: 'alertmanager.yml', readOnly: true },
                  { name: 'receivers', mountPath: ALERTMANAGER_SECRETS_DIR, readOnly: true },
                  { name: 'data', mountPath: '/alertmanager' },
                ],
              },
            ],
            volumes: [
              { name: 'config', configMap: { name: `${name}-config` } },
              // Files are re-read on each notification, so a rotated credential applies without a restart.
              { name: 'receivers', secret: { secretName: this.secrets.secretName, defaultMode: 0o440 } },
            ],
          },
        },
        volumeClaimTemplates: [dataVolumeClaim(this, labels, binaryQuantity(props.storage), props.storageClassName)],
      },
    });

    new PodDisruptionBudget(this, 'disruption-budget', { name, component: 'monitoring', selector, minReplicas: replicas });
    this.scrapeTarget = { job: 'alertmanager', workload: this, serviceName: name, port: ALERTMANAGER_PORT, portName: 'http' };
  }
}
