/**
 * The service's configuration contract (docs/design-inputs.md, "Configuration the app reads"): which environment
 * variables it reads, from which environment field, and which secret keys it needs. Written once
 * here and used by the stack.
 */
import type { Environment } from '../environments/schema/index.ts';
import type { LlmProvider } from '../environments/schema/app.ts';

/** Port uvicorn listens on inside the pod. */
export const SERVICE_PORT = 8000;

/** Plain settings, rendered into the ConfigMap both the API and the worker read. */
export function serviceSettings(env: Environment): Record<string, string> {
  const s = env.settings;
  const settings: Record<string, string> = {
    ENVIRONMENT: env.name,
    LOG_LEVEL: s.logLevel,
    WORKERS: String(s.workers),
    DB_POOL_SIZE: String(s.dbPoolSize),
    MAX_CONCURRENT_AGENTS: String(s.maxConcurrentAgents),
    HOST: '0.0.0.0',
    PORT: String(SERVICE_PORT),
    CACHE_TTL: String(s.cacheTtlSeconds),
    RATE_LIMIT_PER_MINUTE: String(env.ingress.rateLimit.requestsPerMinute),
    RATE_LIMIT_BURST: String(env.ingress.rateLimit.burst),
    CORS_ORIGINS: JSON.stringify(s.corsOrigins),
    LANGMEM_STORE_TYPE: 'postgres',
    LANGMEM_EMBEDDING_MODEL: s.langmem.embeddingModel,
    LANGMEM_EMBEDDING_DIMS: String(s.langmem.embeddingDims),
    LANGMEM_MAX_MEMORIES_PER_NAMESPACE: String(s.langmem.maxMemoriesPerNamespace),
    LANGMEM_AUTO_CONSOLIDATE: String(s.langmem.autoConsolidate),
    LANGMEM_CONSOLIDATE_THRESHOLD: String(s.langmem.consolidateThreshold),
    REDIS_MEMORY_CACHE_TTL: String(s.langmem.redisCacheTtlSeconds),
    MEMORY_CLEANUP_INTERVAL: String(s.langmem.cleanupIntervalSeconds),
    MEMORY_BACKUP_INTERVAL: String(s.langmem.backupIntervalSeconds),
    LANGCHAIN_TRACING_V2: String(s.tracing.enabled),
  };
  if (s.tracing.enabled) settings['LANGCHAIN_ENDPOINT'] = s.tracing.endpoint;
  return settings;
}

const PROVIDER_KEYS: Record<LlmProvider, string> = {
  openai: 'OPENAI_API_KEY',
  anthropic: 'ANTHROPIC_API_KEY',
  qwen: 'QWEN_API_KEY',
  deepseek: 'DEEPSEEK_API_KEY',
  glm: 'GLM_API_KEY',
};

/** Secret keys the service needs from the store, in a stable order. */
export function serviceSecretKeys(env: Environment): string[] {
  const keys = ['SECRET_KEY', ...env.settings.llmProviders.map((p) => PROVIDER_KEYS[p])];
  if (env.settings.tracing.enabled) keys.push('LANGSMITH_API_KEY');
  return keys;
}
