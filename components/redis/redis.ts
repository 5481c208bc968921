/**
 * Redis 7 as a single-pod StatefulSet: password from a secret, AOF plus RDB snapshots on a
 * PersistentVolumeClaim, `maxmemory` and its eviction policy from the environment, `redis-cli ping`
 * probes that authenticate, and redis-exporter as a sidecar.
 *
 * The password never appears in a command line or a ConfigMap: at start the container writes it
 * into a file on a memory-backed `emptyDir` that redis.conf includes; `redis-cli` (probes) reads it
 * from `REDISCLI_AUTH`.
 */
import { createHash } from 'node:crypto';
import { Construct } from 'constructs';
import { quantityBytes } from '../../kube/quantity.ts';
import type { Resources } from '../../constructs/resources.ts';
import { Connections, type Connectable } from '../../constructs/connections.ts';
import { k8s } from '../../constructs/k8s.ts';
import { dataVolumeClaim, exporterSidecar, workloadService } from '../../constructs/stateful-parts.ts';
import { componentLabels, selectorLabels } from '../../constructs/labels.ts';
import { PodDisruptionBudget } from '../../constructs/pod-disruption-budget.ts';
import { fromSecret, type SecretKeyRef } from '../../constructs/secret-key-ref.ts';
import { containerResources } from '../../constructs/resources.ts';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../../constructs/security.ts';
import type { WorkloadRef } from '../../constructs/workload-ref.ts';

export const REDIS_PORT = 6379;
export const REDIS_EXPORTER_PORT = 9121;
/** The guides' eviction policy (docs/design-inputs.md), unless told otherwise (the environment schema's default too). */
export const DEFAULT_MAX_MEMORY_POLICY = 'allkeys-lru';
const UID = 999;
const EXPORTER_UID = 59000;

export interface RedisProps {
  /** @default 'redis' */
  readonly name?: string;
  readonly image: string;
  readonly exporterImage: string;
  readonly resources: Resources;
  readonly storage: { readonly size: string; readonly storageClass?: string };
  /** `maxmemory` in bytes; must stay below the memory limit. */
  readonly maxMemoryBytes: number;
  /** @default DEFAULT_MAX_MEMORY_POLICY ('allkeys-lru') */
  readonly maxMemoryPolicy?: string;
  readonly password: SecretKeyRef;
}

/** The redis.conf the StatefulSet runs (the password comes from an included file). */
export function redisConfig(maxMemoryBytes: number, policy: string): string {
  return [
    `port ${REDIS_PORT}`,
    'bind * -::*',
    'protected-mode no',
    'dir /data',
    // The guides' snapshot points (docs/design-inputs.md), plus an append-only file fsynced every second.
    'save 900 1 300 10 60 10000',
    'appendonly yes',
    'appendfsync everysec',
    `maxmemory ${maxMemoryBytes}`,
    `maxmemory-policy ${policy}`,
    'include /run/redis/auth.conf',
    '',
  ].join('\n');
}

export class Redis extends Construct implements Connectable {
  readonly name: string;
  readonly connections: Connections;
  /** The StatefulSet this construct renders, for availability alerts. */
  get workload(): WorkloadRef {
    return { kind: 'StatefulSet', name: this.name };
  }
  readonly host: string;
  readonly port = REDIS_PORT;
  readonly metrics: { readonly serviceName: string; readonly port: number; readonly portName: string };
  /** Name of the data volume claim of pod 0 (`data-<name>-0`), which a restore mounts. */
  readonly dataClaimName: string;
  /**
   * DNS name of pod 0, the pod using that claim (`<name>-0.<name>-headless`): published before the
   * pod is ready, so a restore can tell whether a Redis is running on the data, ready or not.
   */
  readonly dataPodHost: string;
  /** uid and gid Redis runs as and owns its data volume with. */
  readonly uid = UID;
  /** The data volume's size and class, for a backup's scratch volume. */
  readonly storage: { readonly size: string; readonly storageClass?: string };

