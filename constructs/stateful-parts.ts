/**
 * The parts every stateful workload here builds the same way: the per-replica data volume claim
 * and the Services in front of the pods. Written once so a storage or port convention changes in
 * one place.
 */
import type { Construct, IConstruct } from 'constructs';
import { singlePodAccessMode } from './access-mode.ts';
import { k8s } from './k8s.ts';
import { containerResources } from './resources.ts';
import { restrictedContainerSecurityContext } from './security.ts';
import { reportClaim } from './storage-claims.ts';

/** A named container port a Service exposes under the same name and number. */
export interface NamedPort {
  readonly name: string;
  readonly port: number;
}

/**
 * The `data` volume claim template of a StatefulSet: one volume per replica, for that replica alone.
 * `owner` (the construct rendering the StatefulSet) reports the claim's class (storage-claims.ts).
 */
export function dataVolumeClaim(
  owner: IConstruct,
  labels: Record<string, string>,
  size: string,
  storageClass?: string,
): k8s.KubePersistentVolumeClaimProps {
  reportClaim(owner, storageClass);
  return {
    metadata: { name: 'data', labels },
    spec: {
      accessModes: [singlePodAccessMode(storageClass)],
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

export interface ExporterSidecarProps {
  /** Pinned exporter image. */
  readonly image: string;
  /** Port the exporter serves `/metrics` on, named `metrics`. */
  readonly port: number;
  /** The uid the exporter image runs as. */
  readonly uid: number;
  /** How it reaches the store over loopback, credentials by secret reference only. */
  readonly env: readonly k8s.EnvVar[];
}

/**
 * A Prometheus exporter beside a store in the same pod. Small fixed resources; its readiness checks
 * the exporter's static landing page, never the store, because a sidecar's readiness gates the
 * pod's and a slow scrape must not take the store out of its Service.
 */
export function exporterSidecar(props: ExporterSidecarProps): k8s.Container {
  return {
    name: 'exporter',
    image: props.image,
    imagePullPolicy: 'IfNotPresent',
    ports: [{ name: 'metrics', containerPort: props.port, protocol: 'TCP' }],
    env: [...props.env],
    resources: containerResources({ requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '128Mi' } }),
    securityContext: { ...restrictedContainerSecurityContext(), runAsUser: props.uid, runAsGroup: props.uid },
    readinessProbe: { httpGet: { path: '/', port: k8s.IntOrString.fromString('metrics') }, periodSeconds: 10 },
    livenessProbe: { tcpSocket: { port: k8s.IntOrString.fromString('metrics') }, periodSeconds: 30, failureThreshold: 3 },
  };
}
