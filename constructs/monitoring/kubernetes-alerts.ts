/** Pod health from kube-state-metrics (crash loops), with its promtool cases. */
import { type AlertDefinition, type AlertGroup, series, TEST_NAMESPACE } from './alert-definition.ts';
import { M, promql } from './metrics.ts';

const NS = TEST_NAMESPACE;
const ksm = { job: 'kube-state-metrics', namespace: NS, instance: '10.0.4.1:8080', pod: 'kube-state-metrics-0' };

function kubernetesAlerts(): AlertDefinition[] {
  const waiting = { ...ksm, container: 'api', pod: 'agent-api-7d9f-abcde', reason: 'CrashLoopBackOff' };
  return [
    {
      name: 'PodCrashLooping',
      component: 'kubernetes',
      levels: [{ severity: 'warning', for: '10m' }],
      expr: () => promql`max_over_time(${M.kube_pod_container_status_waiting_reason}{reason="CrashLoopBackOff"}[5m]) >= 1`,
      summary: () => 'Pod {{ $labels.pod }} is crash-looping',
      description: () => 'Container {{ $labels.container }} of {{ $labels.pod }} in {{ $labels.namespace }} has been in CrashLoopBackOff for 10 minutes; look at its previous logs.',
      cases: [
        { name: 'in CrashLoopBackOff', series: { [series('kube_pod_container_status_waiting_reason', waiting)]: '1x100' }, at: '20m', firing: ['warning'], labels: waiting },
        { name: 'running', series: { [series('kube_pod_container_status_waiting_reason', waiting)]: '0x100' }, at: '20m', firing: [] },
      ],
    },
  ];
}


export function kubernetesAlertGroup(): AlertGroup {
  return { name: 'kubernetes', alerts: kubernetesAlerts() };
}
