/**
 * kube-state-metrics restricted to one namespace and the objects our alerts read (pods for
 * crash loops, CronJobs and Jobs for backup freshness, Deployments and StatefulSets for
 * availability). Watching a single namespace lets it run with a Role instead of the usual
 * cluster-wide read access.
 */
import { Construct } from 'constructs';
import type { Resources } from './resources.ts';
import { Connections, type Connectable } from './connections.ts';
import { k8s } from './k8s.ts';
import { componentLabels, selectorLabels } from './labels.ts';
import { PodDisruptionBudget } from './pod-disruption-budget.ts';
import { containerResources } from './resources.ts';
import type { ScrapeTarget } from './scrape-target.ts';
import type { WorkloadRef } from './workload-ref.ts';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from './security.ts';

const KUBE_STATE_METRICS_PORT = 8080;
const TELEMETRY_PORT = 8081;
const KSM_UID = 65534;

/** What it reports on, by resource name (its `--resources` flag) and the API group to read it from. */
const WATCHED: readonly { readonly resource: string; readonly apiGroup: string }[] = [
  { resource: 'pods', apiGroup: '' },
  { resource: 'jobs', apiGroup: 'batch' },
  { resource: 'cronjobs', apiGroup: 'batch' },
  // Desired against available replicas: a workload whose pods are all unready (or missing) has no
  // scrape target left to say so, but kube-state-metrics still reports it. Metric names:
  // kube-state-metrics docs/metrics/workload/{deployment,statefulset}-metrics.md.
  { resource: 'deployments', apiGroup: 'apps' },
  { resource: 'statefulsets', apiGroup: 'apps' },
];

export interface KubeStateMetricsProps {
  /** @default 'kube-state-metrics' */
  readonly name?: string;
  readonly image: string;
  /** The one namespace it watches (the chart's). */
  readonly namespace: string;
  readonly resources: Resources;
  readonly kubernetesApi: { readonly cidrs: readonly string[]; readonly ports: readonly number[] };
}

export class KubeStateMetrics extends Construct implements Connectable {
  readonly connections: Connections;
  /** Its own Deployment, for availability alerts (reported by a kube-state-metrics that is up). */
  readonly workload: WorkloadRef;
  readonly scrapeTarget: ScrapeTarget;

  constructor(scope: Construct, id: string, props: KubeStateMetricsProps) {
    super(scope, id);
    const name = props.name ?? 'kube-state-metrics';
    this.workload = { kind: 'Deployment', name };
    const labels = componentLabels(name, 'monitoring');
    const selector = selectorLabels(name);
    this.connections = new Connections(this, { name, component: 'monitoring', podSelector: selector, defaultPorts: [{ port: KUBE_STATE_METRICS_PORT }] });
    for (const cidr of props.kubernetesApi.cidrs) {
      this.connections.allowToExternal({ name: 'Kubernetes API', ipBlock: { cidr } }, props.kubernetesApi.ports.map((port) => ({ port })));
    }

    new k8s.KubeServiceAccount(this, 'service-account', {
      metadata: { name, labels },
      // It reads the Kubernetes API, so it keeps its token.
      automountServiceAccountToken: true,
    });
    const groups = [...new Set(WATCHED.map((w) => w.apiGroup))];
    new k8s.KubeRole(this, 'role', {
      metadata: { name, labels },
      rules: groups.map((g) => ({ apiGroups: [g], resources: WATCHED.filter((w) => w.apiGroup === g).map((w) => w.resource), verbs: ['list', 'watch'] })),
    });
    new k8s.KubeRoleBinding(this, 'role-binding', {
      metadata: { name, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
      subjects: [{ kind: 'ServiceAccount', name, namespace: props.namespace }],
    });
    new k8s.KubeService(this, 'service', {
      metadata: { name, labels },
      spec: {
        type: 'ClusterIP',
        selector: { ...selector },
        ports: [{ name: 'http-metrics', port: KUBE_STATE_METRICS_PORT, targetPort: k8s.IntOrString.fromString('http-metrics'), protocol: 'TCP' }],
      },
    });
    new k8s.KubeDeployment(this, 'deployment', {
      metadata: { name, labels },
      spec: {
        replicas: 1,
        revisionHistoryLimit: 5,
        selector: { matchLabels: { ...selector } },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: name,
            automountServiceAccountToken: true,
            enableServiceLinks: false,
            securityContext: restrictedPodSecurityContext(KSM_UID),
            containers: [
              {
                name: 'kube-state-metrics',
                image: props.image,
                imagePullPolicy: 'IfNotPresent',
                args: [
                  `--namespaces=${props.namespace}`,
                  `--resources=${WATCHED.map((w) => w.resource).join(',')}`,
                  `--port=${KUBE_STATE_METRICS_PORT}`,
                  `--telemetry-port=${TELEMETRY_PORT}`,
                ],
                ports: [
                  { name: 'http-metrics', containerPort: KUBE_STATE_METRICS_PORT, protocol: 'TCP' },
                  { name: 'telemetry', containerPort: TELEMETRY_PORT, protocol: 'TCP' },
                ],
                resources: containerResources(props.resources),
                securityContext: { ...restrictedContainerSecurityContext(), runAsUser: KSM_UID, runAsGroup: KSM_UID },
                livenessProbe: { httpGet: { path: '/livez', port: k8s.IntOrString.fromString('http-metrics') }, periodSeconds: 15, timeoutSeconds: 5 },
                readinessProbe: { httpGet: { path: '/readyz', port: k8s.IntOrString.fromString('telemetry') }, periodSeconds: 10, timeoutSeconds: 5 },
              },
            ],
          },
        },
      },
    });
    new PodDisruptionBudget(this, 'disruption-budget', { name, component: 'monitoring', selector, minReplicas: 1 });

    this.scrapeTarget = { job: 'kube-state-metrics', workload: this, serviceName: name, port: KUBE_STATE_METRICS_PORT, portName: 'http-metrics', honorLabels: true };
  }
}
