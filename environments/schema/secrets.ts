/**
 * Where secret values live. Nothing secret is ever rendered: pods read Kubernetes Secrets that
 * External Secrets Operator creates from the store named here.
 */
import { z } from 'zod';

export const secrets = z.strictObject({
  /** The (Cluster)SecretStore that External Secrets Operator reads from. */
  store: z.strictObject({
    kind: z.enum(['ClusterSecretStore', 'SecretStore']).default('ClusterSecretStore'),
    name: z.string().min(1),
  }),
  /** Prefix of every remote key, e.g. `agent-platform/prod`, so environments never share a secret. */
  remoteKeyPrefix: z.string().regex(/^[A-Za-z0-9_.\-/]+$/, 'a key prefix like "agent-platform/prod"'),
  /** How often External Secrets Operator re-reads the store (a Go duration). */
  refreshInterval: z.string().regex(/^([0-9]+(h|m|s))+$/, 'a duration like "1h" or "15m"').default('1h'),
});
