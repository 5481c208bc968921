/**
 * A Prometheus Operator `PrometheusRule` holding rendered rule groups: the `operator` mode's
 * equivalent of the rule files mounted into our own Prometheus. The groups are the same objects,
 * so promtool's checks of the rule files hold for them too.
 */
import { CustomResource } from './custom-resource.ts';
import type { IPrometheusRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule';
import { Construct } from 'constructs';
import { componentLabels } from './labels.ts';
import type { RenderedRuleGroup } from './monitoring/rule-files.ts';

export interface PrometheusRuleProps {
  readonly name: string;
  readonly groups: readonly RenderedRuleGroup[];
  /** Labels the operator's Prometheus selects rules by. @default - none */
  readonly selectorLabels?: Readonly<Record<string, string>>;
}

export class PrometheusRule extends Construct {
  constructor(scope: Construct, id: string, props: PrometheusRuleProps) {
    super(scope, id);
    if (props.groups.length === 0) throw new Error(`PrometheusRule ${props.name}: needs at least one rule group`);
    new CustomResource<IPrometheusRule>(this, 'prometheus-rule', {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'PrometheusRule',
      metadata: { name: props.name, labels: { ...componentLabels(props.name, 'monitoring'), ...props.selectorLabels } },
      spec: { groups: props.groups.map((g) => ({ name: g.name, rules: g.rules.map((r) => ({ ...r })) })) },
    });
  }
}
