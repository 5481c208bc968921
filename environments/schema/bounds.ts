/** Upper bounds of the whole numbers in environment files, each written once. */

/**
 * Kubernetes stores counts (replicas, HPA bounds, PDB figures, ports) as int32; a larger number
 * passes YAML and fails only when the API server or the object validation sees it.
 */
export const INT32_MAX = 2_147_483_647;

/**
 * Most pods one tier (API or worker) may ask for, fixed or at the HPA's maximum. The guides'
 * largest figure is an autoscaler maximum of 20 (docs/design-inputs.md); five times that means the sizing
 * changed, which deserves a change here rather than a typo reaching the cluster's quota.
 */
export const MAX_REPLICAS = 100;
