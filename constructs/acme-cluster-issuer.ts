/**
 * A cert-manager `ClusterIssuer` for Let's Encrypt, answering DNS-01 challenges in Route 53 with
 * the credentials of cert-manager's own ServiceAccount (IRSA; no static keys). DNS-01 rather than
 * HTTP-01 through the Gateway: a certificate is issued before DNS points at the Gateway (the
 * migration from ingress-nginx needs exactly that), and no inbound path to solver pods has to be
 * opened through every namespace's default-deny policy. The ACME account key lives in a Secret
 * cert-manager generates; nothing secret is rendered.
 */
import { CustomResource } from './custom-resource.ts';
import type { IClusterIssuer } from '@kubernetes-models/cert-manager/cert-manager.io/v1/ClusterIssuer';
import { Construct } from 'constructs';
import { componentLabels } from './labels.ts';

/** Let's Encrypt directory URLs; staging issues untrusted certificates under generous rate limits. */
export const ACME_SERVERS = {
  production: 'https://acme-v02.api.letsencrypt.org/directory',
  staging: 'https://acme-staging-v02.api.letsencrypt.org/directory',
} as const;

export interface AcmeClusterIssuerProps {
  /** Name Certificates refer to in `issuerRef`. */
  readonly name: string;
  readonly server: keyof typeof ACME_SERVERS;
  /** Address for expiry notices. */
  readonly email: string;
  /** Route 53 zone the DNS-01 TXT records are written to, and the region of the API calls. */
  readonly route53: { readonly region: string; readonly hostedZoneID: string };
}

export class AcmeClusterIssuer extends Construct {
  readonly name: string;

  constructor(scope: Construct, id: string, props: AcmeClusterIssuerProps) {
    super(scope, id);
    if (!/^[^@\s]+@[^@\s]+\.[a-z]{2,}$/i.test(props.email)) throw new Error(`AcmeClusterIssuer ${props.name}: email ${JSON.stringify(props.email)} is not an email address`);
    this.name = props.name;
    new CustomResource<IClusterIssuer>(this, 'cluster-issuer', {
      apiVersion: 'cert-manager.io/v1',
      kind: 'ClusterIssuer',
      metadata: { name: props.name, labels: componentLabels(props.name, 'certificates') },
      spec: {
        acme: {
          server: ACME_SERVERS[props.server],
          email: props.email,
          privateKeySecretRef: { name: `${props.name}-account-key` },
          // Ambient credentials (IRSA on cert-manager's ServiceAccount) are allowed for ClusterIssuers
          // by default (--cluster-issuer-ambient-credentials).
          solvers: [{ dns01: { route53: { region: props.route53.region, hostedZoneID: props.route53.hostedZoneID } } }],
        },
      },
    });
  }
}
