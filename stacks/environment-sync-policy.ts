/** An environment's Argo CD sync policy, from its `gitops.sync` settings. */
import { Duration } from 'cdk8s';
import type { SyncPolicy } from '../constructs/argocd-application.ts';
import type { Environment } from '../environments/schema/index.ts';
import { durationSeconds } from '../kube/duration.ts';

export function syncPolicyOf(env: Environment): SyncPolicy {
  const s = env.gitops.sync;
  return {
    automated: s.automated,
    prune: s.prune,
    selfHeal: s.selfHeal,
    retry: { limit: s.retry.limit, backoff: goSeconds(s.retry.backoff), factor: s.retry.factor, maxBackoff: goSeconds(s.retry.maxBackoff) },
  };
}

/** A cdk8s Duration from a Go duration the schema accepted (`10s`, `5m`, `1h30m`). */
function goSeconds(text: string): Duration {
  return Duration.seconds(durationSeconds(text));
}
