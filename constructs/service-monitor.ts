/**
 * A Prometheus Operator `ServiceMonitor` for one scrape target: the `operator` mode's equivalent of
 * a job in prometheus.yml, with the same job name, path, interval and Service, so alerts and
 * dashboards read the same series in both modes.
 */
import { CustomResource } from './custom-resource.ts';
import type { IServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import { Construct } from 'constructs';
import { componentLabels } from './labels.ts';
import { promDuration } from '../kube/duration.ts';
import type { ScrapeTarget } from './scrape-target.ts';

export interface ServiceMonitorProps {
  readonly target: ScrapeTarget;
  /** Namespace of the target's Service. */
  readonly namespace: string;
  /** Labels the operator's Prometheus selects ServiceMonitors by. @default - none */
  readonly selectorLabels?: Readonly<Record<string, string>>;
}

export class ServiceMonitor extends Construct {
  constructor(scope: Construct, id: string, props: ServiceMonitorProps) {
    super(scope, id);
    const t = props.target;
    new CustomResource<IServiceMonitor>(this, 'service-monitor', {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'ServiceMonitor',
      metadata: { name: t.job, labels: { ...componentLabels(t.job, 'monitoring'), ...props.selectorLabels } },
      spec: {
        // Services carry their workload's selector labels; the relabelling below narrows the match
        // to the one Service named by the target.
        selector: { matchLabels: { ...t.workload.connections.podSelector } },
        namespaceSelector: { matchNames: [props.namespace] },
        endpoints: [
          {
            port: t.portName,
            path: t.path ?? '/metrics',
            ...(t.interval ? { interval: promDuration(t.interval) } : {}),
            ...(t.honorLabels ? { honorLabels: true } : {}),
            // No readiness filter, as in the plain prometheus.yml: the operator keeps unready
            // endpoints (pkg/prometheus/promcfg.go, generateServiceMonitorConfig: only pods in phase
            // Failed or Succeeded are dropped, `filterRunning`), so an unready pod's `up == 0` is seen.
            relabelings: [
              { sourceLabels: ['__meta_kubernetes_service_name'], regex: t.serviceName, action: 'keep' },
              // The operator would name the job after the Service; alerts and dashboards expect the target's job.
              { targetLabel: 'job', replacement: t.job },
            ],
          },
        ],
      },
    });
  }
}
