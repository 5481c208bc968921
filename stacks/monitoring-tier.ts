/**
 * The monitoring tier of one environment. It is handed the scrape targets of every rendered
 * component (and the backups to watch) and renders exactly the jobs, alerts and dashboard panels
 * those targets can feed: an environment without Elasticsearch gets no Elasticsearch alert, and no
 * job points at nothing.
 *
 * `plain` mode runs our own Prometheus and Alertmanager; `operator` mode hands the same jobs and
 * rules to a cluster's Prometheus Operator as ServiceMonitor and PrometheusRule objects. Grafana
 * and kube-state-metrics are ours in both.
 */
import type { Construct } from 'constructs';
import { Alertmanager, ALERTMANAGER_PORT } from '../constructs/alertmanager.ts';
import { AlertmanagerConfig } from '../constructs/alertmanager-config.ts';
import type { Connectable } from '../constructs/connections.ts';
import type { ExternalPeer } from '../constructs/external-peer.ts';
import { GRAFANA_JOB, Grafana, type GrafanaLogsDatasource } from '../constructs/grafana.ts';
import { KubeStateMetrics } from '../constructs/kube-state-metrics.ts';
import type { AlertGroup } from '../constructs/monitoring/alert-definition.ts';
import { alertGroups } from '../constructs/monitoring/alerts.ts';
import type { BackupWatch } from '../constructs/monitoring/backup-alerts.ts';
import { availabilityAlertGroup, type WatchedWorkload } from '../constructs/monitoring/availability-alerts.ts';
import { DASHBOARDS, type DashboardDefinition, servedDashboard } from '../constructs/monitoring/dashboards.ts';
import { type RenderedRuleGroup, renderRuleGroups, servedGroups } from '../constructs/monitoring/rule-files.ts';
import { Prometheus, PROMETHEUS_NAME, PROMETHEUS_PORT, PROMETHEUS_SELF_JOB } from '../constructs/prometheus.ts';
import { PrometheusRule } from '../constructs/prometheus-rule.ts';
import type { PodScrapeTarget } from '../constructs/pod-scrape-target.ts';
import type { ScrapeTarget } from '../constructs/scrape-target.ts';
import { ServiceMonitor } from '../constructs/service-monitor.ts';
import { IMAGES, pinnedImageRef } from '../constructs/versions.ts';
import type { ChartContext } from './chart-context.ts';

export type { BackupWatch } from '../constructs/monitoring/backup-alerts.ts';
export type { WatchedWorkload } from '../constructs/monitoring/availability-alerts.ts';

/** Elasticsearch holding the service's logs, as Grafana's logs datasource. */
export interface LogsSource {
  /** Its user should only be able to read the log indices. */
  readonly datasource: GrafanaLogsDatasource;
  /** Grafana is let through its NetworkPolicy and this workload's to `port`. */
  readonly workload: Connectable;
  readonly port: number;
  /** The Job that creates the datasource's user, which Grafana starts after. @default - the user exists beforehand */
  readonly userCreatedBy?: { readonly job: Connectable; readonly reason: string };
}

/** What the other tiers tell the monitoring tier. */
export interface MonitoringInputs {
  /** Metrics endpoints of every rendered component (app tier, data tier, ...). */
  readonly scrapeTargets: readonly ScrapeTarget[];
  /**
   * Metrics of pods in other namespaces that belong to the environment (its Gateway's Envoy,
   * cert-manager). Scraped by our own Prometheus; a cluster's Prometheus Operator scrapes add-ons
   * by its own configuration. @default - none
   */
  readonly podTargets?: readonly PodScrapeTarget[];
  /** Backup CronJobs whose freshness is alerted on. @default - none */
  readonly backups?: readonly BackupWatch[];
  /** Memory limit of an API pod, in bytes: the guides' memory alert is a share of it. */
  readonly apiMemoryLimitBytes: number;
  /**
   * Alert groups of the other tiers' components (the stores'), rendered where every job they read
   * is scraped. @default - none
   */
  readonly alertGroups?: readonly AlertGroup[];
  /** Dashboards of the other tiers' components, with the panels whose jobs are scraped. @default - none */
  readonly dashboards?: readonly DashboardDefinition[];
  /**
   * Deployments and StatefulSets of the other tiers, alerted on when fewer replicas are available
   * than desired (the monitoring tier adds its own). @default - none
   */
  readonly workloads?: readonly WatchedWorkload[];
  /**
   * Elasticsearch holding the service's logs, as Grafana's logs datasource. Give it a user that
   * can only read the log indices. @default - no logs datasource
   */
  readonly logs?: LogsSource;
}

