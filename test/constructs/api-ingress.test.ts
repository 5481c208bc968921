import { describe, expect, it } from 'vitest';
import { Duration } from 'cdk8s';
import { ApiIngress, type ApiIngressProps } from '../../constructs/api-ingress.ts';
import { objects, only, testChart } from '../support/charts.ts';

const base: ApiIngressProps = {
  name: 'agent-api',
  component: 'ingress',
  host: 'api.example.com',
  backend: { name: 'agent-api', port: 8000 },
  clusterIssuer: 'letsencrypt-prod',
};

function render(props: Partial<ApiIngressProps> = {}) {
  const chart = testChart('ns');
  new ApiIngress(chart, 'ingress', { ...base, ...props });
  return objects(chart);
}

describe('ApiIngress', () => {
  it('serves its host over TLS with a certificate from the cluster issuer', () => {
    const objs = render();
    const ing = only(objs, 'Ingress');
    const cert = only(objs, 'Certificate');
    expect(ing.spec.ingressClassName).toBe('nginx');
    expect(ing.spec.tls).toEqual([{ hosts: ['api.example.com'], secretName: 'agent-api-tls' }]);
    expect(cert.spec).toMatchObject({
      secretName: 'agent-api-tls',
      dnsNames: ['api.example.com'],
      issuerRef: { kind: 'ClusterIssuer', name: 'letsencrypt-prod', group: 'cert-manager.io' },
    });
  });

  it('routes only the API prefix, so /metrics on the same port stays private', () => {
    const paths = only(render(), 'Ingress').spec.rules[0].http.paths;
    expect(paths).toEqual([{ path: '/api', pathType: 'Prefix', backend: { service: { name: 'agent-api', port: { number: 8000 } } } }]);
  });

  it('limits rate, body size and timeouts through ingress-nginx annotations', () => {
    const a = only(render({ rateLimit: { requestsPerMinute: 100, burst: 200 }, timeout: Duration.seconds(45) }), 'Ingress').metadata.annotations;
    expect(a).toMatchObject({
      'nginx.ingress.kubernetes.io/limit-rpm': '100',
      'nginx.ingress.kubernetes.io/limit-burst-multiplier': '2',
      'nginx.ingress.kubernetes.io/proxy-body-size': '10m',
      'nginx.ingress.kubernetes.io/proxy-read-timeout': '45',
      'nginx.ingress.kubernetes.io/force-ssl-redirect': 'true',
      'nginx.ingress.kubernetes.io/custom-headers': 'ns/agent-api-response-headers',
    });
    expect(Object.keys(a).some((k) => k.includes('snippet'))).toBe(false);
  });

  it('sends the security headers of the design', () => {
    const headers = only(render(), 'ConfigMap', 'agent-api-response-headers').data;
    expect(headers).toEqual({
      'Strict-Transport-Security': 'max-age=31536000; includeSubDomains',
      'X-Frame-Options': 'DENY',
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
    });
  });

  it('refuses a burst below the rate', () => {
    expect(() => render({ rateLimit: { requestsPerMinute: 100, burst: 50 } })).toThrowError(
      'ApiIngress agent-api: burst 50 is below the rate 100',
    );
  });
});
