/**
 * Redis as Amazon ElastiCache (`data.redis.mode: managed`), provisioned by the Pulumi program:
 * private, encrypted at rest and in transit, with the auth token from the stack's secret config,
 * and in production a replica in another zone with automatic failover.
 */
import * as aws from '@pulumi/aws';
import type * as pulumi from '@pulumi/pulumi';
import { DEFAULT_MAX_MEMORY_POLICY, REDIS_PORT } from './redis.ts';
import type { Environment } from '../../environments/schema/index.ts';
import type { ManagedEndpoint, ManagedStore, ManagedStoreContext, ManagedStoresArgs } from '../../stacks/pulumi/managed-store.ts';

export type ManagedRedis = Extract<ManagedStore, { engine: 'redis' }>;

/** The ElastiCache replication group `env` asks for, if its Redis is managed. */
export function managedRedisOf(env: Environment): ManagedRedis | undefined {
  const redis = env.data.redis;
  if (redis.mode !== 'managed') return undefined;
  if (!redis.tls) throw new Error(`environments/${env.name}.yaml: data.redis.tls: expected true for a managed Redis (ElastiCache is only run with in-transit encryption), got false`);
  return { engine: 'redis', name: 'redis', identifier: `${env.namespace}-redis`, nodeType: redis.instanceClass ?? (env.production ? 'cache.r7g.large' : 'cache.t4g.small') };
}

/** The auth token, or a message saying how to set it. */
function authTokenOf(where: string, args: ManagedStoresArgs, store: ManagedRedis): pulumi.Output<string> {
  if (!args.redisAuthToken) throw new Error(`${where}: store ${store.name}: set the auth token with pulumi config set --secret redisAuthToken <token>`);
  return args.redisAuthToken;
}

export function checkManagedRedis(where: string, args: ManagedStoresArgs, store: ManagedRedis): void {
  authTokenOf(where, args, store);
}

export function provisionElastiCache(ctx: ManagedStoreContext, store: ManagedRedis): ManagedEndpoint {
  const id = store.identifier;
  const { production, prefix, tags } = ctx.args;
  const authToken = authTokenOf(`ManagedStores ${ctx.name}`, ctx.args, store);
  ctx.allowFromCluster(store.name, REDIS_PORT);
  const subnets = new aws.elasticache.SubnetGroup(`${ctx.name}-${store.name}-subnets`, { name: id, subnetIds: [...ctx.args.subnetIds], tags }, ctx.child);
  const params = new aws.elasticache.ParameterGroup(
    `${ctx.name}-${store.name}-params`,
    // The guides' policy (docs/design-inputs.md): evict least recently used keys rather than refuse writes when full.
    { name: id, family: 'redis7', parameters: [{ name: 'maxmemory-policy', value: DEFAULT_MAX_MEMORY_POLICY }], tags },
    ctx.child,
  );
  const redis = new aws.elasticache.ReplicationGroup(
    `${ctx.name}-${store.name}`,
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
      authToken,
      parameterGroupName: params.name,
      subnetGroupName: subnets.name,
      securityGroupIds: [ctx.securityGroupId],
      snapshotRetentionLimit: production ? 7 : 1,
      autoMinorVersionUpgrade: true,
      tags,
    },
    ctx.keep,
  );
  return { engine: 'redis', host: redis.primaryEndpointAddress, port: REDIS_PORT };
}
