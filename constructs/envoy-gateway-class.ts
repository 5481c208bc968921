/**
 * The GatewayClass our Gateways name, served by Envoy Gateway. One per cluster, rendered with the
 * cluster's add-on configuration: a Gateway whose class no controller accepts stays unprogrammed.
 * Per-Gateway Envoy settings (replicas, load balancer) live in each Gateway's own EnvoyProxy
 * (`infrastructure.parametersRef`), so environments sharing the class stay independent.
 */
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { componentLabels } from './labels.ts';

/**
 * `spec.description` maxLength of the GatewayClass CRD (sigs.k8s.io/gateway-api, config/crd/standard):
 * the API server rejects a longer description, and with it the GatewayClass, so no Gateway of the
 * cluster is ever programmed (found by Argo CD syncing the harness's cluster, test/cluster/).
 */
export const GATEWAY_CLASS_DESCRIPTION_MAX = 64;
const GATEWAY_CLASS_DESCRIPTION = 'Envoy Gateway; each Gateway brings its own EnvoyProxy.';

export interface EnvoyGatewayClassProps {
  readonly name: string;
  /** `gateway.envoyproxy.io/gatewayclass-controller` unless Envoy Gateway was configured otherwise. */
  readonly controllerName: string;
}

export class EnvoyGatewayClass extends Construct {
  readonly name: string;

  constructor(scope: Construct, id: string, props: EnvoyGatewayClassProps) {
    super(scope, id);
    this.name = props.name;
    new ApiObject(this, 'gateway-class', {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'GatewayClass',
      metadata: { name: props.name, labels: componentLabels(props.name, 'edge') },
      spec: { controllerName: props.controllerName, description: GATEWAY_CLASS_DESCRIPTION },
    });
  }
}