export interface MonitoringTier {
  readonly mode: 'plain' | 'operator';
  /** Every target scraped, the monitoring tier's own included. */
  readonly scrapeTargets: readonly ScrapeTarget[];
  /** Pods of other namespaces scraped (the edge); `plain` mode only. */
  readonly podTargets: readonly PodScrapeTarget[];
  /** Every job name, with Prometheus's scrape of itself in `plain` mode; alerts and panels read only these. */
  readonly jobs: readonly string[];
  /** Alert definitions whose jobs exist, with their promtool test cases. */
  readonly alertGroups: readonly AlertGroup[];
  /** The same alerts as rule groups. */
  readonly ruleGroups: readonly RenderedRuleGroup[];
  /** Dashboards with only the panels whose jobs exist. */
  readonly dashboards: readonly DashboardDefinition[];
  readonly grafana: Grafana;
  readonly kubeStateMetrics: KubeStateMetrics;
  /** `plain` mode only. */
  readonly prometheus?: Prometheus;
  /** `plain` mode only. */
  readonly alertmanager?: Alertmanager;
}

export function buildMonitoringTier(scope: Construct, ctx: ChartContext, inputs: MonitoringInputs): MonitoringTier {
  const { env } = ctx;
  const mon = env.monitoring;
  const alertmanagerSecret = ctx.secretSource('alertmanager');
  const grafanaSecret = ctx.secretSource('grafana');

  const kubeStateMetrics = new KubeStateMetrics(scope, 'kube-state-metrics', {
    image: pinnedImageRef(IMAGES.kubeStateMetrics),
    namespace: env.namespace,
    resources: mon.kubeStateMetrics.resources,
    kubernetesApi: mon.kubernetesApi,
  });

  const alertmanager =
    mon.mode === 'plain' && mon.alertmanager
      ? new Alertmanager(scope, 'alertmanager', {
          image: pinnedImageRef(IMAGES.alertmanager),
          namespace: env.namespace,
          replicas: mon.alertmanager.replicas,
          receivers: mon.alertmanager.receivers,
          routing: mon.alertmanager.route,
          groupWait: mon.alertmanager.groupWait,
          groupInterval: mon.alertmanager.groupInterval,
          repeatInterval: mon.alertmanager.repeatInterval,
          secretStore: alertmanagerSecret.store,
          remoteKey: alertmanagerSecret.remoteKey,
          refreshInterval: alertmanagerSecret.refreshInterval,
          storage: mon.alertmanager.storage,
          storageClassName: mon.alertmanager.storageClassName,
          resources: mon.alertmanager.resources,
          internet: ctx.internet,
        })
      : undefined;

  const ownTargets = [kubeStateMetrics.scrapeTarget, ...(alertmanager ? [alertmanager.scrapeTarget] : [])];
  // Our own Prometheus scrapes itself (a static job, not a ScrapeTarget); the operator's is its own business.
  const podTargets = mon.mode === 'plain' ? (inputs.podTargets ?? []) : [];
  const jobs = new Set([...inputs.scrapeTargets, ...ownTargets, ...podTargets].map((t) => t.job).concat(GRAFANA_JOB, mon.mode === 'plain' ? [PROMETHEUS_SELF_JOB] : []));
  const dashboards = [...DASHBOARDS, ...(inputs.dashboards ?? [])].map((d) => servedDashboard(d, jobs)).filter((d): d is DashboardDefinition => d !== undefined);

  const grafana = new Grafana(scope, 'grafana', {
    image: pinnedImageRef(IMAGES.grafana),
    resources: mon.grafana.resources,
    adminUser: mon.grafana.adminUser,
    prometheusUrl: mon.mode === 'plain' ? `http://${PROMETHEUS_NAME}.${env.namespace}.svc:${PROMETHEUS_PORT}` : mon.operator!.prometheusUrl,
    scrapeInterval: mon.scrapeInterval,
    dashboards,
    logs: inputs.logs?.datasource,
    secretStore: grafanaSecret.store,
    remoteKey: grafanaSecret.remoteKey,
    refreshInterval: grafanaSecret.refreshInterval,
  });

  const monitoringWorkloads: WatchedWorkload[] = [
    { ...kubeStateMetrics.workload, component: 'monitoring' },
    ...(alertmanager ? [{ ...alertmanager.workload, component: 'monitoring' }] : []),
    ...(mon.mode === 'plain' ? [{ kind: 'StatefulSet' as const, name: PROMETHEUS_NAME, component: 'monitoring' }] : []),
    // Dashboards down is no reason to wake anyone.
    { ...grafana.workload, component: 'monitoring', pageWhenDown: false },
  ];
  const groups = servedGroups(
    [
      ...alertGroups({ apiMemoryLimitBytes: inputs.apiMemoryLimitBytes, backups: inputs.backups, componentGroups: inputs.alertGroups }),
      availabilityAlertGroup({
        namespace: env.namespace,
        workloads: [...(inputs.workloads ?? []), ...monitoringWorkloads],
        // Prometheus's static self-scrape has no namespace, and an absent Prometheus evaluates nothing.
        jobs: [...jobs].filter((j) => j !== PROMETHEUS_SELF_JOB),
        jobOwners: Object.fromEntries(inputs.scrapeTargets.flatMap((t) => (t.owner ? [[t.job, t.owner]] : []))),
      }),
    ],
    jobs,
  );
  const ruleGroups = renderRuleGroups(groups, mon.runbookBaseUrl);

  const scrapeTargets = [...inputs.scrapeTargets, ...ownTargets, grafana.scrapeTarget];
  if (inputs.logs) {
    grafana.connections.allowTo(inputs.logs.workload, [{ port: inputs.logs.port }]);
    if (inputs.logs.userCreatedBy) grafana.connections.startsAfter(inputs.logs.userCreatedBy.job, inputs.logs.userCreatedBy.reason);
  }

  if (mon.mode === 'plain') {
    if (!alertmanager) throw new Error(`environment ${env.name}: monitoring.alertmanager is required in plain mode`);
    const prometheus = new Prometheus(scope, 'prometheus', {
      name: PROMETHEUS_NAME,
      image: pinnedImageRef(IMAGES.prometheus),
      namespace: env.namespace,
      replicas: mon.prometheus.replicas,
      scrapeTargets,
      podTargets,
      ruleGroups,
      scrapeInterval: mon.scrapeInterval,
      evaluationInterval: mon.evaluationInterval,
      externalLabels: { environment: env.name },
      retentionTime: mon.prometheus.retentionTime,
      retentionSize: mon.prometheus.retentionSize,
      storage: mon.prometheus.storage,
      storageClassName: mon.prometheus.storageClassName,
      resources: mon.prometheus.resources,
      alertmanager: { workload: alertmanager, host: alertmanager.host, port: ALERTMANAGER_PORT },
      kubernetesApi: mon.kubernetesApi,
    });
    grafana.connections.allowTo(prometheus);
    return { mode: 'plain', scrapeTargets, podTargets, jobs: [...jobs].sort(), alertGroups: groups, ruleGroups, dashboards, grafana, kubeStateMetrics, prometheus, alertmanager };
  }

  const operator = mon.operator!;
  const clusterPrometheus: ExternalPeer = { name: 'Prometheus Operator\'s Prometheus', namespace: operator.namespace, podLabels: operator.prometheusPodLabels };
  for (const t of scrapeTargets) {
    new ServiceMonitor(scope, `service-monitor-${t.job}`, { target: t, namespace: env.namespace, selectorLabels: operator.selectorLabels });
  }
  // One ingress rule per workload and port, however many jobs share them.
  const peers = scrapeTargets.filter((t, i) => scrapeTargets.findIndex((u) => u.workload === t.workload && u.port === t.port) === i);
  for (const t of peers) t.workload.connections.allowFromExternal(clusterPrometheus, [{ port: t.port }]);
  if (ruleGroups.length > 0) {
    new PrometheusRule(scope, 'prometheus-rule', { name: 'agent-platform-alerts', groups: ruleGroups, selectorLabels: operator.selectorLabels });
  }
  // Without a routing section the operator's Alertmanager routes these alerts by its own policy.
  if (mon.alertmanager) {
    const am = mon.alertmanager;
    new AlertmanagerConfig(scope, 'alertmanager-config', {
      receivers: am.receivers,
      routing: am.route,
      groupWait: am.groupWait,
      groupInterval: am.groupInterval,
      repeatInterval: am.repeatInterval,
      secretStore: alertmanagerSecret.store,
      remoteKey: alertmanagerSecret.remoteKey,
      refreshInterval: alertmanagerSecret.refreshInterval,
      selectorLabels: operator.selectorLabels,
    });
  }
  grafana.connections.allowToExternal(clusterPrometheus, [{ port: operator.prometheusPort }]);
  return { mode: 'operator', scrapeTargets, podTargets, jobs: [...jobs].sort(), alertGroups: groups, ruleGroups, dashboards, grafana, kubeStateMetrics };
}
