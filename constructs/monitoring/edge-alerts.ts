/**
 * Alerts on the public entrance: Envoy's answers (5xx ratio), the API behind it (no endpoint
 * left), and the certificate it serves (expiry, from cert-manager). The Envoy metrics are those
 * Envoy publishes on /stats/prometheus (`http.<prefix>.downstream_rq_xx`,
 * `cluster.<name>.membership_healthy`, tag-extracted into labels); Envoy Gateway names a route's
 * upstream cluster `httproute/<namespace>/<name>/rule/<index>`. cert-manager's controller exports
 * `certmanager_certificate_expiration_timestamp_seconds` per Certificate.
 */
import { type AlertDefinition, type AlertGroup, series, TEST_NAMESPACE, threshold } from './alert-definition.ts';
import { M, promql } from './metrics.ts';

const NS = TEST_NAMESPACE;
const envoy = { job: 'envoy', namespace: 'envoy-gateway-system', pod: 'envoy-agent-platform-agent-api-5d8c7-abcde' };
const cert = { job: 'cert-manager', namespace: NS, pod: 'cert-manager-6b9d-abcde', name: 'agent-api', issuer_name: 'letsencrypt-prod', issuer_kind: 'ClusterIssuer', issuer_group: 'cert-manager.io' };
const DAY = 86400;

function edgeAlerts(): AlertDefinition[] {
  const rq = (code: string) => series('envoy_http_downstream_rq_xx', { ...envoy, envoy_http_conn_manager_prefix: 'https-10443', envoy_response_code_class: code });
  const healthy = series('envoy_cluster_membership_healthy', { ...envoy, envoy_cluster_name: 'httproute/agent-platform/agent-api/rule/0' });
  return [
    {
      name: 'EdgeHighErrorRate',
      component: 'edge',
      levels: [{ severity: 'critical', for: '5m', threshold: 0.05 }],
      expr: (l) =>
        promql`sum by (job) (rate(${M.envoy_http_downstream_rq_xx}{envoy_response_code_class="5"}[5m])) / sum by (job) (rate(${M.envoy_http_downstream_rq_xx}[5m])) > ${threshold(l)}`,
      summary: (l) => `More than ${Math.round(threshold(l) * 100)} % of requests at the edge fail with a 5xx`,
      description: (l) =>
        `Envoy has answered more than ${Math.round(threshold(l) * 100)} % of requests with a 5xx for ${l.for}: users see errors. Compare with AgentApiHighErrorRate: if the API is healthy, look at the Gateway (timeouts, body limit, rate limit service).`,
      cases: [
        { name: '10 % of answers are 5xx', series: { [rq('2')]: '0+90x80', [rq('5')]: '0+10x80' }, at: '15m', firing: ['critical'], labels: { job: 'envoy' } },
        { name: '1 % of answers are 5xx', series: { [rq('2')]: '0+99x80', [rq('5')]: '0+1x80' }, at: '15m', firing: [] },
      ],
    },
    {
      name: 'EdgeUpstreamUnavailable',
      component: 'edge',
      levels: [{ severity: 'critical', for: '2m' }],
      expr: () => promql`max by (job, envoy_cluster_name) (${M.envoy_cluster_membership_healthy}{envoy_cluster_name=~"httproute/.*"}) == 0`,
      summary: () => 'The edge has no healthy endpoint for {{ $labels.envoy_cluster_name }}',
      description: () => 'Envoy has had no healthy endpoint for {{ $labels.envoy_cluster_name }} for 2 minutes: every request to it gets a 503. Check the API pods and their readiness.',
      cases: [
        { name: 'no endpoint left', series: { [healthy]: '0x40' }, at: '5m', firing: ['critical'], labels: { job: 'envoy', envoy_cluster_name: 'httproute/agent-platform/agent-api/rule/0' } },
        { name: 'three endpoints', series: { [healthy]: '3x40' }, at: '5m', firing: [] },
      ],
    },
    {
      name: 'EdgeCertificateExpiring',
      component: 'edge',
      levels: [
        { severity: 'warning', for: '1h', threshold: 14 },
        { severity: 'critical', for: '1h', threshold: 7 },
      ],
      expr: (l) => promql`${M.certmanager_certificate_expiration_timestamp_seconds} - time() < ${threshold(l) * DAY}`,
      summary: (l) => `Certificate {{ $labels.name }} expires in less than ${threshold(l)} days`,
      description: (l) =>
        `cert-manager has not renewed {{ $labels.name }} in {{ $labels.namespace }}, which expires in less than ${threshold(l)} days (it renews 30 days ahead). Look at the Certificate's and its Order's events: DNS-01 needs the Route 53 role of cert-manager.`,
      cases: [
        // promtool evaluates from time 0: an expiry timestamp of 10 days is 10 days away.
        { name: 'ten days left', series: { [series('certmanager_certificate_expiration_timestamp_seconds', cert)]: `${10 * DAY}x400` }, at: '90m', firing: ['warning'], labels: cert },
        { name: 'five days left', series: { [series('certmanager_certificate_expiration_timestamp_seconds', cert)]: `${5 * DAY}x400` }, at: '90m', firing: ['warning', 'critical'], labels: cert },
        { name: 'sixty days left', series: { [series('certmanager_certificate_expiration_timestamp_seconds', cert)]: `${60 * DAY}x400` }, at: '90m', firing: [] },
      ],
    },
  ];
}

export function edgeAlertGroup(): AlertGroup {
  return { name: 'edge', alerts: edgeAlerts() };
}
