/**
 * A Deployment or StatefulSet by kind and name: what kube-state-metrics reports desired and
 * available replicas for, so the monitoring tier can alert when a workload is not available.
 * Each construct that renders one reports it (`workload`); nobody rebuilds the name by hand.
 */
export interface WorkloadRef {
  readonly kind: 'Deployment' | 'StatefulSet';
  readonly name: string;
}
