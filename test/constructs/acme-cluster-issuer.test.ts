import { describe, expect, it } from 'vitest';
import { AcmeClusterIssuer, ACME_SERVERS } from '../../constructs/acme-cluster-issuer.ts';
import { only, testChart } from '../support/charts.ts';

describe('AcmeClusterIssuer', () => {
  it('an ACME ClusterIssuer answers DNS-01 in Route 53 (no inbound path, issued before DNS moves)', () => {
    const chart = testChart();
    new AcmeClusterIssuer(chart, 'i', { name: 'letsencrypt-prod', server: 'production', email: 'ops@example.com', route53: { region: 'eu-central-1', hostedZoneID: 'Z123' } });
    const issuer = only(chart, 'ClusterIssuer');
    expect(issuer.spec.acme.server).toBe(ACME_SERVERS.production);
    expect(issuer.spec.acme.solvers).toEqual([{ dns01: { route53: { region: 'eu-central-1', hostedZoneID: 'Z123' } } }]);
  });
});
