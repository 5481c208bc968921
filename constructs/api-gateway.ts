/**
 * The public entrance of the API on the Gateway API, served by Envoy Gateway: one Gateway per
 * environment (its own Envoy Deployment, load balancer and certificate, so an environment's edge
 * change or outage stays in that environment), an HTTPRoute to the API, the HTTP → HTTPS redirect,
 * and Envoy Gateway's policies for what the Gateway API does not standardise.
 *
 * What the ingress-nginx Ingress carried, and where it lives now:
 * - host, TLS, certificate: the Gateway's listeners and a cert-manager Certificate;
 * - TLS 1.2/1.3 only, client IP from the connection: ClientTrafficPolicy on the Gateway;
 * - HSTS, X-Frame-Options, nosniff: a ResponseHeaderModifier filter on the route;
 * - request timeout: the route rule's `timeouts.request`;
 * - body limit (413 above it), rate limit per client IP: BackendTrafficPolicy on the route;
 * - CORS: SecurityPolicy on the route.
 *
 * Rate limit: Envoy Gateway's local rate limit is a token bucket per Envoy replica but cannot count
 * per distinct client address ("Local rate limiting does not support `distinct` matching", Envoy
 * Gateway v1.9 docs, tasks/traffic/local-rate-limit), so the per-IP limit is a global rule
 * (`sourceCIDR` of type Distinct), counted by Envoy Gateway's rate limit service in Redis across
 * every replica. That service counts fixed windows and has no burst: "R per minute with bursts up
 * to B" becomes two rules per client IP, at most B in any minute and at most 60·R in any hour.
 *
 * Client IP: the Envoy Service is an AWS Load Balancer Controller NLB with IP targets and client
 * IP preservation, and `externalTrafficPolicy: Local`, so Envoy's peer address is the client's;
 * forwarded-for headers from clients are not trusted.
 */
import { CustomResource } from './custom-resource.ts';
import type { IBackendTrafficPolicy } from '@kubernetes-models/envoy-gateway/gateway.envoyproxy.io/v1alpha1/BackendTrafficPolicy';
import type { ICertificate } from '@kubernetes-models/cert-manager/cert-manager.io/v1/Certificate';
import type { IClientTrafficPolicy } from '@kubernetes-models/envoy-gateway/gateway.envoyproxy.io/v1alpha1/ClientTrafficPolicy';
import type { IEnvoyProxy } from '@kubernetes-models/envoy-gateway/gateway.envoyproxy.io/v1alpha1/EnvoyProxy';
import type { IGateway } from '@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/Gateway';
import type { IHTTPRoute } from '@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/HTTPRoute';
import type { ISecurityPolicy } from '@kubernetes-models/envoy-gateway/gateway.envoyproxy.io/v1alpha1/SecurityPolicy';
import { Duration, Size } from 'cdk8s';
import { Construct } from 'constructs';
import { componentLabels } from './labels.ts';

/** The API group of the Gateway API and of Envoy Gateway's extensions. */
const GATEWAY_GROUP = 'gateway.networking.k8s.io';
const ENVOY_GATEWAY_GROUP = 'gateway.envoyproxy.io';

/**
 * Where each Envoy pod serves its statistics in Prometheus format (Envoy Gateway v1.9 bootstrap:
 * `EnvoyStatsPort` 19001, `EnvoyStatsPath` /stats/prometheus).
 */
export const ENVOY_STATS = { port: 19001, path: '/stats/prometheus' } as const;

/**
 * Labels Envoy Gateway sets on the Envoy pods of a Gateway (in its controller namespace), used by
 * the API's NetworkPolicy to admit exactly this Gateway's proxies (Envoy Gateway v1.9:
 * `EnvoyAppLabel()` in internal/infrastructure/kubernetes/proxy/resource.go and the
 * `OwningGateway*Label` constants in internal/gatewayapi/translator.go).
 */
export function envoyPodLabels(gatewayName: string, gatewayNamespace: string): Record<string, string> {
  return {
    'app.kubernetes.io/name': 'envoy',
    'gateway.envoyproxy.io/owning-gateway-name': gatewayName,
    'gateway.envoyproxy.io/owning-gateway-namespace': gatewayNamespace,
  };
}

/**
 * The Envoy Service as an internet-facing NLB of the AWS Load Balancer Controller: IP targets
 * reach the Envoy pods directly and keep the client's address as the source.
 * @see https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/service/annotations/
 */
