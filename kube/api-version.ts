/**
 * API groups and versions. An `apiVersion` is `<group>/<version>`, or just `<version>` for the core
 * group (`v1`), whose group is the empty string: `apps/v1` -> `apps`, `v1` -> `''`,
 * `postgresql.cnpg.io/v1` -> `postgresql.cnpg.io`.
 * https://kubernetes.io/docs/reference/using-api/#api-groups
 */

export interface GroupVersion {
  readonly group: string;
  readonly version: string;
}

/** The group and version of an `apiVersion`; anything that is not a string is the core group's `''` version. */
export function parseApiVersion(apiVersion: unknown): GroupVersion {
  const text = typeof apiVersion === 'string' ? apiVersion : '';
  const slash = text.lastIndexOf('/');
  return slash < 0 ? { group: '', version: text } : { group: text.slice(0, slash), version: text.slice(slash + 1) };
}

/** The API group of an `apiVersion` (`''` for the core group). */
export function apiGroupOf(apiVersion: unknown): string {
  return parseApiVersion(apiVersion).group;
}

/** API groups under `k8s.io` that are CRDs an add-on installs, not served by Kubernetes itself. */
const ADD_ON_K8S_IO_GROUPS: ReadonlySet<string> = new Set(['gateway.networking.k8s.io']);

/**
 * API groups served by Kubernetes itself: the core group, the unqualified ones (`apps`, `batch`,
 * `autoscaling`, `policy`) and `*.k8s.io`, except the ones add-ons bring (Gateway API).
 */
export function isBuiltInGroup(group: string): boolean {
  return /^$|\.k8s\.io$|^(apps|batch|autoscaling|policy)$/.test(group) && !ADD_ON_K8S_IO_GROUPS.has(group);
}
