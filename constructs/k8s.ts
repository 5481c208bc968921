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
import { KUBERNETES } from './versions.ts';

/** The Kubernetes minor version the output targets; owned, with its support window, by `KUBERNETES` in ./versions.ts. */
export const KUBERNETES_VERSION: string = KUBERNETES.version;
