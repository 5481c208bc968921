/**
 * Postgres 16 with pgvector as a CloudNativePG `Cluster` (prod): several instances on separate
 * nodes with automated failover, continuous WAL archiving and base backups to object storage
 * (point-in-time recovery), a `ScheduledBackup`, and the operator's metrics on 9187 behind a
 * Service of their own.
 *
 * Backups go through the Barman Cloud plugin (CNPG-I), the replacement of the in-tree
 * `barmanObjectStore` that CloudNativePG deprecates: an `ObjectStore` (`barmancloud.cnpg.io/v1`)
 * holds the bucket, credentials and retention; the Cluster names it in `spec.plugins` as its WAL
 * archiver, and the ScheduledBackup uses `method: plugin`. The plugin (an add-on in
 * `stacks/gitops.ts`) injects a sidecar into each instance, which runs with the instances'
 * ServiceAccount (IRSA) and archives to the same path the in-tree backups used: the server name
 * is still the cluster name, so a cluster moved over keeps its archive.
 * https://cloudnative-pg.io/plugin-barman-cloud/docs/usage/
 */
import type { IObjectStore } from './barmancloud-object-store.ts';
import { CustomResource } from './custom-resource.ts';
import type { ICluster } from '@kubernetes-models/cloudnative-pg/postgresql.cnpg.io/v1/Cluster';
import type { IScheduledBackup } from '@kubernetes-models/cloudnative-pg/postgresql.cnpg.io/v1/ScheduledBackup';
import { Construct } from 'constructs';
import type { Resources } from './resources.ts';
import { Connections, type Connectable } from './connections.ts';
import { k8s } from './k8s.ts';
import { componentLabels } from './labels.ts';
import { reportClaim } from './storage-claims.ts';
import { DEFAULT_MAX_CONNECTIONS, postgresMemorySettings, POSTGRES_EXPORTER_PORT, POSTGRES_PORT } from './postgres-stateful-set.ts';

/** Name under which the Barman Cloud plugin registers with CloudNativePG. */
export const BARMAN_CLOUD_PLUGIN = 'barman-cloud.cloudnative-pg.io';

export interface PostgresClusterProps {
  /** Cluster name; the operator names Services `<name>-rw`, `-ro`, `-r`. @default 'postgres' */
  readonly name?: string;
  /** Operand image with pgvector and Barman Cloud (`IMAGES.cloudNativePgPostgres`). */
  readonly image: string;
  /** @default 3 */
  readonly instances?: number;
  readonly resources: Resources;
  readonly storage: { readonly size: string; readonly storageClass?: string };
  /** @default DEFAULT_MAX_CONNECTIONS (200) */
  readonly maxConnections?: number;
  /** Database `initdb` creates, and its owner; the owner's credentials are in `appOwnerSecret`. */
  readonly appDatabase: { readonly name: string; readonly owner: string };
  /** `kubernetes.io/basic-auth`-shaped Secret (`username`, `password`) of the application owner. */
  readonly appOwnerSecret: string;
  /** Secret (`username`, `password`) of the `postgres` superuser, for the init Job and restores. */
  readonly superuserSecret: string;
  /** Where base backups and WAL go (the `ObjectStore` named like the cluster). */
  readonly backup: {
    /** `s3://bucket/prefix/...`. */
    readonly destinationPath: string;
    readonly region: string;
    /** Six-field (seconds first) schedule of base backups, CloudNativePG's format. */
    readonly schedule: string;
    /** Days base backups and WAL are kept. */
    readonly retentionDays: number;
    /** IAM role for IRSA on the instances' ServiceAccount; without it, the keys in `credentialsSecret`. */
    readonly roleArn?: string;
    /** Secret with `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY`, used when there is no role. */
    readonly credentialsSecret?: string;
  };
  /** Namespace of the CloudNativePG operator, which must reach the instances. @default 'cnpg-system' */
  readonly operatorNamespace?: string;
}

