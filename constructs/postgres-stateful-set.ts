/**
 * Postgres 16 with pgvector as a single-pod StatefulSet (dev, staging): a headless governing
 * Service, a client Service, a PersistentVolumeClaim template, `pg_isready` probes, settings sized
 * from the memory limit, and postgres-exporter as a sidecar for metrics.
 *
 * Secure by default: runs as the image's `postgres` user (uid 999), read-only root filesystem with
 * `emptyDir`s for the socket directory, `/tmp` and `/dev/shm`, no capabilities, no API token; the
 * superuser password only by secret reference.
 */
import { Construct } from 'constructs';
import { quantityBytes } from '../kube/quantity.ts';
import type { Resources } from './resources.ts';
import { Connections, type Connectable } from './connections.ts';
import { k8s } from './k8s.ts';
import { fromSecret, type SecretKeyRef } from './secret-key-ref.ts';
import { dataVolumeClaim, exporterSidecar, workloadService } from './stateful-parts.ts';
import { componentLabels, selectorLabels } from './labels.ts';
import { PodDisruptionBudget } from './pod-disruption-budget.ts';
import { containerResources } from './resources.ts';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from './security.ts';
import type { WorkloadRef } from './workload-ref.ts';

export interface PostgresStatefulSetProps {
  /** Name of the StatefulSet, its client Service and pods' `app.kubernetes.io/name`. @default 'postgres' */
  readonly name?: string;
  /** Image with Postgres 16 and pgvector (`IMAGES.postgres`). */
  readonly image: string;
  readonly exporterImage: string;
  readonly resources: Resources;
  /** Volume of the data directory. */
  readonly storage: { readonly size: string; readonly storageClass?: string };
  /** `max_connections`. @default DEFAULT_MAX_CONNECTIONS (200) */
  readonly maxConnections?: number;
  /** The `postgres` superuser's password. */
  readonly superuserPassword: SecretKeyRef;
}

/** Postgres's port. */
export const POSTGRES_PORT = 5432;
/** Postgres `max_connections` unless told otherwise (the environment schema's default too). */
export const DEFAULT_MAX_CONNECTIONS = 200;
/** postgres-exporter's port. */
export const POSTGRES_EXPORTER_PORT = 9187;
const UID = 999;
const EXPORTER_UID = 65534;

/** `shared_buffers` and `effective_cache_size` from the memory limit (the usual 25 % and 75 %). */
export function postgresMemorySettings(memoryLimit: string): { sharedBuffers: string; effectiveCacheSize: string } {
  const mb = Math.floor(quantityBytes(memoryLimit) / 2 ** 20);
  return { sharedBuffers: `${Math.floor(mb / 4)}MB`, effectiveCacheSize: `${Math.floor((mb * 3) / 4)}MB` };
}

export class PostgresStatefulSet extends Construct implements Connectable {
  readonly name: string;
  readonly connections: Connections;
  /** The StatefulSet this construct renders, for availability alerts. */
  get workload(): WorkloadRef {
    return { kind: 'StatefulSet', name: this.name };
  }
  /** Client Service name (the host the service and backups connect to). */
  readonly host: string;
  readonly port = POSTGRES_PORT;
  /** Where the exporter's metrics are served. */
  readonly metrics: { readonly serviceName: string; readonly port: number; readonly portName: string };

