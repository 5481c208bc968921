/**
 * cert-manager's controller as the cert-manager add-on runs it (chart `CHARTS.certManager`,
 * constructs/versions.ts): the labels of its pods and the port of its metrics, which export
 * `certmanager_certificate_expiration_timestamp_seconds` per Certificate.
 */
export const CERT_MANAGER_CONTROLLER = {
  podLabels: { 'app.kubernetes.io/name': 'cert-manager', 'app.kubernetes.io/component': 'controller' },
  metricsPort: 9402,
} as const;
