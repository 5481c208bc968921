/**
 * An autoscaling/v2 HorizontalPodAutoscaler on CPU and memory utilisation, with `behavior` carrying
 * the cooldown and the scale factors (the guides' cooldown and factors, docs/design-inputs.md).
 */
import { Construct } from 'constructs';
import { k8s } from './k8s.ts';
import { componentLabels } from './labels.ts';

/** One direction of HPA `behavior`: how far and how fast the autoscaler may move. */
export interface ScalingRule {
  /** Seconds of recommendations the HPA looks back over before acting (the cooldown). */
  readonly stabilizationWindowSeconds: number;
  /** Largest change per period, in percent of current replicas (×1.5 is 50 up, ×0.8 is 20 down). */
  readonly percent: number;
  /** Length of the period the percentage applies to, in seconds. */
  readonly periodSeconds: number;
}

/**
 * Bounds, targets and behaviour of a HorizontalPodAutoscaler. The environment schema's
 * `autoscaling` block produces exactly this (environments/schema/common.ts checks it with `satisfies`).
 */
export interface Autoscaling {
  readonly minReplicas: number;
  readonly maxReplicas: number;
  /** Average CPU utilisation, in percent of the request, that the HPA aims for. */
  readonly targetCpuUtilization: number;
  /** Average memory utilisation, in percent of the request, that the HPA aims for. */
  readonly targetMemoryUtilization: number;
  readonly scaleUp: ScalingRule;
  readonly scaleDown: ScalingRule;
}

export interface HorizontalPodAutoscalerProps {
  readonly name: string;
  readonly component: string;
  /** The Deployment (or StatefulSet) it scales. */
  readonly target: { readonly apiVersion: string; readonly kind: string; readonly name: string };
  /** Bounds, targets and behaviour. */
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
