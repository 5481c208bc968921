/**
 * How an environment reaches its cluster. Either way the objects are the ones `npm run synth`
 * renders; what differs is who applies them and where secret values come from.
 */
import { z } from 'zod';

/**
 * - `gitops`: Argo CD syncs `generated/<env>/`; `pulumi up` provisions only the AWS side (backup
 *   bucket, IAM roles, Secrets Manager entries, managed data stores). Pods read secrets through
 *   ExternalSecrets from AWS Secrets Manager.
 * - `pulumi`: `pulumi up` also applies the Kubernetes objects, and the ExternalSecrets are replaced
 *   by Kubernetes Secrets filled from the stack's secret config (`pulumi config set --secret`).
 *   Argo CD must then not sync this environment, or the two would fight over the same objects.
 *
 * @default 'gitops'
 */
export const delivery = z.enum(['gitops', 'pulumi']).default('gitops');
export type Delivery = z.infer<typeof delivery>;
