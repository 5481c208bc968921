/**
 * How the API is reached from outside: a Gateway API edge served by Envoy Gateway, with a
 * cert-manager certificate (docs/design-inputs.md, "Ingress": rate limit, body size, timeouts, security
 * headers, TLS 1.2/1.3).
 */
import { Duration, Size } from 'cdk8s';
import { z } from 'zod';
import { INT32_MAX } from './bounds.ts';
import { hostName } from './common.ts';

export const ingress = z.strictObject({
  /** Public host of the API, e.g. `api.example.com`; always served over TLS. */
  host: hostName,
  /** GatewayClass of the Envoy Gateway controller (one per cluster, rendered with its add-ons). */
  gatewayClassName: z.string().min(1).default('envoy-gateway'),
  /** cert-manager ClusterIssuer that signs the certificate. */
  clusterIssuer: z.string().min(1),
  /** Requests per minute per client IP, and the burst allowed above it. */
  rateLimit: z
    .strictObject({
      requestsPerMinute: z.number().int().min(1).max(INT32_MAX).default(100),
      burst: z.number().int().min(1).max(INT32_MAX).default(200),
    })
    .prefault({}),
  /** Largest request body in MiB; larger requests are answered 413 by the edge. */
  maxBodyMiB: z.number().int().min(1).max(1024).default(10).transform((n): Size => Size.mebibytes(n)),
  /** Seconds a request may take end to end before the edge answers 504. */
  timeoutSeconds: z.number().int().min(1).max(3600).default(60).transform((n): Duration => Duration.seconds(n)),
  /** Seconds browsers remember to use HTTPS only (HSTS max-age); one year by default. */
  hstsMaxAgeSeconds: z.number().int().min(0).max(INT32_MAX).default(31536000).transform((n): Duration => Duration.seconds(n)),
});
