/**
 * Every rule, in the order reports list them (by category). A new rule is one file in this
 * directory plus one line here; the tests fail until it has a passing and a failing case, and until
 * `npm run docs` has regenerated docs/policy-rules.md from it.
 */
import { rule as allowedVolumeTypes } from './allowed-volume-types.ts';
import { rule as dropAllCapabilities } from './drop-all-capabilities.ts';
import { rule as imageDigestInProd } from './image-digest-in-prod.ts';
import { rule as imageTagPinned } from './image-tag-pinned.ts';
import { rule as noAddedCapabilities } from './no-added-capabilities.ts';
import { rule as noClusterAdminBinding } from './no-cluster-admin-binding.ts';
import { rule as noCredentialsInUrl } from './no-credentials-in-url.ts';
import { rule as noDefaultServiceAccount } from './no-default-service-account.ts';
import { rule as noHostNamespaces } from './no-host-namespaces.ts';
import { rule as noHostPath } from './no-host-path.ts';
import { rule as noHostPort } from './no-host-port.ts';
import { rule as noPrivilegeEscalation } from './no-privilege-escalation.ts';
import { rule as noPrivileged } from './no-privileged.ts';
import { rule as noRbacWildcards } from './no-rbac-wildcards.ts';
import { rule as noRootUid } from './no-root-uid.ts';
import { rule as noSecretData } from './no-secret-data.ts';
import { rule as noSecretEnvLiteral } from './no-secret-env-literal.ts';
import { rule as noStoreSuperuser } from './no-store-superuser.ts';
import { rule as noTokenAutomount } from './no-token-automount.ts';
import { rule as readOnlyRootFilesystem } from './read-only-root-filesystem.ts';
import { rule as runAsNonRoot } from './run-as-non-root.ts';
import { rule as seccompRuntimeDefault } from './seccomp-runtime-default.ts';
import { rule as componentSupportEnding } from './component-support-ending.ts';
import { rule as componentSupported } from './component-supported.ts';
import { rule as cronjobConcurrency } from './cronjob-concurrency.ts';
import { rule as hpaBounds } from './hpa-bounds.ts';
import { rule as hpaOwnsReplicas } from './hpa-owns-replicas.ts';
import { rule as hpaTargetRequests } from './hpa-target-requests.ts';
import { rule as hpaMetricsApiProvided } from './hpa-metrics-api-provided.ts';
import { rule as rotatedSecretReloads } from './rotated-secret-reloads.ts';
import { rule as jobBackoffLimit } from './job-backoff-limit.ts';
import { rule as jobDeadlines } from './job-deadlines.ts';
import { rule as livenessProbe } from './liveness-probe.ts';
import { rule as memoryLimit } from './memory-limit.ts';
import { rule as multiReplicaInProd } from './multi-replica-in-prod.ts';
import { rule as pdbForReplicated } from './pdb-for-replicated.ts';
import { rule as pdbSane } from './pdb-sane.ts';
import { rule as probePortsDeclared } from './probe-ports-declared.ts';
import { rule as probesDiffer } from './probes-differ.ts';
import { rule as readinessProbe } from './readiness-probe.ts';
import { rule as replicaClaimSinglePod } from './replica-claim-single-pod.ts';
import { rule as resourceRequests } from './resource-requests.ts';
import { rule as spreadReplicas } from './spread-replicas.ts';
import { rule as statefulsetClaimsSized } from './statefulset-claims-sized.ts';
import { rule as statefulsetHeadlessService } from './statefulset-headless-service.ts';
import { rule as configmapsExist } from './configmaps-exist.ts';
import { rule as egressReachesDns } from './egress-reaches-dns.ts';
import { rule as routeBackendExists } from './route-backend-exists.ts';
import { rule as routeParentAccepted } from './route-parent-accepted.ts';
import { rule as gatewayListenerTls } from './gateway-listener-tls.ts';
import { rule as acmeHttp01SolverPath } from './acme-http01-solver-path.ts';
import { rule as rateLimitClientIp } from './rate-limit-client-ip.ts';
import { rule as namespaceDefaultDeny } from './namespace-default-deny.ts';
import { rule as networkpolicySelectsPods } from './networkpolicy-selects-pods.ts';
import { rule as noDefaultNamespace } from './no-default-namespace.ts';
import { rule as pdbSelectsPods } from './pdb-selects-pods.ts';
import { rule as pvcsExist } from './pvcs-exist.ts';
import { rule as storageClassDeclared } from './storage-class-declared.ts';
import { rule as secretsExist } from './secrets-exist.ts';
import { rule as serviceAccountsExist } from './service-accounts-exist.ts';
import { rule as serviceSelectsPods } from './service-selects-pods.ts';
import { rule as servicemonitorSelectsService } from './servicemonitor-selects-service.ts';
import { rule as serviceTargetPorts } from './service-target-ports.ts';
import { rule as argocdAppProject } from './argocd-app-project.ts';
import { rule as argocdDestinationNamespace } from './argocd-destination-namespace.ts';
import { rule as argocdNamespaceProtected } from './argocd-namespace-protected.ts';
import { rule as argocdPinnedRevision } from './argocd-pinned-revision.ts';
import { rule as argocdProjectScoped } from './argocd-project-scoped.ts';
import { rule as initJobNotPostsync } from './init-job-not-postsync.ts';
import { rule as noDeprecatedApis } from './no-deprecated-apis.ts';
import type { Rule } from '../types.ts';

export const RULES: readonly Rule[] = [
  allowedVolumeTypes,
  dropAllCapabilities,
  imageDigestInProd,
  imageTagPinned,
  noAddedCapabilities,
  noClusterAdminBinding,
  noCredentialsInUrl,
  noDefaultServiceAccount,
  noHostNamespaces,
  noHostPath,
  noHostPort,
  noPrivilegeEscalation,
  noPrivileged,
  noRbacWildcards,
  noRootUid,
  noSecretData,
  noSecretEnvLiteral,
  noStoreSuperuser,
  noTokenAutomount,
  readOnlyRootFilesystem,
  runAsNonRoot,
  seccompRuntimeDefault,
  componentSupportEnding,
  componentSupported,
  cronjobConcurrency,
  hpaBounds,
  hpaOwnsReplicas,
  hpaTargetRequests,
  hpaMetricsApiProvided,
  jobBackoffLimit,
  jobDeadlines,
  livenessProbe,
  memoryLimit,
  multiReplicaInProd,
  pdbForReplicated,
  pdbSane,
  probePortsDeclared,
  probesDiffer,
  readinessProbe,
  replicaClaimSinglePod,
  resourceRequests,
  rotatedSecretReloads,
  spreadReplicas,
  statefulsetClaimsSized,
  statefulsetHeadlessService,
  configmapsExist,
  egressReachesDns,
  routeBackendExists,
  routeParentAccepted,
  gatewayListenerTls,
  acmeHttp01SolverPath,
  rateLimitClientIp,
  namespaceDefaultDeny,
  networkpolicySelectsPods,
  noDefaultNamespace,
  pdbSelectsPods,
  pvcsExist,
  storageClassDeclared,
  secretsExist,
  serviceAccountsExist,
  serviceSelectsPods,
  servicemonitorSelectsService,
  serviceTargetPorts,
  argocdAppProject,
  argocdDestinationNamespace,
  argocdNamespaceProtected,
  argocdPinnedRevision,
  argocdProjectScoped,
  initJobNotPostsync,
  noDeprecatedApis,
];
