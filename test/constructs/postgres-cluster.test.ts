import { describe, expect, it } from 'vitest';
import { PostgresCluster, type PostgresClusterProps } from '../../constructs/postgres-cluster.ts';
import { claimedStorageClasses } from '../../constructs/storage-claims.ts';
import { objects, only, testChart } from '../support/charts.ts';

const RES = { requests: { cpu: '250m', memory: '512Mi' }, limits: { cpu: '1000m', memory: '2Gi' } };

describe('PostgresCluster', () => {
  const props: PostgresClusterProps = {
    image: 'ghcr.io/cloudnative-pg/postgresql:16.13-system-bookworm',
    resources: RES,
    storage: { size: '100Gi', storageClass: 'gp3' },
    appDatabase: { name: 'agent_platform', owner: 'agent_app' },
    appOwnerSecret: 'postgres-app-owner',
    superuserSecret: 'postgres-credentials',
    backup: {
      destinationPath: 's3://backups/prod/postgres-wal',
      region: 'eu-central-1',
      schedule: '0 0 2 * * *',
      retentionDays: 30,
      roleArn: 'arn:aws:iam::222222222222:role/backup',
    },
  };
  const render = (p: Partial<PostgresClusterProps> = {}) => {
    const chart = testChart();
    new PostgresCluster(chart, 'pg', { ...props, ...p });
    return objects(chart);
  };

  it('reports the StorageClass of the volumes CloudNativePG claims for its instances', () => {
    const chart = testChart();
    new PostgresCluster(chart, 'pg', { ...props, storage: { size: '100Gi', storageClass: 'io2' } });
    expect(only(objects(chart), 'Cluster').spec.storage.storageClass).toBe('io2');
    expect(claimedStorageClasses(chart)).toEqual(['io2']);
  });

  it('runs three instances on separate nodes, archiving WAL through the Barman Cloud plugin to S3 with IRSA', () => {
    const cluster = only(render(), 'Cluster');
    expect(cluster.apiVersion).toBe('postgresql.cnpg.io/v1');
    expect(cluster.spec.backup).toBeUndefined();
    expect(cluster.spec).toMatchObject({
      instances: 3,
      affinity: { enablePodAntiAffinity: true, podAntiAffinityType: 'required', topologyKey: 'kubernetes.io/hostname' },
      plugins: [{ name: 'barman-cloud.cloudnative-pg.io', isWALArchiver: true, parameters: { barmanObjectName: 'postgres' } }],
      serviceAccountTemplate: { metadata: { annotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::222222222222:role/backup' } } },
      bootstrap: { initdb: { database: 'agent_platform', owner: 'agent_app', postInitApplicationSQL: ['CREATE EXTENSION IF NOT EXISTS vector'] } },
    });
    expect(cluster.spec.resources).toEqual({ requests: { cpu: '250m', memory: '512Mi' }, limits: { cpu: '1000m', memory: '2Gi' } });
  });

  it('keeps bucket, retention and region in the ObjectStore the plugin reads', () => {
    const store = only(render(), 'ObjectStore', 'postgres');
    expect(store.apiVersion).toBe('barmancloud.cnpg.io/v1');
    expect(store.spec).toEqual({
      configuration: {
        destinationPath: 's3://backups/prod/postgres-wal',
        s3Credentials: { inheritFromIAMRole: true },
        wal: { compression: 'gzip', maxParallel: 2 },
        data: { compression: 'gzip', jobs: 2 },
      },
      retentionPolicy: '30d',
      instanceSidecarConfiguration: { env: [{ name: 'AWS_REGION', value: 'eu-central-1' }] },
    });
  });

  it('schedules base backups through the plugin with an immediate first one', () => {
    expect(only(render(), 'ScheduledBackup').spec).toEqual({
      schedule: '0 0 2 * * *',
      cluster: { name: 'postgres' },
      method: 'plugin',
      pluginConfiguration: { name: 'barman-cloud.cloudnative-pg.io' },
      immediate: true,
      backupOwnerReference: 'self',
    });
  });

  it('reads S3 keys from a secret when there is no IAM role', () => {
    const rendered = render({ backup: { ...props.backup, roleArn: undefined, credentialsSecret: 'backup-aws' } });
    const cluster = only(rendered, 'Cluster');
    expect(only(rendered, 'ObjectStore').spec.configuration.s3Credentials).toEqual({
      accessKeyId: { name: 'backup-aws', key: 'AWS_ACCESS_KEY_ID' },
      secretAccessKey: { name: 'backup-aws', key: 'AWS_SECRET_ACCESS_KEY' },
    });
    expect(cluster.spec.serviceAccountTemplate).toBeUndefined();
  });

  it('admits the operator and replication between instances in its NetworkPolicy', () => {
    const np = only(render(), 'NetworkPolicy', 'postgres');
    expect(np.spec.podSelector.matchLabels).toEqual({ 'cnpg.io/cluster': 'postgres' });
    expect(np.spec.ingress[0].from[0].namespaceSelector.matchLabels).toEqual({ 'kubernetes.io/metadata.name': 'cnpg-system' });
    expect(np.spec.ingress[1].from[0].podSelector.matchLabels).toEqual({ 'cnpg.io/cluster': 'postgres' });
    expect(np.spec.egress.at(-1)).toEqual({ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ port: 443, protocol: 'TCP' }, { port: 6443, protocol: 'TCP' }] });
    expect(only(render(), 'Service', 'postgres-metrics').spec.selector).toEqual({ 'cnpg.io/cluster': 'postgres', 'cnpg.io/podRole': 'instance' });
  });

  it('refuses a five-field schedule, a non-S3 destination and missing credentials', () => {
    expect(() => render({ backup: { ...props.backup, schedule: '0 2 * * *' } })).toThrow(
      'PostgresCluster postgres: backup.schedule "0 2 * * *" needs six fields (CloudNativePG counts seconds first)',
    );
    expect(() => render({ backup: { ...props.backup, destinationPath: 'gs://x' } })).toThrow('backup.destinationPath "gs://x" is not an s3:// URL');
    expect(() => render({ backup: { ...props.backup, roleArn: undefined } })).toThrow('give backup.roleArn or backup.credentialsSecret');
  });
});
