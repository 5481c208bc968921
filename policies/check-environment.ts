/** Which environment is being checked; severities and some rules depend on it. The rendered set and every rule read it. */
export interface CheckEnvironment {
  /** Environment name (`prod`), or undefined for a directory of somebody else's YAML. */
  readonly name?: string;
  /** `production: true` in `environments/<env>.yaml`. */
  readonly production: boolean;
  /**
   * `delivery` in `environments/<env>.yaml`. Under `pulumi` delivery the program itself turns
   * ExternalSecrets into Secrets filled from encrypted stack config, so Secret data is expected.
   * @default 'gitops'
   */
  readonly delivery?: 'gitops' | 'pulumi';
  /**
   * `YYYY-MM-DD` (UTC) that time-bound facts are judged by (end-of-support dates); the engine
   * sets it from its `today` option. Without it, rules judge nothing that depends on the date.
   */
  readonly today?: string;
  /**
   * Where the cluster DNS runs (`network.dnsNamespace`, `network.dnsPodLabel` of the environment):
   * only egress to these pods, or to a node-local cache on a link-local address, reaches it.
   * @default - the Kubernetes convention: pods labelled `k8s-app: kube-dns` in `kube-system`
   */
  readonly dns?: DnsPeer;
}

/** The pods that answer cluster DNS queries. */
export interface DnsPeer {
  readonly namespace: string;
  readonly podLabels: Readonly<Record<string, string>>;
}

/** CoreDNS as kubeadm, EKS, GKE and AKS deploy it. */
export const DEFAULT_DNS: DnsPeer = { namespace: 'kube-system', podLabels: { 'k8s-app': 'kube-dns' } };
