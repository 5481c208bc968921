import { METRICS_API, resourceMetricsOf } from '../cluster.ts';
import type { Rule } from '../types.ts';

export const rule: Rule = {
  id: 'hpa-metrics-api-provided',
  category: 'reliability',
  description: 'A HorizontalPodAutoscaler scaling on Resource or ContainerResource metrics must run on a cluster whose add-ons provide the metrics.k8s.io API (metrics-server).',
  rationale: 'CPU and memory utilization come from the resource metrics API, which EKS and most distributions do not ship; without it the autoscaler reports FailedGetResourceMetric and never scales, while every object looks valid on its own.',
  severity: 'error',
  kinds: ['HorizontalPodAutoscaler'],
  scope: 'set',
  check: (o, set) => {
    // Nothing describes the cluster (someone else's manifests): nothing to judge.
    if (!set.cluster || set.cluster.has(METRICS_API)) return [];
    return resourceMetricsOf(o).map((m) => ({
      path: m.path,
      message: `scales on a ${m.type} metric, but no add-on of the cluster provides ${METRICS_API.slice(4)}; expected metrics-server among the cluster's add-ons (stacks/gitops.ts)`,
    }));
  },
};