const NLB_ANNOTATIONS: Readonly<Record<string, string>> = {
  'service.beta.kubernetes.io/aws-load-balancer-type': 'external',
  'service.beta.kubernetes.io/aws-load-balancer-scheme': 'internet-facing',
  'service.beta.kubernetes.io/aws-load-balancer-nlb-target-type': 'ip',
  'service.beta.kubernetes.io/aws-load-balancer-target-group-attributes': 'preserve_client_ip.enabled=true',
};

export interface RateLimit {
  readonly requestsPerMinute: number;
  readonly burst: number;
}

export interface ApiGatewayProps {
  readonly name: string;
  readonly component: string;
  /** GatewayClass of the Envoy Gateway controller. */
  readonly gatewayClassName: string;
  /** Public host name; always served over TLS. */
  readonly host: string;
  /** The Service behind the host. */
  readonly backend: { readonly name: string; readonly port: number };
  /** cert-manager ClusterIssuer that signs the certificate. */
  readonly clusterIssuer: string;
  /** Requests per minute per client IP, and the burst allowed above it. @default { requestsPerMinute: 100, burst: 200 } */
  readonly rateLimit?: RateLimit;
  /** Largest request body; larger requests get 413. @default Size.mebibytes(10) */
  readonly maxBodySize?: Size;
  /** Longest a request may take, end to end. @default Duration.seconds(60) */
  readonly timeout?: Duration;
  /** HSTS max-age. @default Duration.days(365) */
  readonly hstsMaxAge?: Duration;
  /** Origins allowed to call the API from a browser; none means no CORS headers. @default [] */
  readonly corsOrigins?: readonly string[];
  /** Envoy replicas of this Gateway; more than one gets a disruption budget. @default 1 */
  readonly replicas?: number;
  /**
   * Path prefixes routed to the backend. Only the API is public: `/metrics` and the health
   * endpoints on the same port stay inside the cluster.
   * @default ['/api']
   */
  readonly paths?: readonly string[];
}

export class ApiGateway extends Construct {
  /** Secret holding the certificate, produced by cert-manager from the Certificate. */
  readonly tlsSecretName: string;
  readonly gatewayName: string;
  /**
   * Whether the route's rate limit is a global one, counted by Envoy Gateway's rate limit service
   * in the cluster's Redis (which the cluster configuration then provides, stacks/cluster-config.ts).
   * Always, for the per-client-IP limit (see above).
   */
  readonly globalRateLimit: boolean = true;

