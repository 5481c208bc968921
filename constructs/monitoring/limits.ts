/** Size limits the generated monitoring configuration must respect to be applied at all. */

/**
 * Client-side `kubectl apply` (Argo CD's default) copies the whole object into the
 * `last-applied-configuration` annotation, and annotations are limited to 256 KiB in total; a
 * larger ConfigMap fails to sync. Refuse it at synth time instead.
 */
const MAX_APPLIED_CONFIGMAP_BYTES = 256 * 1024;

/** Throws when a ConfigMap's data would be too large to apply client-side. */
export function assertApplicableConfigMap(owner: string, name: string, data: Readonly<Record<string, string>>): void {
  const bytes = Object.entries(data).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v), 0);
  if (bytes > MAX_APPLIED_CONFIGMAP_BYTES) {
    throw new Error(
      `${owner}: ConfigMap ${name} would hold ${bytes} bytes; client-side apply (Argo CD's default) refuses more than ${MAX_APPLIED_CONFIGMAP_BYTES}. Split it or drop panels/rules`,
    );
  }
}
