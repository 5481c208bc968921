/**
 * Building blocks shared by the per-component schemas: Kubernetes quantities, images,
 * resources, autoscaling. Every block rejects unknown keys (`z.strictObject`) so a typo in an
 * environment file is an error, not a silently ignored setting.
 */
import { z } from 'zod';
import { imageTag } from './image-tag.ts';
import { MAX_REPLICAS } from './bounds.ts';
import { parseQuantity } from '../../kube/quantity.ts';
import { positiveQuantity } from './quantity.ts';
// Construct props are their own types; the blocks below produce them (`satisfies`), not the other way round.
import type { Autoscaling as AutoscalingProps } from '../../constructs/horizontal-pod-autoscaler.ts';
import type { Resources as ContainerResources } from '../../constructs/resources.ts';

/** A DNS-1123 label: namespaces, object names, environment names. */
export const dnsLabel = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, 'a DNS label (lower-case letters, digits and "-", at most 63 characters)');

/** A fully qualified host name such as `api.example.com`. */
export const hostName = z
  .string()
  .regex(/^(?=.{1,253}$)([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, 'a fully qualified host name like api.example.com');

/** A CPU quantity: any Kubernetes quantity above zero (`250m`, `1`, `1.5`, `0.25`). */
export const cpuQuantity = positiveQuantity('"250m" or "1"');

/** A memory or storage size: any Kubernetes quantity above zero (`512Mi`, `1.5Gi`, `512M`, `1e9`). */
export const memoryQuantity = positiveQuantity('"512Mi" or "2Gi"');

/**
 * A container image. Tags may not float: `latest` is refused here, and production environments
 * must also give the digest (checked where the environment is assembled, see `environment.ts`).
 */
export const image = z.strictObject({
  /** Registry and repository, e.g. `ghcr.io/acme/multi-agent-service`. */
  repository: z.string().regex(/^[a-z0-9]+([._\-/:][a-z0-9]+)*$/, 'an image repository like ghcr.io/acme/service'),
  /** An immutable release tag; `latest` is refused because it makes rollouts unrepeatable. */
  tag: imageTag,
  /** Content digest; required in production so the image cannot change under the tag. */
  digest: z.string().regex(/^sha256:[a-f0-9]{64}$/, 'a digest like "sha256:<64 hex digits>"').optional(),
});
export type Image = z.infer<typeof image>;

/** The reference a pod spec uses: `repo:tag@digest` when pinned, `repo:tag` otherwise. */
export function imageRef(img: Image): string {
  return img.digest ? `${img.repository}:${img.tag}@${img.digest}` : `${img.repository}:${img.tag}`;
}

/** Requests and limits. A memory limit is mandatory (an OOM-kill beats starving the node); a CPU limit is optional. */
export const resources = z
  .strictObject({
    requests: z.strictObject({ cpu: cpuQuantity, memory: memoryQuantity }),
    limits: z.strictObject({ cpu: cpuQuantity.optional(), memory: memoryQuantity }),
  })
  .superRefine((r, ctx) => {
    // Sizes are compared only when both are quantities; an invalid one is reported on its own.
    if ((parseQuantity(r.requests.memory) ?? 0) > (parseQuantity(r.limits.memory) ?? Infinity)) {
      ctx.addIssue({
        code: 'custom',
        path: ['requests', 'memory'],
        input: r.requests.memory,
        message: `a memory request no larger than the limit (${r.limits.memory})`,
      });
    }
    if (r.limits.cpu !== undefined && (parseQuantity(r.requests.cpu) ?? 0) > (parseQuantity(r.limits.cpu) ?? Infinity)) {
      ctx.addIssue({
        code: 'custom',
        path: ['requests', 'cpu'],
        input: r.requests.cpu,
        message: `a CPU request no larger than the limit (${r.limits.cpu})`,
      });
    }
  }) satisfies z.ZodType<ContainerResources>;
export type Resources = z.infer<typeof resources>;

/** One direction of HPA `behavior`: how far and how fast the autoscaler may move. */
const scalingRule = (defaults: { stabilizationWindowSeconds: number; percent: number; periodSeconds: number }) =>
  z
    .strictObject({
      /** Seconds of recommendations the HPA looks back over before acting (the cooldown). */
      stabilizationWindowSeconds: z.number().int().min(0).max(3600).default(defaults.stabilizationWindowSeconds),
      /** Largest change per period, in percent of current replicas (×1.5 is 50 up, ×0.8 is 20 down). */
      percent: z.number().int().min(1).max(1000).default(defaults.percent),
      /** Length of the period the percentage applies to. */
      periodSeconds: z.number().int().min(1).max(1800).default(defaults.periodSeconds),
    })
    .prefault({});

/** HorizontalPodAutoscaler bounds, targets and behaviour (the guides' cooldown and factors, docs/design-inputs.md). */
export const autoscaling = z
  .strictObject({
    minReplicas: z.number().int().min(1).max(MAX_REPLICAS),
    maxReplicas: z.number().int().min(1).max(MAX_REPLICAS),
    /** Average CPU utilisation, in percent of the request, that the HPA aims for. */
    targetCpuUtilization: z.number().int().min(1).max(100).default(70),
    /** Average memory utilisation, in percent of the request, that the HPA aims for. */
    targetMemoryUtilization: z.number().int().min(1).max(100).default(80),
    scaleUp: scalingRule({ stabilizationWindowSeconds: 0, percent: 50, periodSeconds: 60 }),
    scaleDown: scalingRule({ stabilizationWindowSeconds: 300, percent: 20, periodSeconds: 60 }),
  })
  .superRefine((a, ctx) => {
    if (a.minReplicas > a.maxReplicas) {
      ctx.addIssue({
        code: 'custom',
        path: ['minReplicas'],
        input: a.minReplicas,
        message: `a number no larger than maxReplicas (${a.maxReplicas})`,
      });
    }
  }) satisfies z.ZodType<AutoscalingProps>;
export type Autoscaling = z.infer<typeof autoscaling>;

/** Log levels the service understands (docs/design-inputs.md, "Configuration the app reads"). */
export const logLevel = z.enum(['DEBUG', 'INFO', 'WARNING', 'ERROR']);
