/**
 * An autoscaling/v2 HorizontalPodAutoscaler on CPU and memory utilisation, with `behavior` carrying
 * the cooldown and the scale factors (the guides' cooldown and factors, docs/design-inputs.md).
 */
import { Construct } from 'constructs';
import type { Autoscaling } from '../environments/schema/common.ts';
import { k8s } from './k8s.ts';
import { componentLabels } from './labels.ts';

export interface HorizontalPodAutoscalerProps {
  readonly name: string;
  readonly component: string;
  /** The Deployment (or StatefulSet) it scales. */
  readonly target: { readonly apiVersion: string; readonly kind: string; readonly name: string };
  /** Bounds, targets and behaviour, as validated in the environment. */
  readonly scaling: Autoscaling;
}

export class HorizontalPodAutoscaler extends Construct {
  constructor(scope: Construct, id: string, props: HorizontalPodAutoscalerProps) {
    super(scope, id);
    const s = props.scaling;
    if (s.minReplicas > s.maxReplicas) {
      throw new Error(`HorizontalPodAutoscaler ${props.name}: minReplicas ${s.minReplicas} exceeds maxReplicas ${s.maxReplicas}`);
    }
    const utilization = (name: 'cpu' | 'memory', averageUtilization: number): k8s.MetricSpecV2 => ({
      type: 'Resource',
      resource: { name, target: { type: 'Utilization', averageUtilization } },
    });
    new k8s.KubeHorizontalPodAutoscalerV2(this, 'hpa', {
      metadata: { name: props.name, labels: componentLabels(props.name, props.component) },
      spec: {
        scaleTargetRef: { apiVersion: props.target.apiVersion, kind: props.target.kind, name: props.target.name },
        minReplicas: s.minReplicas,
        maxReplicas: s.maxReplicas,
        metrics: [utilization('cpu', s.targetCpuUtilization), utilization('memory', s.targetMemoryUtilization)],
        behavior: {
          scaleUp: {
            stabilizationWindowSeconds: s.scaleUp.stabilizationWindowSeconds,
            selectPolicy: 'Max',
            policies: [{ type: 'Percent', value: s.scaleUp.percent, periodSeconds: s.scaleUp.periodSeconds }],
          },
          scaleDown: {
            stabilizationWindowSeconds: s.scaleDown.stabilizationWindowSeconds,
            selectPolicy: 'Min',
            policies: [{ type: 'Percent', value: s.scaleDown.percent, periodSeconds: s.scaleDown.periodSeconds }],
          },
        },
      },
    });
  }
}
