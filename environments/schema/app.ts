/**
 * The application tier: what the service reads from its environment (docs/design-inputs.md, "Configuration
 * the app reads") and how the API and worker Deployments are sized.
 */
import { z } from 'zod';
import { INT32_MAX, MAX_REPLICAS } from './bounds.ts';
import { withoutCredentials } from './url-credentials.ts';
import { autoscaling, logLevel, resources } from './common.ts';

/** LangMem settings; the defaults are the service's own (docs/design-inputs.md, `config.py`). */
export const langmem = z
  .strictObject({
    embeddingModel: z.string().min(1).default('openai:text-embedding-3-small'),
    embeddingDims: z.number().int().min(1).max(INT32_MAX).default(1536),
    maxMemoriesPerNamespace: z.number().int().min(1).max(INT32_MAX).default(10000),
    autoConsolidate: z.boolean().default(true),
    consolidateThreshold: z.number().int().min(1).max(INT32_MAX).default(1000),
    /** Seconds memories stay in the Redis cache. */
    redisCacheTtlSeconds: z.number().int().min(0).max(INT32_MAX).default(3600),
    /** Seconds between memory clean-up runs (one day). */
    cleanupIntervalSeconds: z.number().int().min(60).max(INT32_MAX).default(86400),
    /** Seconds between LangMem's own backups (one week). */
    backupIntervalSeconds: z.number().int().min(60).max(INT32_MAX).default(604800),
  })
  .prefault({});

/** LLM providers the service can call; each needs its API key in the secret store. */
export const llmProvider = z.enum(['openai', 'anthropic', 'qwen', 'deepseek', 'glm']);
export type LlmProvider = z.infer<typeof llmProvider>;

/** Settings the service reads at start-up, rendered into its ConfigMap. */
export const settings = z.strictObject({
  logLevel,
  /** Uvicorn worker processes per API pod. */
  workers: z.number().int().min(1).max(32),
  /** SQLAlchemy pool size per process. */
  dbPoolSize: z.number().int().min(1).max(200).default(10),
  /** Agents one pod runs at once. */
  maxConcurrentAgents: z.number().int().min(1).max(INT32_MAX),
  /** Seconds a cached response stays valid. */
  cacheTtlSeconds: z.number().int().min(0).max(INT32_MAX).default(3600),
  /** Origins allowed by CORS; empty means same-origin only. */
  corsOrigins: z.array(withoutCredentials(z.url({ protocol: /^https?$/ }))).default([]),
  /** Providers whose API keys the pods receive (OpenAI for embeddings is always needed by LangMem). */
  llmProviders: z
    .array(llmProvider)
    .min(1)
    .default(['openai', 'anthropic'])
    .refine((p) => new Set(p).size === p.length, 'a list without repeats'),
  /** LangSmith tracing; the API key comes from the secret store when enabled. */
  tracing: z
    .strictObject({
      enabled: z.boolean().default(false),
      endpoint: withoutCredentials(z.url({ protocol: /^https$/ })).default('https://api.smith.langchain.com'),
    })
    .prefault({}),
  langmem,
});

/** Voluntary-disruption budget; exactly one of the two may be set. */
export const disruption = z
  .strictObject({
    minAvailable: z.number().int().min(0).max(MAX_REPLICAS).optional(),
    maxUnavailable: z.number().int().min(1).max(MAX_REPLICAS).optional(),
  })
  .refine((d) => !(d.minAvailable !== undefined && d.maxUnavailable !== undefined), 'only one of minAvailable and maxUnavailable')
  .prefault({ maxUnavailable: 1 });

/**
 * A Deployment of the service image: fixed `replicas`, or an `autoscaling` block, not both
 * (a Deployment under an HPA must leave `replicas` to the HPA).
 */
export const deployment = z
    .strictObject({
      /** Pods when autoscaling is off. */
      replicas: z.number().int().min(1).max(MAX_REPLICAS).optional(),
      resources,
      autoscaling: autoscaling.optional(),
      disruption,
    })
    .superRefine((d, ctx) => {
      if (d.replicas !== undefined && d.autoscaling !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['replicas'],
          input: d.replicas,
          message: 'no replicas when autoscaling is set (the HPA owns the replica count)',
        });
      }
      if (d.replicas === undefined && d.autoscaling === undefined) {
        ctx.addIssue({ code: 'custom', path: ['replicas'], input: undefined, message: 'replicas, or an autoscaling block' });
      }
    });

/** The FastAPI server (uvicorn on 8000). */
export const api = deployment;

/**
 * The background worker (`python -m src.multi_agent_service.worker`). The guides run two worker
 * processes under supervisord; here each process is a pod, so "two processes" is two replicas.
 */
export const worker = deployment;
