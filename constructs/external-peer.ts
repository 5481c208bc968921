/** Something outside this environment's own workloads: a namespace's pods, or address ranges. */
export interface ExternalPeer {
  /** Names the peer in comments and errors. */
  readonly name: string;
  /** Namespace of the peer's pods (matched by its `kubernetes.io/metadata.name` label). */
  readonly namespace?: string;
  /** Labels of the peer's pods; all pods of the namespace when omitted. */
  readonly podLabels?: Record<string, string>;
  /** Address range, for peers outside the cluster. */
  readonly ipBlock?: { readonly cidr: string; readonly except?: readonly string[] };
}
