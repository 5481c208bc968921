/**
 * Data stores run as AWS services for environments that prefer them to in-cluster workloads:
 * RDS for PostgreSQL 16 (pgvector allowed), ElastiCache for Redis, OpenSearch. Every one is
 * private (in the given subnets, reachable only from the cluster's security group), encrypted at
 * rest and in transit, backed up, and in production deletion-protected and multi-zone.
 *
 * Passwords: RDS manages the Postgres master password in Secrets Manager itself
 * (`manageMasterUserPassword`); the Redis auth token and the OpenSearch master password come from
 * the stack's secret config. None is ever in code.
 */
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import type { ManagedStore } from './aws-needs.ts';
import { FIXED_NAME } from './fixed-names.ts';

/** Extensions the application may create; anything else is refused by RDS. */
export const POSTGRES_ALLOWED_EXTENSIONS = ['vector', 'pg_stat_statements'] as const;
const POSTGRES_PORT = 5432;
const REDIS_PORT = 6379;
const HTTPS_PORT = 443;
/**
 * Zones of a production OpenSearch domain, one node and one subnet each. Three, not two: with two
 * zones OpenSearch wants an even number of data nodes, and three nodes keep a quorum when a zone fails.
 */
const OPENSEARCH_PRODUCTION_ZONES = 3;
/** RDS and ElastiCache subnet groups need subnets in at least two zones. */
const MIN_SUBNETS = 2;

export interface ManagedStoresArgs {
  readonly stores: readonly ManagedStore[];
  /** Names of every AWS resource start with it (the environment's namespace). */
  readonly prefix: string;
  readonly production: boolean;
  readonly accountId: string;
  readonly region: string;
  readonly vpcId: string | undefined;
  readonly subnetIds: readonly string[];
  /** The only source the stores accept connections from. */
  readonly clusterSecurityGroupId: string | undefined;
  readonly redisAuthToken?: pulumi.Output<string>;
  readonly opensearchMasterPassword?: pulumi.Output<string>;
  readonly tags: Record<string, string>;
}

export interface ManagedEndpoint {
  readonly engine: ManagedStore['engine'];
  readonly host: pulumi.Output<string>;
  readonly port: number;
  /** Postgres: the Secrets Manager secret RDS keeps the master password in (`manageMasterUserPassword`). */
  readonly masterSecretArn?: pulumi.Output<string | undefined>;
}

/**
 * Throws for what would make the stores unreachable or unsafe. Called by the program before it
 * registers anything, so a bad stack config fails fast instead of half-way through an update.
 */
export function checkManagedStores(name: string, args: ManagedStoresArgs): void {
  if (args.stores.length === 0) return;
  const where = `ManagedStores ${name}`;
  if (!args.vpcId) throw new Error(`${where}: vpcId is not set (pulumi config set vpcId vpc-...); managed stores need a network`);
  if (args.subnetIds.length < MIN_SUBNETS) {
    throw new Error(`${where}: privateSubnetIds has ${args.subnetIds.length} subnet(s); RDS and ElastiCache need at least ${MIN_SUBNETS} in different zones`);
  }
  if (!args.clusterSecurityGroupId) throw new Error(`${where}: clusterSecurityGroupId is not set; without it nothing could reach the stores`);
  for (const store of args.stores) {
    if (store.engine === 'redis' && !args.redisAuthToken) throw new Error(`${where}: store ${store.name}: set the auth token with pulumi config set --secret redisAuthToken <token>`);
    if (store.engine === 'opensearch') {
      if (args.production && args.subnetIds.length < OPENSEARCH_PRODUCTION_ZONES) {
        throw new Error(
          `${where}: store ${store.name}: privateSubnetIds has ${args.subnetIds.length} subnet(s); a production OpenSearch domain spans ${OPENSEARCH_PRODUCTION_ZONES} zones, ` +
            `one subnet each (pulumi config set --path 'privateSubnetIds[${args.subnetIds.length}]' subnet-...)`,
        );
      }
      if (store.identifier.length > 28) throw new Error(`${where}: store ${store.name}: domain name ${JSON.stringify(store.identifier)} is longer than OpenSearch's 28 characters`);
      if (!args.opensearchMasterPassword) throw new Error(`${where}: store ${store.name}: set the master password with pulumi config set --secret opensearchMasterPassword <password>`);
    }
  }
}

export class ManagedStores extends pulumi.ComponentResource {
  /** Endpoints, by store name, for the environment's connection settings. */
  readonly endpoints: ReadonlyMap<string, ManagedEndpoint>;

