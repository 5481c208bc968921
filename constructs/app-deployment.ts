/**
 * A stateless workload of the service image: Deployment, ServiceAccount, optional Service, and the
 * objects that keep it available (HorizontalPodAutoscaler, PodDisruptionBudget, topology spread).
 *
 * Secure by default: non-root uid 1000, no privilege escalation, all capabilities dropped,
 * RuntimeDefault seccomp, read-only root filesystem with an `emptyDir` for each writable path, no
 * service-account token, requests and a memory limit always set.
 */
import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import type { Autoscaling } from './horizontal-pod-autoscaler.ts';
import type { Resources } from './resources.ts';
import { caVolume, caVolumeMount, type CaBundle } from './ca-bundle.ts';
import { Connections, type Connectable } from './connections.ts';
import { HorizontalPodAutoscaler } from './horizontal-pod-autoscaler.ts';
import { k8s } from './k8s.ts';
import { componentLabels, selectorLabels } from './labels.ts';
import { PodDisruptionBudget } from './pod-disruption-budget.ts';
import { containerResources } from './resources.ts';
import { quantityBytes } from '../kube/quantity.ts';
import { DEFAULT_UID, restrictedContainerSecurityContext, restrictedPodSecurityContext } from './security.ts';
import type { WorkloadRef } from './workload-ref.ts';

/** An HTTP check on the workload's port. */
export interface HttpCheck {
  readonly path: string;
  /** @default Duration.seconds(10) */
  readonly period?: Duration;
  /** @default Duration.seconds(0) */
  readonly initialDelay?: Duration;
  /** @default Duration.seconds(3) */
  readonly timeout?: Duration;
  /** Consecutive failures before the check counts as failed. @default 3 */
  readonly failureThreshold?: number;
}

export interface AppDeploymentProps {
  /** Name of every object of the workload and its `app.kubernetes.io/name`. */
  readonly name: string;
  /** `app.kubernetes.io/component` (api, worker, ...). */
  readonly component: string;
  /** Image reference, pinned (tag, and digest in production). */
  readonly image: string;
  /** @default - the image's entrypoint */
  readonly command?: readonly string[];
  /** @default - the image's arguments */
  readonly args?: readonly string[];
  /**
   * The port the container serves on; when set, a ClusterIP Service of the same name exposes it.
   * @default - no port and no Service
   */
  readonly port?: { readonly name: string; readonly containerPort: number };
  /** @default - none */
  readonly env?: readonly k8s.EnvVar[];
  /** @default - none */
  readonly envFrom?: readonly k8s.EnvFromSource[];
  readonly resources: Resources;
  /** Fixed pod count; mutually exclusive with `autoscaling`. @default 1 when `autoscaling` is not set */
  readonly replicas?: number;
  /** HPA bounds and behaviour; the Deployment then leaves `replicas` to the HPA. @default - no HPA */
  readonly autoscaling?: Autoscaling;
  /** Disruption budget. @default { maxUnavailable: 1 } */
  readonly disruption?: { readonly minAvailable?: number; readonly maxUnavailable?: number };
  /** Gates liveness and readiness until the process has started. @default - none */
  readonly startupProbe?: HttpCheck;
  /** @default - none */
  readonly readinessProbe?: HttpCheck;
  /** @default - none */
  readonly livenessProbe?: HttpCheck;
  /** uid and gid the container runs as. @default 1000 */
  readonly uid?: number;
  /** Paths the process writes to, each backed by a size-limited `emptyDir`. @default ['/tmp'] */
  readonly writablePaths?: readonly string[];
  /** Size limit of each writable path. @default '256Mi' */
  readonly writableSizeLimit?: string;
  /** Pod annotations, e.g. a checksum of mounted configuration so a change rolls the pods. @default - none */
  readonly podAnnotations?: Record<string, string>;
  /** Time given to finish in-flight work on shutdown. @default Duration.seconds(30) */
  readonly terminationGracePeriod?: Duration;
  /** Private CA certificates the process verifies servers against, each mounted read-only. @default - none */
  readonly caBundles?: readonly CaBundle[];
}

function probe(port: string, check: HttpCheck): k8s.Probe {
  return {
    httpGet: { path: check.path, port: k8s.IntOrString.fromString(port) },
    periodSeconds: (check.period ?? Duration.seconds(10)).toSeconds(),
    initialDelaySeconds: (check.initialDelay ?? Duration.seconds(0)).toSeconds(),
    timeoutSeconds: (check.timeout ?? Duration.seconds(3)).toSeconds(),
    failureThreshold: check.failureThreshold ?? 3,
  };
}

function volumeName(path: string): string {
  return path.replace(/^\/+/, '').replace(/[^a-z0-9]+/gi, '-').toLowerCase() || 'root';
}

export class AppDeployment extends Construct implements Connectable {
  readonly name: string;
  readonly selector: Readonly<Record<string, string>>;
  readonly connections: Connections;
  /** The Deployment this construct renders, for availability alerts. */
  get workload(): WorkloadRef {
    return { kind: 'Deployment', name: this.name };
  }
  /** The Service, when the workload has a port. */
  readonly service?: { readonly name: string; readonly port: number };
  /** The container port, when the workload has one. */
  readonly port?: { readonly name: string; readonly containerPort: number };
  /** Fewest and most pods the workload runs. */
  readonly minReplicas: number;
  readonly maxReplicas: number;
  /** The memory limit of one pod, in bytes (what a memory alert is a share of). */
  readonly memoryLimitBytes: number;

