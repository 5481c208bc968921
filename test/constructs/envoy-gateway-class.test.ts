import { Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { EnvoyGatewayClass, GATEWAY_CLASS_DESCRIPTION_MAX } from '../../constructs/envoy-gateway-class.ts';

describe('EnvoyGatewayClass', () => {
  it('renders a description the GatewayClass CRD accepts (the API server refused a 66-byte one)', () => {
    const chart = Testing.chart();
    new EnvoyGatewayClass(chart, 'class', { name: 'envoy-gateway', controllerName: 'gateway.envoyproxy.io/gatewayclass-controller' });
    const [gc] = Testing.synth(chart) as { spec: { description: string; controllerName: string } }[];
    expect(gc!.spec.controllerName).toBe('gateway.envoyproxy.io/gatewayclass-controller');
    expect(Buffer.byteLength(gc!.spec.description)).toBeLessThanOrEqual(GATEWAY_CLASS_DESCRIPTION_MAX);
  });
});