  constructor(name: string, args: ManagedStoresArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super('agent-platform:aws:ManagedStores', name, {}, opts);
    const endpoints = new Map<string, ManagedEndpoint>();
    this.endpoints = endpoints;
    if (args.stores.length === 0) {
      this.registerOutputs({});
      return;
    }
    checkManagedStores(name, args);
    const clusterSg = args.clusterSecurityGroupId!;
    const { production, prefix, tags } = args;
    const child = { parent: this, ...FIXED_NAME };
    // Production's stores outlive a mistaken `pulumi destroy`; Pulumi refuses to delete them.
    const keep = { ...child, protect: production, retainOnDelete: production };

    const sg = new aws.ec2.SecurityGroup(`${name}-data-stores`, { name: `${prefix}-data-stores`, description: `Managed data stores of ${prefix}`, vpcId: args.vpcId, tags }, child);
    const allowFromCluster = (store: string, port: number) =>
      new aws.vpc.SecurityGroupIngressRule(
        `${name}-${store}-from-cluster`,
        { securityGroupId: sg.id, referencedSecurityGroupId: clusterSg, ipProtocol: 'tcp', fromPort: port, toPort: port, description: `${store} from the cluster`, tags },
        child,
      );

    for (const store of args.stores) {
      const id = store.identifier;
      switch (store.engine) {
        case 'postgres': {
          allowFromCluster(store.name, POSTGRES_PORT);
          const subnets = new aws.rds.SubnetGroup(`${name}-${store.name}-subnets`, { name: id, subnetIds: [...args.subnetIds], tags }, child);
          const params = new aws.rds.ParameterGroup(
            `${name}-${store.name}-params`,
            {
              name: id,
              family: 'postgres16',
              description: `${id}: TLS only, pgvector allowed`,
              parameters: [
                { name: 'rds.force_ssl', value: '1' },
                { name: 'rds.allowed_extensions', value: POSTGRES_ALLOWED_EXTENSIONS.join(',') },
                { name: 'shared_preload_libraries', value: 'pg_stat_statements', applyMethod: 'pending-reboot' },
              ],
              tags,
            },
            child,
          );
          const db = new aws.rds.Instance(
            `${name}-${store.name}`,
            {
              identifier: id,
              engine: 'postgres',
              engineVersion: '16',
              instanceClass: store.instanceClass,
              allocatedStorage: store.storageGiB,
              maxAllocatedStorage: store.storageGiB * 4,
              storageType: 'gp3',
              storageEncrypted: true,
              dbName: store.database,
              username: store.username,
              manageMasterUserPassword: true,
              dbSubnetGroupName: subnets.name,
              vpcSecurityGroupIds: [sg.id],
              parameterGroupName: params.name,
              publiclyAccessible: false,
              multiAz: production,
              backupRetentionPeriod: production ? 30 : 7,
              copyTagsToSnapshot: true,
              deletionProtection: production,
              skipFinalSnapshot: !production,
              finalSnapshotIdentifier: production ? `${id}-final` : undefined,
              autoMinorVersionUpgrade: true,
              tags,
            },
            keep,
          );
          endpoints.set(store.name, { engine: 'postgres', host: db.address, port: POSTGRES_PORT, masterSecretArn: db.masterUserSecrets.apply((s) => s[0]?.secretArn) });
          break;
        }
        case 'redis': {
          allowFromCluster(store.name, REDIS_PORT);
          const subnets = new aws.elasticache.SubnetGroup(`${name}-${store.name}-subnets`, { name: id, subnetIds: [...args.subnetIds], tags }, child);
          const params = new aws.elasticache.ParameterGroup(
            `${name}-${store.name}-params`,
            // As the guides configure Redis (docs/design-inputs.md): evict least recently used keys rather than refuse writes when full.
            { name: id, family: 'redis7', parameters: [{ name: 'maxmemory-policy', value: 'allkeys-lru' }], tags },
            child,
          );
          const redis = new aws.elasticache.ReplicationGroup(
            `${name}-${store.name}`,
            {
              replicationGroupId: id,
              description: `Redis of ${prefix}`,
              engine: 'redis',
              engineVersion: '7.1',
              nodeType: store.nodeType,
              port: REDIS_PORT,
              numCacheClusters: production ? 2 : 1,
              automaticFailoverEnabled: production,
              multiAzEnabled: production,
              atRestEncryptionEnabled: true,
              transitEncryptionEnabled: true,
              authToken: args.redisAuthToken!,
              parameterGroupName: params.name,
              subnetGroupName: subnets.name,
              securityGroupIds: [sg.id],
              snapshotRetentionLimit: production ? 7 : 1,
              autoMinorVersionUpgrade: true,
              tags,
            },
            keep,
          );
          endpoints.set(store.name, { engine: 'redis', host: redis.primaryEndpointAddress, port: REDIS_PORT });
          break;
        }
        case 'opensearch': {
          allowFromCluster(store.name, HTTPS_PORT);
          const zones = production ? OPENSEARCH_PRODUCTION_ZONES : 1;
          const domain = new aws.opensearch.Domain(
            `${name}-${store.name}`,
            {
              domainName: id,
              engineVersion: 'OpenSearch_2.19',
              clusterConfig: {
                instanceType: store.instanceType,
                instanceCount: zones,
                zoneAwarenessEnabled: production,
                ...(production ? { zoneAwarenessConfig: { availabilityZoneCount: zones } } : {}),
              },
              ebsOptions: { ebsEnabled: true, volumeSize: store.volumeGiB, volumeType: 'gp3' },
              encryptAtRest: { enabled: true },
              nodeToNodeEncryption: { enabled: true },
              domainEndpointOptions: { enforceHttps: true, tlsSecurityPolicy: 'Policy-Min-TLS-1-2-PFS-2023-10' },
              vpcOptions: { subnetIds: args.subnetIds.slice(0, zones), securityGroupIds: [sg.id] },
              advancedSecurityOptions: {
                enabled: true,
                internalUserDatabaseEnabled: true,
                masterUserOptions: { masterUserName: 'agent-platform', masterUserPassword: args.opensearchMasterPassword! },
              },
              snapshotOptions: { automatedSnapshotStartHour: 2 },
              // Fine-grained access control decides per user; the resource policy only keeps other accounts out.
              accessPolicies: JSON.stringify({
                Version: '2012-10-17',
                Statement: [
                  {
                    Effect: 'Allow',
                    Principal: { AWS: `arn:aws:iam::${args.accountId}:root` },
                    Action: 'es:ESHttp*',
                    Resource: `arn:aws:es:${args.region}:${args.accountId}:domain/${id}/*`,
                  },
                ],
              }),
              tags,
            },
            keep,
          );
          endpoints.set(store.name, { engine: 'opensearch', host: domain.endpoint, port: HTTPS_PORT });
          break;
        }
      }
    }
    this.registerOutputs({});
  }
}
