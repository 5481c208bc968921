/**
 * The parts every stateful workload here builds the same way: the per-replica data volume claim
 * and the Services in front of the pods. Written once so a storage or port convention changes in
 * one place.
 */
import type { Construct } from 'constructs';
import { k8s } from './k8s.ts';

/** A named container port a Service exposes under the same name and number. */
export interface NamedPort {
  readonly name: string;
  readonly port: number;
}

/** The `data` volume claim template of a StatefulSet: one ReadWriteOnce volume per replica. */
export function dataVolumeClaim(
  labels: Record<string, string>,
  size: string,
  storageClass?: string,
): k8s.KubePersistentVolumeClaimProps {
  return {
    metadata: { name: 'data', labels },
    spec: {
      accessModes: ['ReadWriteOnce'],
      storageClassName: storageClass,
      resources: { requests: { storage: k8s.Quantity.fromString(size) } },
    },
  };
}

export interface WorkloadServiceProps {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly selector: Record<string, string>;
  readonly ports: readonly NamedPort[];
  /**
   * Headless (`clusterIP: None`): the governing Service of a StatefulSet, giving each pod a stable
   * DNS name.
   * @default false
   */
  readonly headless?: boolean;
  /**
   * Publish pods before they are ready, for peers that must find each other to become ready
   * (cluster discovery, replication).
   * @default false
   */
  readonly publishNotReadyAddresses?: boolean;
}

/** A Service targeting the pods' named ports. */
export function workloadService(scope: Construct, id: string, props: WorkloadServiceProps): k8s.KubeService {
  return new k8s.KubeService(scope, id, {
    metadata: { name: props.name, labels: props.labels },
    spec: {
      ...(props.headless ? { clusterIp: 'None' } : { type: 'ClusterIP' }),
      publishNotReadyAddresses: props.publishNotReadyAddresses || undefined,
      selector: { ...props.selector },
      ports: props.ports.map((p) => ({ name: p.name, port: p.port, targetPort: k8s.IntOrString.fromString(p.name), protocol: 'TCP' })),
    },
  });
}
