/**
 * A cert-manager `ClusterIssuer` for Let's Encrypt (ACME, HTTP-01 through the ingress class our
 * Ingresses use). The ACME account key lives in a Secret cert-manager generates; nothing secret is
 * rendered.
 */
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { componentLabels } from './labels.ts';

/** Let's Encrypt directory URLs; staging issues untrusted certificates under generous rate limits. */
export const ACME_SERVERS = {
  production: 'https://acme-v02.api.letsencrypt.org/directory',
  staging: 'https://acme-staging-v02.api.letsencrypt.org/directory',
} as const;

export interface AcmeClusterIssuerProps {
  /** Name Ingresses refer to in `cert-manager.io/cluster-issuer`. */
  readonly name: string;
  readonly server: keyof typeof ACME_SERVERS;
  /** Address for expiry notices. */
  readonly email: string;
  /** IngressClass that serves the HTTP-01 challenge. */
  readonly ingressClassName: string;
}

export class AcmeClusterIssuer extends Construct {
  readonly name: string;

  constructor(scope: Construct, id: string, props: AcmeClusterIssuerProps) {
    super(scope, id);
    if (!/^[^@\s]+@[^@\s]+\.[a-z]{2,}$/i.test(props.email)) throw new Error(`AcmeClusterIssuer ${props.name}: email ${JSON.stringify(props.email)} is not an email address`);
    this.name = props.name;
    new ApiObject(this, 'cluster-issuer', {
      apiVersion: 'cert-manager.io/v1',
      kind: 'ClusterIssuer',
      metadata: { name: props.name, labels: componentLabels(props.name, 'certificates') },
      spec: {
        acme: {
          server: ACME_SERVERS[props.server],
          email: props.email,
          privateKeySecretRef: { name: `${props.name}-account-key` },
          solvers: [{ http01: { ingress: { ingressClassName: props.ingressClassName } } }],
        },
      },
    });
  }
}