  constructor(scope: Construct, id: string, props: AppDeploymentProps) {
    super(scope, id);
    if (props.replicas !== undefined && props.autoscaling !== undefined) {
      throw new Error(`AppDeployment ${props.name}: set replicas (${props.replicas}) or autoscaling, not both; the HPA owns the replica count`);
    }
    const probes = [props.startupProbe, props.readinessProbe, props.livenessProbe].filter((p) => p !== undefined);
    if (probes.length > 0 && !props.port) {
      throw new Error(`AppDeployment ${props.name}: HTTP probes need a port`);
    }
    this.name = props.name;
    this.port = props.port;
    this.minReplicas = props.autoscaling?.minReplicas ?? props.replicas ?? 1;
    this.maxReplicas = props.autoscaling?.maxReplicas ?? props.replicas ?? 1;
    this.memoryLimitBytes = quantityBytes(props.resources.limits.memory);
    const uid = props.uid ?? DEFAULT_UID;
    const selector = selectorLabels(props.name);
    this.selector = selector;
    const labels = componentLabels(props.name, props.component);
    const writable = props.writablePaths ?? ['/tmp'];
    const sizeLimit = k8s.Quantity.fromString(props.writableSizeLimit ?? '256Mi');
    const cas = props.caBundles ?? [];

    this.connections = new Connections(this, {
      name: props.name,
      component: props.component,
      podSelector: selector,
      defaultPorts: props.port ? [{ port: props.port.containerPort }] : [],
    });

    new k8s.KubeServiceAccount(this, 'service-account', {
      metadata: { name: props.name, labels },
      // The service never talks to the Kubernetes API; a mounted token would only be something to steal.
      automountServiceAccountToken: false,
    });

    // Spread only when there is more than one pod to spread; zones are best effort (a cluster may
    // have fewer zones than pods), nodes are enforced so one node loss never takes every replica.
    const spread: k8s.TopologySpreadConstraint[] | undefined =
      this.maxReplicas >= 2
        ? [
            { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { ...selector } } },
            { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { ...selector } } },
          ]
        : undefined;

    new k8s.KubeDeployment(this, 'deployment', {
      metadata: { name: props.name, labels },
      spec: {
        replicas: props.autoscaling ? undefined : (props.replicas ?? 1),
        revisionHistoryLimit: 5,
        selector: { matchLabels: { ...selector } },
        strategy: {
          type: 'RollingUpdate',
          // Surge first, never drop below the desired count during a rollout.
          rollingUpdate: { maxSurge: k8s.IntOrString.fromString('25%'), maxUnavailable: k8s.IntOrString.fromNumber(0) },
        },
        template: {
          metadata: { labels, annotations: props.podAnnotations ? { ...props.podAnnotations } : undefined },
          spec: {
            serviceAccountName: props.name,
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            securityContext: restrictedPodSecurityContext(uid),
            terminationGracePeriodSeconds: (props.terminationGracePeriod ?? Duration.seconds(30)).toSeconds(),
            topologySpreadConstraints: spread,
            containers: [
              {
                name: props.component,
                image: props.image,
                imagePullPolicy: 'IfNotPresent',
                command: props.command ? [...props.command] : undefined,
                args: props.args ? [...props.args] : undefined,
                ports: props.port ? [{ name: props.port.name, containerPort: props.port.containerPort, protocol: 'TCP' }] : undefined,
                env: props.env?.length ? [...props.env] : undefined,
                envFrom: props.envFrom?.length ? [...props.envFrom] : undefined,
                resources: containerResources(props.resources),
                securityContext: { ...restrictedContainerSecurityContext(), runAsUser: uid, runAsGroup: uid },
                startupProbe: props.startupProbe && props.port ? probe(props.port.name, props.startupProbe) : undefined,
                readinessProbe: props.readinessProbe && props.port ? probe(props.port.name, props.readinessProbe) : undefined,
                livenessProbe: props.livenessProbe && props.port ? probe(props.port.name, props.livenessProbe) : undefined,
                volumeMounts: [...writable.map((path) => ({ name: volumeName(path), mountPath: path })), ...cas.map(caVolumeMount)],
              },
            ],
            volumes: [...writable.map((path) => ({ name: volumeName(path), emptyDir: { sizeLimit } })), ...cas.map(caVolume)],
          },
        },
      },
    });

    if (props.port) {
      new k8s.KubeService(this, 'service', {
        metadata: { name: props.name, labels },
        spec: {
          type: 'ClusterIP',
          selector: { ...selector },
          ports: [
            {
              name: props.port.name,
              port: props.port.containerPort,
              targetPort: k8s.IntOrString.fromString(props.port.name),
              protocol: 'TCP',
            },
          ],
        },
      });
      this.service = { name: props.name, port: props.port.containerPort };
    }

    if (props.autoscaling) {
      new HorizontalPodAutoscaler(this, 'autoscaler', {
        name: props.name,
        component: props.component,
        target: { apiVersion: 'apps/v1', kind: 'Deployment', name: props.name },
        scaling: props.autoscaling,
      });
    }

    new PodDisruptionBudget(this, 'disruption-budget', {
      name: props.name,
      component: props.component,
      selector,
      minAvailable: props.disruption?.minAvailable,
      maxUnavailable: props.disruption?.maxUnavailable,
      minReplicas: this.minReplicas,
    });
  }
}
