/**
 * The GatewayClass our Gateways name, served by Envoy Gateway. One per cluster, rendered with the
 * cluster's add-on configuration: a Gateway whose class no controller accepts stays unprogrammed.
 * Per-Gateway Envoy settings (replicas, load balancer) live in each Gateway's own EnvoyProxy
 * (`infrastructure.parametersRef`), so environments sharing the class stay independent.
 */
import { CustomResource } from './custom-resource.ts';
import type { IGatewayClass } from '@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/GatewayClass';
import { Construct } from 'constructs';
import { componentLabels } from './labels.ts';

/**
 * Longest `spec.description` the GatewayClass CRD accepts (`maxLength: 64` in the Gateway API's
 * gateway.networking.k8s.io_gatewayclasses.yaml); the API server refuses a longer one.
 */
export const GATEWAY_CLASS_DESCRIPTION_MAX = 64;

/** What the class is, as `kubectl get gatewayclass` shows it. */
const DESCRIPTION = 'Envoy Gateway; each Gateway names its own EnvoyProxy.';

export interface EnvoyGatewayClassProps {
  readonly name: string;
  /** `gateway.envoyproxy.io/gatewayclass-controller` unless Envoy Gateway was configured otherwise. */
  readonly controllerName: string;
}

export class EnvoyGatewayClass extends Construct {
  readonly name: string;

  constructor(scope: Construct, id: string, props: EnvoyGatewayClassProps) {
    super(scope, id);
    if (Buffer.byteLength(DESCRIPTION) > GATEWAY_CLASS_DESCRIPTION_MAX) throw new Error(`GatewayClass ${props.name}: spec.description is ${Buffer.byteLength(DESCRIPTION)} bytes; the Gateway API allows ${GATEWAY_CLASS_DESCRIPTION_MAX}`);
    this.name = props.name;
    new CustomResource<IGatewayClass>(this, 'gateway-class', {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'GatewayClass',
      metadata: { name: props.name, labels: componentLabels(props.name, 'edge') },
      spec: { controllerName: props.controllerName, description: DESCRIPTION },
    });
  }
}