export class PostgresCluster extends Construct implements Connectable {
  readonly name: string;
  readonly connections: Connections;
  /** The read-write Service (always the primary). */
  readonly host: string;
  readonly port = POSTGRES_PORT;
  readonly metrics: { readonly serviceName: string; readonly port: number; readonly portName: string };
  /** The `ObjectStore` holding WAL and base backups; a recovery Cluster names it too. */
  readonly objectStoreName: string;
  /**
   * The ServiceAccount the instances run as, which archives WAL and base backups: CloudNativePG
   * creates it named after the Cluster, from `serviceAccountTemplate`
   * (IRSA in https://cloudnative-pg.io/documentation/current/appendixes/object_stores).
   */
  readonly serviceAccountName: string;

  constructor(scope: Construct, id: string, props: PostgresClusterProps) {
    super(scope, id);
    const name = props.name ?? 'postgres';
    const instances = props.instances ?? 3;
    if (instances < 1) throw new Error(`PostgresCluster ${name}: instances ${instances} is below 1`);
    const b = props.backup;
    if (!/^s3:\/\/[a-z0-9][a-z0-9.-]+[a-z0-9](\/.*)?$/.test(b.destinationPath)) {
      throw new Error(`PostgresCluster ${name}: backup.destinationPath ${JSON.stringify(b.destinationPath)} is not an s3:// URL`);
    }
    if (b.schedule.trim().split(/\s+/).length !== 6) {
      throw new Error(`PostgresCluster ${name}: backup.schedule ${JSON.stringify(b.schedule)} needs six fields (CloudNativePG counts seconds first)`);
    }
    if (b.roleArn === undefined && b.credentialsSecret === undefined) {
      throw new Error(`PostgresCluster ${name}: give backup.roleArn or backup.credentialsSecret; WAL archiving needs credentials`);
    }
    this.name = name;
    // CloudNativePG claims a volume of this class for each instance.
    reportClaim(this, props.storage.storageClass);
    this.host = `${name}-rw`;
    this.objectStoreName = name;
    this.serviceAccountName = name;
    const labels = componentLabels(name, 'database');
    // Every pod of the cluster, including the operator's initdb and join Jobs, which need the same
    // egress (Kubernetes API, object storage) as the instances; metrics come from instances only.
    const clusterPods = { 'cnpg.io/cluster': name };
    const instancePods = { ...clusterPods, 'cnpg.io/podRole': 'instance' };
    this.connections = new Connections(this, { name, component: 'database', podSelector: clusterPods, defaultPorts: [{ port: POSTGRES_PORT }] });
    this.metrics = { serviceName: `${name}-metrics`, port: POSTGRES_EXPORTER_PORT, portName: 'metrics' };
    const mem = postgresMemorySettings(props.resources.limits.memory);

    const s3Credentials = b.roleArn
      ? { inheritFromIAMRole: true }
      : {
          accessKeyId: { name: b.credentialsSecret!, key: 'AWS_ACCESS_KEY_ID' },
          secretAccessKey: { name: b.credentialsSecret!, key: 'AWS_SECRET_ACCESS_KEY' },
        };

    new CustomResource<IObjectStore>(this, 'object-store', {
      apiVersion: 'barmancloud.cnpg.io/v1',
      kind: 'ObjectStore',
      metadata: { name: this.objectStoreName, labels },
      spec: {
        configuration: {
          destinationPath: b.destinationPath,
          s3Credentials,
          wal: { compression: 'gzip', maxParallel: 2 },
          data: { compression: 'gzip', jobs: 2 },
        },
        retentionPolicy: `${b.retentionDays}d`,
        // The sidecar, not the instance manager, talks to S3 now.
        instanceSidecarConfiguration: { env: [{ name: 'AWS_REGION', value: b.region }] },
      },
    });

    new CustomResource<ICluster>(this, 'cluster', {
      apiVersion: 'postgresql.cnpg.io/v1',
      kind: 'Cluster',
      metadata: { name, labels },
      spec: {
        instances,
        imageName: props.image,
        primaryUpdateStrategy: 'unsupervised',
        postgresql: {
          parameters: {
            max_connections: String(props.maxConnections ?? DEFAULT_MAX_CONNECTIONS),
            shared_buffers: mem.sharedBuffers,
            effective_cache_size: mem.effectiveCacheSize,
          },
        },
        bootstrap: {
          initdb: {
            database: props.appDatabase.name,
            owner: props.appDatabase.owner,
            secret: { name: props.appOwnerSecret },
            dataChecksums: true,
            // The LangMem database, its owner and pgvector in both come from postgres-init.sql
            // (the postgres-init Job), the same SQL every mode runs.
            postInitApplicationSQL: ['CREATE EXTENSION IF NOT EXISTS vector'],
          },
        },
        enableSuperuserAccess: true,
        superuserSecret: { name: props.superuserSecret },
        storage: { size: props.storage.size, storageClass: props.storage.storageClass },
        // Plain strings: an ApiObject does not resolve the typed Quantity objects of the k8s classes.
        resources: {
          requests: { ...props.resources.requests },
          limits: { memory: props.resources.limits.memory, ...(props.resources.limits.cpu ? { cpu: props.resources.limits.cpu } : {}) },
        },
        // One instance per node: a node loss costs at most one replica.
        affinity: { enablePodAntiAffinity: true, podAntiAffinityType: 'required', topologyKey: 'kubernetes.io/hostname' },
        enablePDB: true,
        // Scraped through the `<name>-metrics` Service, from the platform's scrape targets.
        monitoring: { enablePodMonitor: false },
        serviceAccountTemplate: b.roleArn ? { metadata: { annotations: { 'eks.amazonaws.com/role-arn': b.roleArn } } } : undefined,
        plugins: [{ name: BARMAN_CLOUD_PLUGIN, isWALArchiver: true, parameters: { barmanObjectName: this.objectStoreName } }],
      },
    });

    new CustomResource<IScheduledBackup>(this, 'scheduled-backup', {
      apiVersion: 'postgresql.cnpg.io/v1',
      kind: 'ScheduledBackup',
      metadata: { name, labels },
      spec: {
        schedule: b.schedule,
        cluster: { name },
        method: 'plugin',
        pluginConfiguration: { name: BARMAN_CLOUD_PLUGIN },
        // A base backup right after creation: point-in-time recovery works from the first day.
        immediate: true,
        backupOwnerReference: 'self',
      },
    });

    new k8s.KubeService(this, 'metrics-service', {
      metadata: { name: this.metrics.serviceName, labels },
      spec: {
        type: 'ClusterIP',
        selector: { ...instancePods },
        ports: [{ name: 'metrics', port: POSTGRES_EXPORTER_PORT, targetPort: k8s.IntOrString.fromNumber(POSTGRES_EXPORTER_PORT), protocol: 'TCP' }],
      },
    });

    // The operator drives the instances (status on 8000, Postgres on 5432); instances replicate to
    // each other; the instance manager talks to the Kubernetes API and archives WAL to S3, both
    // over TLS on addresses that are not known in advance.
    const operator = { name: 'CloudNativePG operator', namespace: props.operatorNamespace ?? 'cnpg-system', podLabels: { 'app.kubernetes.io/name': 'cloudnative-pg' } };
    this.connections.allowFromExternal(operator, [{ port: 8000 }, { port: POSTGRES_PORT }]);
    this.connections.allowTo(this, [{ port: POSTGRES_PORT }, { port: 8000 }]);
    this.connections.allowToExternal({ name: 'Kubernetes API and S3', ipBlock: { cidr: '0.0.0.0/0' } }, [{ port: 443 }, { port: 6443 }]);
  }
}