  constructor(scope: Construct, id: string, props: RedisProps) {
    super(scope, id);
    const name = props.name ?? 'redis';
    const limit = quantityBytes(props.resources.limits.memory);
    if (props.maxMemoryBytes >= limit) {
      throw new Error(`Redis ${name}: maxMemoryBytes ${props.maxMemoryBytes} is not below resources.limits.memory ${props.resources.limits.memory}; Redis would be OOM-killed before evicting`);
    }
    if (props.maxMemoryBytes < 16 * 2 ** 20) throw new Error(`Redis ${name}: maxMemoryBytes ${props.maxMemoryBytes} is below 16Mi`);
    this.name = name;
    this.host = name;
    this.dataClaimName = `data-${name}-0`;
    this.dataPodHost = `${name}-0.${name}-headless`;
    this.storage = props.storage;
    this.metrics = { serviceName: name, port: REDIS_EXPORTER_PORT, portName: 'metrics' };
    const selector = selectorLabels(name);
    const labels = componentLabels(name, 'cache');
    this.connections = new Connections(this, { name, component: 'cache', podSelector: selector, defaultPorts: [{ port: REDIS_PORT }] });
    const config = redisConfig(props.maxMemoryBytes, props.maxMemoryPolicy ?? DEFAULT_MAX_MEMORY_POLICY);
    const password = fromSecret(props.password);
    const ping: k8s.ExecAction = { command: ['sh', '-c', `redis-cli -h 127.0.0.1 -p ${REDIS_PORT} ping | grep -q PONG`] };

    new k8s.KubeServiceAccount(this, 'service-account', { metadata: { name, labels }, automountServiceAccountToken: false });
    new k8s.KubeConfigMap(this, 'config', { metadata: { name: `${name}-config`, labels }, data: { 'redis.conf': config } });

    new k8s.KubeStatefulSet(this, 'stateful-set', {
      metadata: { name, labels },
      spec: {
        serviceName: `${name}-headless`,
        replicas: 1,
        selector: { matchLabels: { ...selector } },
        updateStrategy: { type: 'RollingUpdate' },
        persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
        template: {
          metadata: { labels, annotations: { 'checksum/config': createHash('sha256').update(config).digest('hex') } },
          spec: {
            serviceAccountName: name,
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            securityContext: restrictedPodSecurityContext(UID),
            terminationGracePeriodSeconds: 30,
            containers: [
              {
                name: 'redis',
                image: props.image,
                imagePullPolicy: 'IfNotPresent',
                command: [
                  'sh',
                  '-c',
                  // Quoted for redis.conf; the secret store generates passwords without `"` or `\`.
                  `printf 'requirepass "%s"\\n' "$REDIS_PASSWORD" > /run/redis/auth.conf && exec redis-server /etc/redis/redis.conf`,
                ],
                ports: [{ name: 'redis', containerPort: REDIS_PORT, protocol: 'TCP' }],
                env: [
                  { name: 'REDIS_PASSWORD', valueFrom: password },
                  { name: 'REDISCLI_AUTH', valueFrom: password },
                ],
                resources: containerResources(props.resources),
                securityContext: { ...restrictedContainerSecurityContext(), runAsUser: UID, runAsGroup: UID },
                startupProbe: { exec: ping, periodSeconds: 5, failureThreshold: 60, timeoutSeconds: 3 },
                readinessProbe: { exec: ping, periodSeconds: 10, failureThreshold: 3, timeoutSeconds: 3 },
                // Liveness only asks whether Redis accepts TCP: while it loads a large AOF it answers
                // ping with LOADING, and a restart would only start the load over.
                livenessProbe: { tcpSocket: { port: k8s.IntOrString.fromString('redis') }, periodSeconds: 20, failureThreshold: 6, timeoutSeconds: 3 },
                volumeMounts: [
                  { name: 'data', mountPath: '/data' },
                  { name: 'config', mountPath: '/etc/redis', readOnly: true },
                  { name: 'auth', mountPath: '/run/redis' },
                  { name: 'tmp', mountPath: '/tmp' },
                ],
              },
              exporterSidecar({
                image: props.exporterImage,
                port: REDIS_EXPORTER_PORT,
                uid: EXPORTER_UID,
                env: [
                  { name: 'REDIS_ADDR', value: `redis://127.0.0.1:${REDIS_PORT}` },
                  { name: 'REDIS_PASSWORD', valueFrom: password },
                ],
              }),
            ],
            volumes: [
              { name: 'config', configMap: { name: `${name}-config` } },
              { name: 'auth', emptyDir: { medium: 'Memory', sizeLimit: k8s.Quantity.fromString('1Mi') } },
              { name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('64Mi') } },
            ],
          },
        },
        volumeClaimTemplates: [dataVolumeClaim(this, labels, props.storage.size, props.storage.storageClass)],
      },
    });

    workloadService(this, 'headless-service', {
      name: `${name}-headless`,
      labels,
      selector,
      headless: true,
      publishNotReadyAddresses: true,
      ports: [{ name: 'redis', port: REDIS_PORT }],
    });
    workloadService(this, 'service', {
      name,
      labels,
      selector,
      ports: [
        { name: 'redis', port: REDIS_PORT },
        { name: 'metrics', port: REDIS_EXPORTER_PORT },
      ],
    });
    new PodDisruptionBudget(this, 'disruption-budget', { name, component: 'cache', selector, maxUnavailable: 1, minReplicas: 1 });
  }
}
