/**
 * Completes credential rotation on the Kubernetes side. External Secrets rewrites a Secret when
 * its value changes in the store (every `refreshInterval`), but a pod reads environment variables
 * and Redis reads `requirepass` once, at start: without a restart, new pods and old pods disagree.
 * Every long-running workload consuming such a Secret names it in Stakater Reloader's
 * `secret.reloader.stakater.com/reload` annotation, and the cluster gets Reloader as an add-on
 * (stacks/cluster-add-ons.ts) because that annotation is rendered.
 *
 * Which Secrets a workload consumes is read from the rendered pod templates with the same
 * functions the `rotated-secret-reloads` rule uses (policies/cluster.ts): one definition of
 * "consumes a rotated Secret", so the rule and the annotation cannot drift apart.
 */
import { rotatedSecrets, rotatedSecretsConsumed, SECRET_RELOAD_ANNOTATION } from '../policies/cluster.ts';
import type { Manifest } from '../kube/object.ts';

/** Annotates, in place, each workload of `manifests` that consumes a Secret an ExternalSecret refreshes. */
export function annotateSecretReloads(manifests: readonly Manifest[]): void {
  const rotated = rotatedSecrets(manifests);
  for (const m of manifests) {
    const names = rotatedSecretsConsumed(m, rotated);
    if (names.length === 0) continue;
    m.metadata['annotations'] = { ...((m.metadata['annotations'] ?? {}) as Record<string, string>), [SECRET_RELOAD_ANNOTATION]: names.join(',') };
  }
}
