/**
 * The one module that imports cdk8s-plus. Everything else imports the Kubernetes API classes from
 * here, so moving to the next line (cdk8s-plus-35, ...) is a one-line change here plus the
 * dependency in package.json.
 *
 * cdk8s-plus-NN models the Kubernetes 1.NN API and trails the Kubernetes releases, so the line is
 * the newest one on npm (`npm view cdk8s-plus-35` and `-36`: 404 on 2026-11-28) rather than the
 * Kubernetes target. test/constructs/k8s.test.ts keeps it at most two minors below the
 * target (cdk8s-plus maintains three lines, like Kubernetes) and never above it.
 *
 * We build on cdk8s-plus's generated `k8s` classes (typed Kubernetes API of the line's minor; that
 * every field we write is served by our target is checked by applying the output with strict field
 * validation to a real API server at that version, test/cluster/)
 * rather than its high-level workload constructs: those derive object names and pod selectors from
 * construct paths and hashes, and a Deployment's selector is immutable, so a refactor of our
 * construct tree would turn into a failed sync in production. Our constructs set every name and
 * selector explicitly.
 */
export { k8s } from 'cdk8s-plus-34';
import { KUBERNETES } from './versions.ts';

/** The Kubernetes minor version the output targets; owned, with its support window, by `KUBERNETES` in ./versions.ts. */
export const KUBERNETES_VERSION: string = KUBERNETES.version;
