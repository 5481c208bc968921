/**
 * `data.redis` of an environment: Redis in the cluster (`statefulset`, the default) or Amazon
 * ElastiCache (`managed`, provisioned by the Pulumi program from the same block).
 */
import { z } from 'zod';
import { memoryQuantity, resources, type Resources } from '../../environments/schema/common.ts';
import { endpoint, instanceClass, storage } from '../../environments/schema/store-blocks.ts';
import { parseQuantity, quantityBytes } from '../../kube/quantity.ts';
import { DEFAULT_MAX_MEMORY_POLICY, REDIS_PORT } from './redis.ts';


const redisInCluster = z.strictObject({
  /** One pod running `redis` with AOF and RDB persistence. */
  mode: z.literal('statefulset'),
  /** The guides' Redis sizing (docs/design-inputs.md). */
  resources: resources.default({ requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '500m', memory: '1Gi' } }),
  /**
   * Data volume for the AOF and RDB files, which reach a few times the dataset while the AOF is
   * rewritten. @default { size: '5Gi' } (the default maxmemory is 768Mi)
   */
  storage: storage.default({ size: '5Gi' }),
  /**
   * Redis `maxmemory`. The design's `2gb` exceeds its own 1Gi limit (the pod would be OOM-killed
   * before Redis evicted anything), so it must stay below the memory limit.
   * @default - 75 % of the memory limit (leaves room for fork-time copy-on-write and buffers)
   */
  maxMemory: memoryQuantity.optional(),
  /** @default 'allkeys-lru' (the guides', docs/design-inputs.md) */
  maxMemoryPolicy: z.enum(['allkeys-lru', 'allkeys-lfu', 'volatile-lru', 'volatile-lfu', 'volatile-ttl', 'noeviction']).default(DEFAULT_MAX_MEMORY_POLICY),
});

export const redis = z.discriminatedUnion('mode', [
  redisInCluster,
  z.strictObject({
    /** Amazon ElastiCache (provisioned by the Pulumi program); nothing is rendered. */
    mode: z.literal('managed'),
    endpoint: endpoint(REDIS_PORT),
    /** In-transit encryption (`rediss://`). @default true */
    tls: z.boolean().default(true),
    instanceClass: instanceClass.optional(),
  }),
], { error: 'a mode of "statefulset" or "managed"' }).prefault({ mode: 'statefulset' });
export type RedisSettings = z.infer<typeof redis>;

/** Redis `maxmemory` in effect: the setting, or 75 % of the memory limit. */
export function redisMaxMemoryBytes(r: { readonly maxMemory?: string; readonly resources: Resources }): number {
  // Whole bytes: a fractional quantity (`1.1Gi`) is valid Kubernetes but not a valid `maxmemory`.
  return Math.floor(r.maxMemory !== undefined ? quantityBytes(r.maxMemory) : quantityBytes(r.resources.limits.memory) * 0.75);
}

/** Cross-field rules of `data.redis`; called from the data schema's checks. */
export function checkRedis(rd: RedisSettings, ctx: z.RefinementCtx): void {
  if (rd.mode === 'statefulset' && rd.maxMemory !== undefined && (parseQuantity(rd.maxMemory) ?? 0) >= (parseQuantity(rd.resources.limits.memory) ?? Infinity)) {
    ctx.addIssue({
      code: 'custom',
      path: ['data', 'redis', 'maxMemory'],
      input: rd.maxMemory,
      message: `a maxMemory below the memory limit (${rd.resources.limits.memory}), or Redis is OOM-killed before it evicts`,
    });
  }
}
