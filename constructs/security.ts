/**
 * The security settings every pod and container gets unless a construct has a documented reason to
 * differ: the Pod Security Standards "restricted" profile, plus a read-only root filesystem.
 */
import { k8s } from './k8s.ts';

/** The uid/gid the service's images run as (docs/design-inputs.md, "Workloads"). */
export const DEFAULT_UID = 1000;

/** Pod-level context: never root, RuntimeDefault seccomp, volumes owned by the pod's group. */
export function restrictedPodSecurityContext(uid: number = DEFAULT_UID, gid: number = uid): k8s.PodSecurityContext {
  if (uid === 0) throw new Error('restrictedPodSecurityContext: uid 0 is root; pods in this platform never run as root');
  return {
    runAsNonRoot: true,
    runAsUser: uid,
    runAsGroup: gid,
    fsGroup: gid,
    fsGroupChangePolicy: 'OnRootMismatch',
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** Container-level context: no privilege, no escalation, no capabilities, read-only root filesystem. */
export function restrictedContainerSecurityContext(): k8s.SecurityContext {
  return {
    runAsNonRoot: true,
    privileged: false,
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
}
