/**
 * The environment format: one schema, assembled from the per-component schemas beside this file.
 * `environments/<name>.yaml` is parsed with it by `environments/load.ts`; its JSON Schema
 * (`environments/environment.schema.json`) is generated from it by `npm run schema`.
 */
import { z } from 'zod';
import { api, settings, worker } from './app.ts';
import { dnsLabel, image } from './common.ts';
import { checkData, data } from './data.ts';
import { delivery } from './delivery.ts';
import { checkGitOps, gitops } from './gitops.ts';
import { ingress } from './ingress.ts';
import { monitoring } from './monitoring.ts';
import { checkNamespace } from './namespace.ts';
import { network } from './network.ts';
import { secrets } from './secrets.ts';
import { validAt } from './valid-at.ts';

export const environmentSchema = z
  .strictObject({
    /** Path of the JSON Schema, for editors (`# yaml-language-server` or `$schema`); ignored otherwise. */
    $schema: z.string().optional(),
    /** The environment's name; must match its file name. */
    name: dnsLabel,
    /**
     * Production environments get the strict rules: images pinned by digest, at least two replicas
     * with a disruption budget and spread, manual Argo CD sync.
     */
    production: z.boolean().default(false),
    /** Namespace every object of the environment lives in. */
    namespace: dnsLabel,
    /** Images of our own service; third-party images are pinned in `constructs/versions.ts`. */
    images: z.strictObject({ service: image }),
    /** What the service reads from its ConfigMap. */
    settings,
    api,
    worker,
    ingress,
    secrets,
    network,
    /** Postgres, Redis, Elasticsearch (each in the cluster or managed) and their backups. */
    data,
    /** Prometheus (own or the cluster's operator), Alertmanager routes and receivers, Grafana. */
    monitoring,
    /** Delivery by Argo CD: cluster, repository, revision, sync policy, cluster add-on settings. */
    gitops,
    /** Who applies the objects: Argo CD (`gitops`) or `pulumi up` (`pulumi`). @default 'gitops' */
    delivery,
  })
  .superRefine((env, ctx) => {
    checkGitOps(env, ctx);
    checkData(env, ctx);
    if (env.production) {
      for (const tier of ['api', 'worker'] as const) {
        const floor = env[tier].autoscaling?.minReplicas ?? env[tier].replicas ?? 0;
        if (floor < 2) {
          ctx.addIssue({
            code: 'custom',
            path: [tier, env[tier].autoscaling ? 'autoscaling' : 'replicas'],
            input: floor,
            message: 'at least 2 replicas in production (one node loss must not take the tier down)',
          });
        }
      }
    }
  })
  // Rules that read few fields run whenever those are valid, so they are reported with the rest.
  .superRefine(
    (env, ctx) => {
      if (env.production && env.images.service.digest === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['images', 'service', 'digest'],
          input: undefined,
          message: 'a digest (production images are pinned by digest)',
        });
      }
    },
    { when: validAt(['production'], ['images']) },
  )
  .superRefine(checkNamespace, { when: validAt(['namespace'], ['gitops'], ['network'], ['monitoring']) });

/** An environment after validation, with every default filled in. */
export type Environment = z.infer<typeof environmentSchema>;
/** An environment as written in a file, before defaults. */
export type EnvironmentInput = z.input<typeof environmentSchema>;
