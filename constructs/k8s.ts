/**
 * The one module that imports cdk8s-plus. Everything else imports the Kubernetes API classes from
 * here, so moving to the next supported line (cdk8s-plus-34, ...) is a one-line change.
 *
 * We build on cdk8s-plus's generated `k8s` classes (typed, version-matched Kubernetes 1.33 API)
 * rather than its high-level workload constructs: those derive object names and pod selectors from
 * construct paths and hashes, and a Deployment's selector is immutable, so a refactor of our
 * construct tree would turn into a failed sync in production. Our constructs set every name and
 * selector explicitly.
 */
export { k8s } from 'cdk8s-plus-33';

/** The Kubernetes minor version whose API the output is written and validated against. */
export const KUBERNETES_VERSION = '1.33';
