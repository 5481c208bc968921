/**
 * How the API is reached from outside: ingress-nginx with a cert-manager certificate
 * (STACK.md, "Ingress": rate limit, body size, timeouts, security headers, TLS 1.2/1.3).
 */
import { z } from 'zod';
import { INT32_MAX } from './bounds.ts';
import { hostName } from './common.ts';

export const ingress = z.strictObject({
  /** Public host of the API, e.g. `api.example.com`; always served over TLS. */
  host: hostName,
  /** IngressClass of the controller. */
  className: z.string().min(1).default('nginx'),
  /** cert-manager ClusterIssuer that signs the certificate. */
  clusterIssuer: z.string().min(1),
  /** Requests per minute per client IP, and the burst allowed above it. */
  rateLimit: z
    .strictObject({
      requestsPerMinute: z.number().int().min(1).max(INT32_MAX).default(100),
      burst: z.number().int().min(1).max(INT32_MAX).default(200),
    })
    .prefault({}),
  /** Largest request body, in nginx's notation. */
  maxBodySize: z.string().regex(/^[1-9][0-9]*[kmg]?$/, 'a size like "10m"').default('10m'),
  /** Seconds nginx waits to connect to, send to and read from the API. */
  timeoutSeconds: z.number().int().min(1).max(3600).default(60),
  /** Seconds browsers remember to use HTTPS only (HSTS max-age); one year by default. */
  hstsMaxAgeSeconds: z.number().int().min(0).max(INT32_MAX).default(31536000),
});