  constructor(scope: Construct, id: string, props: ApiGatewayProps) {
    super(scope, id);
    const labels = componentLabels(props.name, props.component);
    const rate = props.rateLimit ?? { requestsPerMinute: 100, burst: 200 };
    if (rate.burst < rate.requestsPerMinute) {
      throw new Error(`ApiGateway ${props.name}: burst ${rate.burst} is below the rate ${rate.requestsPerMinute} per minute; a burst is what a client may send above the rate`);
    }
    const replicas = props.replicas ?? 1;
    const hsts = (props.hstsMaxAge ?? Duration.days(365)).toSeconds();
    const bodyMiB = (props.maxBodySize ?? Size.mebibytes(10)).toMebibytes();
    if (!Number.isInteger(bodyMiB) || bodyMiB < 1) throw new Error(`ApiGateway ${props.name}: maxBodySize must be a whole number of MiB, got ${bodyMiB}`);
    this.tlsSecretName = `${props.name}-tls`;
    this.gatewayName = props.name;
    const gatewayRef = { group: GATEWAY_GROUP, kind: 'Gateway', name: props.name };
    const routeRef = { group: GATEWAY_GROUP, kind: 'HTTPRoute', name: props.name };
    const sameNamespace = { namespaces: { from: 'Same' } };

    new CustomResource<ICertificate>(this, 'certificate', {
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

    new CustomResource<IEnvoyProxy>(this, 'proxy', {
      apiVersion: 'gateway.envoyproxy.io/v1alpha1',
      kind: 'EnvoyProxy',
      metadata: { name: props.name, labels },
      spec: {
        provider: {
          type: 'Kubernetes',
          kubernetes: {
            envoyService: { type: 'LoadBalancer', externalTrafficPolicy: 'Local', annotations: { ...NLB_ANNOTATIONS } },
            envoyDeployment: { replicas },
            ...(replicas > 1 ? { envoyPDB: { minAvailable: 1 } } : {}),
          },
        },
      },
    });

    new CustomResource<IGateway>(this, 'gateway', {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'Gateway',
      metadata: { name: props.name, labels },
      spec: {
        gatewayClassName: props.gatewayClassName,
        infrastructure: { parametersRef: { group: ENVOY_GATEWAY_GROUP, kind: 'EnvoyProxy', name: props.name } },
        listeners: [
          { name: 'http', protocol: 'HTTP', port: 80, hostname: props.host, allowedRoutes: sameNamespace },
          {
            name: 'https',
            protocol: 'HTTPS',
            port: 443,
            hostname: props.host,
            tls: { mode: 'Terminate', certificateRefs: [{ kind: 'Secret', name: this.tlsSecretName }] },
            allowedRoutes: sameNamespace,
          },
        ],
      },
    });

    new CustomResource<IClientTrafficPolicy>(this, 'client-traffic', {
      apiVersion: 'gateway.envoyproxy.io/v1alpha1',
      kind: 'ClientTrafficPolicy',
      metadata: { name: props.name, labels },
      spec: {
        targetRefs: [gatewayRef],
        tls: { minVersion: '1.2', maxVersion: '1.3' },
        // The NLB keeps the client's address as the TCP source; an X-Forwarded-For a client sends
        // is not evidence of anything, so no hop is trusted.
        clientIPDetection: { xForwardedFor: { numTrustedHops: 0 } },
      },
    });

    new CustomResource<IHTTPRoute>(this, 'redirect', {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: `${props.name}-https-redirect`, labels },
      spec: {
        parentRefs: [{ ...gatewayRef, sectionName: 'http' }],
        hostnames: [props.host],
        rules: [{ filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', statusCode: 301 } }] }],
      },
    });

    new CustomResource<IHTTPRoute>(this, 'route', {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: props.name, labels },
      spec: {
        parentRefs: [{ ...gatewayRef, sectionName: 'https' }],
        hostnames: [props.host],
        rules: [
          {
            matches: (props.paths ?? ['/api']).map((value) => ({ path: { type: 'PathPrefix', value } })),
            backendRefs: [{ kind: 'Service', name: props.backend.name, port: props.backend.port }],
            filters: [
              {
                type: 'ResponseHeaderModifier',
                responseHeaderModifier: {
                  set: [
                    { name: 'Strict-Transport-Security', value: `max-age=${hsts}; includeSubDomains` },
                    { name: 'X-Frame-Options', value: 'DENY' },
                    { name: 'X-Content-Type-Options', value: 'nosniff' },
                    { name: 'Referrer-Policy', value: 'no-referrer' },
                  ],
                },
              },
            ],
            timeouts: { request: `${(props.timeout ?? Duration.seconds(60)).toSeconds()}s` },
          },
        ],
      },
    });

    // Every IPv4 address counted on its own. The NLB is IPv4-only (its default address type); a
    // dualstack one needs the same rules for ::/0, or IPv6 clients go unlimited.
    const perClientIp = [{ sourceCIDR: { type: 'Distinct' as const, value: '0.0.0.0/0' } }];
    new CustomResource<IBackendTrafficPolicy>(this, 'backend-traffic', {
      apiVersion: 'gateway.envoyproxy.io/v1alpha1',
      kind: 'BackendTrafficPolicy',
      metadata: { name: props.name, labels },
      spec: {
        targetRefs: [routeRef],
        rateLimit: {
          global: {
            rules: [
              { clientSelectors: perClientIp, limit: { requests: rate.burst, unit: 'Minute' } },
              { clientSelectors: perClientIp, limit: { requests: rate.requestsPerMinute * 60, unit: 'Hour' } },
            ],
          },
        },
        // Envoy receives the whole body before forwarding, and answers 413 above the limit.
        requestBuffer: { limit: `${bodyMiB}Mi` },
      },
    });

    const origins = props.corsOrigins ?? [];
    if (origins.length > 0) {
      new CustomResource<ISecurityPolicy>(this, 'security', {
        apiVersion: 'gateway.envoyproxy.io/v1alpha1',
        kind: 'SecurityPolicy',
        metadata: { name: props.name, labels },
        spec: {
          targetRefs: [routeRef],
          cors: {
            allowOrigins: [...origins],
            allowMethods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
            allowHeaders: ['Authorization', 'Content-Type'],
            maxAge: '600s',
          },
        },
      });
    }
  }
}
