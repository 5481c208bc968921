/**
 * A Prometheus Operator `AlertmanagerConfig`: the environment's receivers and routes handed to an
 * Alertmanager the operator runs (`operator` mode), with the same routing policy as our own
 * Alertmanager's file. Credentials come from the secret store through an ExternalSecret; the
 * object only names their keys.
 */
import { CustomResource } from './custom-resource.ts';
import type { IAlertmanagerConfig } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1alpha1/AlertmanagerConfig';
import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { ExternalSecret } from './external-secret.ts';
import { componentLabels } from './labels.ts';
import { type AlertDeliveryProps, alertmanagerConfigSpec, receiverSecretKey } from './monitoring/alertmanager-config.ts';

export interface AlertmanagerConfigProps extends AlertDeliveryProps {
  /** @default 'agent-platform-alerts' */
  readonly name?: string;
  /** Labels the operator's Alertmanager selects configurations by. @default - none */
  readonly selectorLabels?: Readonly<Record<string, string>>;
}

export class AlertmanagerConfig extends Construct {
  readonly secrets: ExternalSecret;

  constructor(scope: Construct, id: string, props: AlertmanagerConfigProps) {
    super(scope, id);
    const name = props.name ?? 'agent-platform-alerts';
    if (props.receivers.length === 0) throw new Error(`AlertmanagerConfig ${name}: needs at least one receiver`);
    this.secrets = new ExternalSecret(this, 'receivers', {
      name: `${name}-receivers`,
      component: 'monitoring',
      store: props.secretStore,
      remoteKey: props.remoteKey,
      keys: props.receivers.map(receiverSecretKey).sort(),
      refreshInterval: props.refreshInterval,
    });
    new CustomResource<IAlertmanagerConfig>(this, 'alertmanager-config', {
      apiVersion: 'monitoring.coreos.com/v1alpha1',
      kind: 'AlertmanagerConfig',
      metadata: { name, labels: { ...componentLabels(name, 'monitoring'), ...props.selectorLabels } },
      spec: alertmanagerConfigSpec(
        {
          receivers: props.receivers,
          routing: props.routing,
          groupWait: props.groupWait ?? Duration.seconds(30),
          groupInterval: props.groupInterval ?? Duration.minutes(5),
          repeatInterval: props.repeatInterval ?? { critical: Duration.hours(1), warning: Duration.hours(12) },
        },
        this.secrets.secretName,
      ),
    });
  }
}
