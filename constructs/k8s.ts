/**
 * The one module that imports cdk8s-plus. Everything else imports the Kubernetes API classes from
 * here, so moving to the next supported line (cdk8s-plus-34, ...) is a one-line change.
 *
 * We build on cdk8s-plus's generated `k8s` classes (typed, version-matched Kubernetes 1.33 API; that
 * every field we write is served by our target is checked by applying the output with strict field
 * validation to a real API server at that version, test/cluster/)
 * rather than its high-level workload constructs: those derive object names and pod selectors from
 * construct paths and hashes, and a Deployment's selector is immutable, so a refactor of our
 * construct tree would turn into a failed sync in production. Our constructs set every name and
 * selector explicitly.
 */
export { k8s } from 'cdk8s-plus-33';

/**
 * The Kubernetes minor version the output targets: its Pod Security Standards label the namespaces,
 * and the control plane of test/cluster/ is built at it (tools/go-tools/pins.ts). 1.36, because
 * 1.33 left upstream support on 2026-06-28 (https://kubernetes.io/releases/) and CloudNativePG 1.30
 * supports 1.34-1.36 (constructs/versions.ts).
 */
export const KUBERNETES_VERSION = '1.36';
