/**
 * A PodDisruptionBudget. cdk8s-plus has no construct for it, so this is a small one on the generated
 * `k8s` classes. It refuses budgets that would block every voluntary disruption (a node drain would
 * hang forever).
 */
import { Construct } from 'constructs';
import { k8s } from './k8s.ts';
import { componentLabels } from './labels.ts';

export interface PodDisruptionBudgetProps {
  /** Name of the budget, usually the workload's. */
  readonly name: string;
  /** `app.kubernetes.io/component` label. */
  readonly component: string;
  /** Labels of the pods it protects. */
  readonly selector: Record<string, string>;
  /**
   * Pods that must stay up. Mutually exclusive with `maxUnavailable`.
   * @default - not set
   */
  readonly minAvailable?: number;
  /**
   * Pods that may be down at once.
   * @default 1 when `minAvailable` is not set
   */
  readonly maxUnavailable?: number;
  /**
   * The fewest pods the workload runs (its replicas, or its HPA minimum); a `minAvailable` at or above
   * it would forbid every eviction.
   */
  readonly minReplicas: number;
}

export class PodDisruptionBudget extends Construct {
  constructor(scope: Construct, id: string, props: PodDisruptionBudgetProps) {
    super(scope, id);
    if (props.minAvailable !== undefined && props.maxUnavailable !== undefined) {
      throw new Error(`PodDisruptionBudget ${props.name}: set minAvailable (${props.minAvailable}) or maxUnavailable (${props.maxUnavailable}), not both`);
    }
    const maxUnavailable = props.minAvailable === undefined ? (props.maxUnavailable ?? 1) : undefined;
    if (maxUnavailable === 0) {
      throw new Error(`PodDisruptionBudget ${props.name}: maxUnavailable 0 blocks every node drain`);
    }
    if (props.minAvailable !== undefined && props.minReplicas > 1 && props.minAvailable >= props.minReplicas) {
      throw new Error(
        `PodDisruptionBudget ${props.name}: minAvailable ${props.minAvailable} leaves no pod of ${props.minReplicas} evictable; use at most ${props.minReplicas - 1}`,
      );
    }
    new k8s.KubePodDisruptionBudget(this, 'pdb', {
      metadata: { name: props.name, labels: componentLabels(props.name, props.component) },
      spec: {
        selector: { matchLabels: { ...props.selector } },
        minAvailable: props.minAvailable !== undefined ? k8s.IntOrString.fromNumber(props.minAvailable) : undefined,
        maxUnavailable: maxUnavailable !== undefined ? k8s.IntOrString.fromNumber(maxUnavailable) : undefined,
        // Evict pods that are not ready even when the budget is exhausted: they serve nothing anyway.
        unhealthyPodEvictionPolicy: 'AlwaysAllow',
      },
    });
  }
}