  constructor(scope: Construct, id: string, props: PostgresStatefulSetProps) {
    super(scope, id);
    const name = props.name ?? 'postgres';
    const maxConnections = props.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
    if (maxConnections < 10) throw new Error(`PostgresStatefulSet ${name}: maxConnections ${maxConnections} is below 10`);
    if (quantityBytes(props.resources.limits.memory) < 256 * 2 ** 20) {
      throw new Error(`PostgresStatefulSet ${name}: resources.limits.memory ${props.resources.limits.memory} is below 256Mi`);
    }
    this.name = name;
    this.host = name;
    const headless = `${name}-headless`;
    this.metrics = { serviceName: name, port: POSTGRES_EXPORTER_PORT, portName: 'metrics' };
    const selector = selectorLabels(name);
    const labels = componentLabels(name, 'database');
    const mem = postgresMemorySettings(props.resources.limits.memory);
    this.connections = new Connections(this, { name, component: 'database', podSelector: selector, defaultPorts: [{ port: POSTGRES_PORT }] });

    new k8s.KubeServiceAccount(this, 'service-account', { metadata: { name, labels }, automountServiceAccountToken: false });

    const password = fromSecret(props.superuserPassword);
    const isReady: k8s.ExecAction = { command: ['pg_isready', '--host=127.0.0.1', `--port=${POSTGRES_PORT}`, '--username=postgres', '--dbname=postgres'] };

    new k8s.KubeStatefulSet(this, 'stateful-set', {
      metadata: { name, labels },
      spec: {
        serviceName: headless,
        replicas: 1,
        selector: { matchLabels: { ...selector } },
        podManagementPolicy: 'OrderedReady',
        updateStrategy: { type: 'RollingUpdate' },
        // Deleting or scaling the StatefulSet never deletes the data.
        persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: name,
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            securityContext: restrictedPodSecurityContext(UID),
            // A fast shutdown checkpoint needs time; a killed Postgres replays WAL on the next start.
            terminationGracePeriodSeconds: 60,
            containers: [
              {
                name: 'postgres',
                image: props.image,
                imagePullPolicy: 'IfNotPresent',
                args: [
                  '-c', `max_connections=${maxConnections}`,
                  '-c', `shared_buffers=${mem.sharedBuffers}`,
                  '-c', `effective_cache_size=${mem.effectiveCacheSize}`,
                  '-c', 'password_encryption=scram-sha-256',
                ],
                ports: [{ name: 'postgres', containerPort: POSTGRES_PORT, protocol: 'TCP' }],
                env: [
                  { name: 'POSTGRES_USER', value: 'postgres' },
                  { name: 'POSTGRES_PASSWORD', valueFrom: password },
                  { name: 'POSTGRES_INITDB_ARGS', value: '--auth-host=scram-sha-256 --data-checksums' },
                  // A subdirectory: the volume's root holds lost+found, which initdb refuses.
                  { name: 'PGDATA', value: '/var/lib/postgresql/data/pgdata' },
                ],
                resources: containerResources(props.resources),
                securityContext: { ...restrictedContainerSecurityContext(), runAsUser: UID, runAsGroup: UID },
                startupProbe: { exec: isReady, periodSeconds: 5, failureThreshold: 60, timeoutSeconds: 5 },
                readinessProbe: { exec: isReady, periodSeconds: 10, failureThreshold: 3, timeoutSeconds: 5 },
                // Liveness only asks whether the server accepts TCP: pg_isready also fails during
                // crash recovery, and restarting a recovering server only starts the recovery over.
                livenessProbe: { tcpSocket: { port: k8s.IntOrString.fromString('postgres') }, periodSeconds: 20, failureThreshold: 6, timeoutSeconds: 5 },
                volumeMounts: [
                  { name: 'data', mountPath: '/var/lib/postgresql/data' },
                  { name: 'run', mountPath: '/var/run/postgresql' },
                  { name: 'tmp', mountPath: '/tmp' },
                  { name: 'shm', mountPath: '/dev/shm' },
                ],
              },
              exporterSidecar({
                image: props.exporterImage,
                port: POSTGRES_EXPORTER_PORT,
                uid: EXPORTER_UID,
                env: [
                  { name: 'DATA_SOURCE_URI', value: `127.0.0.1:${POSTGRES_PORT}/postgres?sslmode=disable` },
                  { name: 'DATA_SOURCE_USER', value: 'postgres' },
                  { name: 'DATA_SOURCE_PASS', valueFrom: password },
                ],
              }),
            ],
            volumes: [
              { name: 'run', emptyDir: { sizeLimit: k8s.Quantity.fromString('16Mi') } },
              { name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('1Gi') } },
              // Parallel query workers share memory through /dev/shm; the container default is 64Mi.
              { name: 'shm', emptyDir: { medium: 'Memory', sizeLimit: k8s.Quantity.fromString('256Mi') } },
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
      publishNotReadyAddresses: true,
      ports: [{ name: 'postgres', port: POSTGRES_PORT }],
    });
    workloadService(this, 'service', {
      name,
      labels,
      selector,
      ports: [
        { name: 'postgres', port: POSTGRES_PORT },
        { name: 'metrics', port: POSTGRES_EXPORTER_PORT },
      ],
    });
    new PodDisruptionBudget(this, 'disruption-budget', { name, component: 'database', selector, maxUnavailable: 1, minReplicas: 1 });
  }
}
