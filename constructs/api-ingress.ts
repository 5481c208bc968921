/**
 * The public entrance of the API: an ingress-nginx Ingress with TLS from a cert-manager
 * Certificate, per-client rate limiting, body-size and timeout limits, and security headers
 * (design document 001: HSTS, X-Frame-Options DENY, nosniff).
 *
 * TLS protocol versions (1.2/1.3) are a controller-wide setting of ingress-nginx, set where the
 * controller is installed, not per Ingress. Headers use the `custom-headers` annotation rather than
 * a configuration snippet: snippets are disabled by default in ingress-nginx because they let an
 * Ingress author inject arbitrary nginx configuration.
 */
import { ApiObject, Chart, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { k8s } from './k8s.ts';
import { componentLabels } from './labels.ts';

export interface ApiIngressProps {
  readonly name: string;
  readonly component: string;
  /** Public host name; always served over TLS. */
  readonly host: string;
  /** The Service behind the host. */
  readonly backend: { readonly name: string; readonly port: number };
  /** cert-manager ClusterIssuer that signs the certificate. */
  readonly clusterIssuer: string;
  /** @default 'nginx' */
  readonly className?: string;
  /** Requests per minute per client address, and the burst allowed above it. @default { requestsPerMinute: 100, burst: 200 } */
  readonly rateLimit?: { readonly requestsPerMinute: number; readonly burst: number };
  /** Largest request body, nginx notation. @default '10m' */
  readonly maxBodySize?: string;
  /** Connect, send and read timeout towards the API. @default Duration.seconds(60) */
  readonly timeout?: Duration;
  /** HSTS max-age. @default Duration.days(365) */
  readonly hstsMaxAge?: Duration;
  /**
   * Path prefixes routed to the backend. Only the API is public: `/metrics` and the health
   * endpoints on the same port stay inside the cluster.
   * @default ['/api']
   */
  readonly paths?: readonly string[];
}

export class ApiIngress extends Construct {
  /** Secret holding the certificate, produced by cert-manager from the Certificate. */
  readonly tlsSecretName: string;

  constructor(scope: Construct, id: string, props: ApiIngressProps) {
    super(scope, id);
    const labels = componentLabels(props.name, props.component);
    const rate = props.rateLimit ?? { requestsPerMinute: 100, burst: 200 };
    if (rate.burst < rate.requestsPerMinute) {
      throw new Error(`ApiIngress ${props.name}: burst ${rate.burst} is below the rate ${rate.requestsPerMinute}; nginx expresses burst as a multiple of the rate`);
    }
    const timeout = String((props.timeout ?? Duration.seconds(60)).toSeconds());
    const hsts = (props.hstsMaxAge ?? Duration.days(365)).toSeconds();
    this.tlsSecretName = `${props.name}-tls`;
    const headersName = `${props.name}-response-headers`;
    const namespace = Chart.of(this).namespace;
    if (!namespace) throw new Error(`ApiIngress ${props.name}: must live in a chart with a namespace (the headers ConfigMap is referenced as namespace/name)`);

    new ApiObject(this, 'certificate', {
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: { name: props.name, labels },
      spec: {
        secretName: this.tlsSecretName,
        dnsNames: [props.host],
        issuerRef: { group: 'cert-manager.io', kind: 'ClusterIssuer', name: props.clusterIssuer },
        privateKey: { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' },
      },
    });

    new k8s.KubeConfigMap(this, 'response-headers', {
      metadata: { name: headersName, labels },
      data: {
        'Strict-Transport-Security': `max-age=${hsts}; includeSubDomains`,
        'X-Frame-Options': 'DENY',
        'X-Content-Type-Options': 'nosniff',
        'Referrer-Policy': 'no-referrer',
      },
    });

    new k8s.KubeIngress(this, 'ingress', {
      metadata: {
        name: props.name,
        labels,
        annotations: {
          'nginx.ingress.kubernetes.io/force-ssl-redirect': 'true',
          'nginx.ingress.kubernetes.io/limit-rpm': String(rate.requestsPerMinute),
          'nginx.ingress.kubernetes.io/limit-burst-multiplier': String(Math.ceil(rate.burst / rate.requestsPerMinute)),
          'nginx.ingress.kubernetes.io/proxy-body-size': props.maxBodySize ?? '10m',
          'nginx.ingress.kubernetes.io/proxy-connect-timeout': timeout,
          'nginx.ingress.kubernetes.io/proxy-send-timeout': timeout,
          'nginx.ingress.kubernetes.io/proxy-read-timeout': timeout,
          'nginx.ingress.kubernetes.io/custom-headers': `${namespace}/${headersName}`,
        },
      },
      spec: {
        ingressClassName: props.className ?? 'nginx',
        tls: [{ hosts: [props.host], secretName: this.tlsSecretName }],
        rules: [
          {
            host: props.host,
            http: {
              paths: (props.paths ?? ['/api']).map((path) => ({
                path,
                pathType: 'Prefix',
                backend: { service: { name: props.backend.name, port: { number: props.backend.port } } },
              })),
            },
          },
        ],
      },
    });
  }
}
