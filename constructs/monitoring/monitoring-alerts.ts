/** The monitoring tier watching itself: notifications, rule evaluation, dropped alerts, targets down. */
import { type AlertDefinition, type AlertGroup, series, TEST_NAMESPACE } from './alert-definition.ts';
import { M, promql } from './metrics.ts';

const NS = TEST_NAMESPACE;
const api = { job: 'agent-api', namespace: NS, instance: '10.0.0.1:8000', pod: 'agent-api-7d9f-abcde' };

function monitoringAlerts(): AlertDefinition[] {
  const am = { job: 'alertmanager', namespace: NS, instance: '10.0.5.1:9093', pod: 'alertmanager-0' };
  const self = { job: 'prometheus', instance: 'localhost:9090' };
  return [
    {
      name: 'AlertmanagerNotificationsFailing',
      component: 'monitoring',
      levels: [{ severity: 'critical', for: '10m' }],
      expr: () => promql`sum by (namespace, job, instance, pod, integration) (rate(${M.alertmanager_notifications_failed_total}[5m])) > 0`,
      summary: () => 'Alertmanager cannot deliver to {{ $labels.integration }}',
      description: () =>
        '{{ $labels.pod }} has failed to send {{ $labels.integration }} notifications for 10 minutes: alerts are not reaching people. Check the receiver credentials in the secret store and the egress to the provider.',
      cases: [
        { name: 'Slack keeps failing', series: { [series('alertmanager_notifications_failed_total', { ...am, integration: 'slack' })]: '0+2x80' }, at: '15m', firing: ['critical'], labels: { ...am, integration: 'slack' } },
        { name: 'no failures', series: { [series('alertmanager_notifications_failed_total', { ...am, integration: 'slack' })]: '3x80' }, at: '15m', firing: [] },
      ],
    },
    {
      name: 'PrometheusRuleEvaluationFailures',
      component: 'monitoring',
      levels: [{ severity: 'critical', for: '5m' }],
      expr: () => promql`sum by (job, instance, rule_group) (increase(${M.prometheus_rule_evaluation_failures_total}[5m])) > 0`,
      summary: () => 'Prometheus fails to evaluate rules',
      description: () => 'Rules of {{ $labels.rule_group }} have failed to evaluate for 5 minutes; the alerts they define cannot fire.',
      cases: [
        { name: 'failing evaluations', series: { [series('prometheus_rule_evaluation_failures_total', { ...self, rule_group: 'redis' })]: '0+1x80' }, at: '15m', firing: ['critical'], labels: { ...self, rule_group: 'redis' } },
        { name: 'clean evaluations', series: { [series('prometheus_rule_evaluation_failures_total', { ...self, rule_group: 'redis' })]: '0x80' }, at: '15m', firing: [] },
      ],
    },
    {
      name: 'PrometheusDroppingAlerts',
      component: 'monitoring',
      levels: [{ severity: 'critical', for: '5m' }],
      expr: () => promql`sum by (job, instance) (increase(${M.prometheus_notifications_dropped_total}[5m])) > 0`,
      summary: () => 'Prometheus is dropping alerts',
      description: () => 'Prometheus has dropped alerts on their way to Alertmanager for 5 minutes; check that Alertmanager is up and reachable.',
      cases: [
        { name: 'alerts dropped', series: { [series('prometheus_notifications_dropped_total', self)]: '0+1x80' }, at: '15m', firing: ['critical'], labels: self },
        { name: 'none dropped', series: { [series('prometheus_notifications_dropped_total', self)]: '0x80' }, at: '15m', firing: [] },
      ],
    },
    {
      name: 'TargetDown',
      component: 'monitoring',
      levels: [{ severity: 'warning', for: '5m' }],
      expr: () => promql`${M.up} == 0`,
      summary: () => 'Scrape target {{ $labels.job }} is down',
      description: () => '{{ $labels.instance }} of job {{ $labels.job }} has not been scraped for 5 minutes; its alerts cannot fire while it is.',
      cases: [
        { name: 'up is 0', series: { [series('up', api)]: '0x60' }, at: '10m', firing: ['warning'], labels: api },
        { name: 'up is 1', series: { [series('up', api)]: '1x60' }, at: '10m', firing: [] },
      ],
    },
  ];
}


export function monitoringAlertGroup(): AlertGroup {
  return { name: 'monitoring', alerts: monitoringAlerts() };
}
