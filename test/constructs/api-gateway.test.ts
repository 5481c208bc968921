import { describe, expect, it } from 'vitest';
import { Duration, Size } from 'cdk8s';
import { ApiGateway, envoyPodLabels, type ApiGatewayProps } from '../../constructs/api-gateway.ts';
import { validateManifest } from '../../stacks/validate.ts';
import { objects, only, testChart } from '../support/charts.ts';

const base: ApiGatewayProps = {
  name: 'agent-api',
  component: 'edge',
  gatewayClassName: 'envoy-gateway',
  host: 'api.example.com',
  backend: { name: 'agent-api', port: 8000 },
  clusterIssuer: 'letsencrypt-prod',
};

function render(props: Partial<ApiGatewayProps> = {}) {
  const chart = testChart('ns');
  new ApiGateway(chart, 'edge', { ...base, ...props });
  return objects(chart);
}

describe('ApiGateway', () => {
  it('serves its host over TLS only, with a certificate from the cluster issuer, and redirects HTTP to HTTPS', () => {
    const objs = render();
    const gw = only(objs, 'Gateway');
    expect(gw.spec.gatewayClassName).toBe('envoy-gateway');
    expect(gw.spec.listeners).toEqual([
      { name: 'http', protocol: 'HTTP', port: 80, hostname: 'api.example.com', allowedRoutes: { namespaces: { from: 'Same' } } },
      {
        name: 'https',
        protocol: 'HTTPS',
        port: 443,
        hostname: 'api.example.com',
        tls: { mode: 'Terminate', certificateRefs: [{ kind: 'Secret', name: 'agent-api-tls' }] },
        allowedRoutes: { namespaces: { from: 'Same' } },
      },
    ]);
    expect(only(objs, 'Certificate').spec).toMatchObject({ secretName: 'agent-api-tls', dnsNames: ['api.example.com'], issuerRef: { kind: 'ClusterIssuer', name: 'letsencrypt-prod' } });
    const redirect = only(objs, 'HTTPRoute', 'agent-api-https-redirect').spec;
    expect(redirect.parentRefs).toEqual([expect.objectContaining({ name: 'agent-api', sectionName: 'http' })]);
    expect(redirect.rules).toEqual([{ filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', statusCode: 301 } }] }]);
  });

  it('accepts TLS 1.2 and 1.3 only, and trusts no forwarded-for header from clients', () => {
    const ctp = only(render(), 'ClientTrafficPolicy').spec;
    expect(ctp.targetRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'agent-api' }]);
    expect(ctp.tls).toEqual({ minVersion: '1.2', maxVersion: '1.3' });
    expect(ctp.clientIPDetection).toEqual({ xForwardedFor: { numTrustedHops: 0 } });
  });

  it('keeps the client address: an NLB with IP targets and client IP preservation, externalTrafficPolicy Local', () => {
    const proxy = only(render(), 'EnvoyProxy');
    const service = proxy.spec.provider.kubernetes.envoyService;
    expect(service.externalTrafficPolicy).toBe('Local');
    expect(service.annotations).toMatchObject({
      'service.beta.kubernetes.io/aws-load-balancer-nlb-target-type': 'ip',
      'service.beta.kubernetes.io/aws-load-balancer-target-group-attributes': 'preserve_client_ip.enabled=true',
    });
    expect(only(render(), 'Gateway').spec.infrastructure.parametersRef).toEqual({ group: 'gateway.envoyproxy.io', kind: 'EnvoyProxy', name: 'agent-api' });
  });

  it('routes only the API prefix, so /metrics on the same port stays private, with a request timeout', () => {
    const rule = only(render({ timeout: Duration.seconds(45) }), 'HTTPRoute', 'agent-api').spec.rules[0];
    expect(rule.matches).toEqual([{ path: { type: 'PathPrefix', value: '/api' } }]);
    expect(rule.backendRefs).toEqual([{ kind: 'Service', name: 'agent-api', port: 8000 }]);
    expect(rule.timeouts).toEqual({ request: '45s' });
  });

  it('sends the security headers of the design on every API response', () => {
    const filters = only(render(), 'HTTPRoute', 'agent-api').spec.rules[0].filters;
    expect(filters[0].responseHeaderModifier.set).toEqual([
      { name: 'Strict-Transport-Security', value: 'max-age=31536000; includeSubDomains' },
      { name: 'X-Frame-Options', value: 'DENY' },
      { name: 'X-Content-Type-Options', value: 'nosniff' },
      { name: 'Referrer-Policy', value: 'no-referrer' },
    ]);
  });

  it('reports the global rate limit it renders, for the cluster to run the rate limit service\'s Redis', () => {
    const chart = testChart('ns');
    const gateway = new ApiGateway(chart, 'edge', base);
    const global = only(objects(chart), 'BackendTrafficPolicy').spec.rateLimit.global;
    expect(global).toBeDefined();
    expect(gateway.globalRateLimit).toBe(true);
  });

  it('limits each client IP to the burst per minute and the rate on average per hour, and bodies to 10 MiB', () => {
    const btp = only(render({ rateLimit: { requestsPerMinute: 100, burst: 200 } }), 'BackendTrafficPolicy').spec;
    const perIp = [{ sourceCIDR: { type: 'Distinct', value: '0.0.0.0/0' } }];
    expect(btp.rateLimit).toEqual({
      global: {
        rules: [
          { clientSelectors: perIp, limit: { requests: 200, unit: 'Minute' } },
          { clientSelectors: perIp, limit: { requests: 6000, unit: 'Hour' } },
        ],
      },
    });
    expect(btp.requestBuffer).toEqual({ limit: '10Mi' });
    expect(only(render({ maxBodySize: Size.mebibytes(2) }), 'BackendTrafficPolicy').spec.requestBuffer).toEqual({ limit: '2Mi' });
  });

  it('allows the configured CORS origins, and renders no CORS policy without any', () => {
    const sp = only(render({ corsOrigins: ['https://app.example.com'] }), 'SecurityPolicy').spec;
    expect(sp.cors.allowOrigins).toEqual(['https://app.example.com']);
    expect(sp.targetRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: 'agent-api' }]);
    expect(render().some((o) => o.kind === 'SecurityPolicy')).toBe(false);
  });

  it('gives more than one Envoy replica a disruption budget', () => {
    expect(only(render({ replicas: 2 }), 'EnvoyProxy').spec.provider.kubernetes).toMatchObject({ envoyDeployment: { replicas: 2 }, envoyPDB: { minAvailable: 1 } });
    expect(only(render(), 'EnvoyProxy').spec.provider.kubernetes.envoyPDB).toBeUndefined();
  });

  it('validates every object against the Gateway API and Envoy Gateway schemas', async () => {
    for (const o of render({ corsOrigins: ['https://app.example.com'], replicas: 2 })) await validateManifest(o, `${o.kind} ${o.metadata.name}`);
    const broken = only(render(), 'BackendTrafficPolicy');
    broken.spec.rateLimit.global.rules[0].limit.unit = 'Fortnight';
    await expect(validateManifest(broken, 'BackendTrafficPolicy agent-api')).rejects.toThrow(/spec\.rateLimit\.global\.rules\[0\]\.limit\.unit: must be equal to one of the allowed values/);
  });

  it('refuses a burst below the rate', () => {
    expect(() => render({ rateLimit: { requestsPerMinute: 100, burst: 50 } })).toThrow('ApiGateway agent-api: burst 50 is below the rate 100 per minute');
  });

  it('names the labels of its Envoy pods for the API NetworkPolicy', () => {
    expect(envoyPodLabels('agent-api', 'ns')).toEqual({
      'app.kubernetes.io/name': 'envoy',
      'gateway.envoyproxy.io/owning-gateway-name': 'agent-api',
      'gateway.envoyproxy.io/owning-gateway-namespace': 'ns',
    });
  });
});
