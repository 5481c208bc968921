/**
 * How Argo CD delivers an environment: which cluster, from which repository and revision, and how
 * eagerly it syncs. Also the cluster add-on settings that belong to the environment: the ACME
 * issuer its Ingress names and the AWS Secrets Manager store its ExternalSecrets read from.
 */
import { z } from 'zod';
import { withoutCredentials } from './url-credentials.ts';
import { dnsLabel } from './common.ts';

/** A Go duration as Argo CD's retry backoff reads it (`5s`, `3m`, `1h30m`). */
const goDuration = z.string().regex(/^([0-9]+(h|m|s))+$/, 'a duration like "5s" or "3m"');

/** A full 40-character commit SHA or a release tag (`v1.4.2`, `1.4.2`, `release-2026.11.1`). */
export const PINNED_REVISION = /^([0-9a-f]{40}|v?[0-9]+\.[0-9]+\.[0-9]+([-.+][0-9A-Za-z.-]+)?|release-[0-9A-Za-z.-]+)$/;

export const gitops = z.strictObject({
  /** The cluster Argo CD deploys the environment to. */
  cluster: z.strictObject({
    /** Short name of the cluster, used in the names of its add-on Applications (`cert-manager-<name>`). */
    name: dnsLabel,
    /** API server URL as registered in Argo CD; `https://kubernetes.default.svc` is Argo CD's own cluster. */
    server: withoutCredentials(z.url({ protocol: /^https$/, error: 'an https URL of a Kubernetes API server' })),
  }),
  /**
   * Namespace Argo CD runs in; Applications and AppProjects live there.
   * @default 'argocd'
   */
  argoNamespace: dnsLabel.default('argocd'),
  /**
   * Git repository holding `generated/` (https or ssh form, or `file:///` for a repository on the
   * machine Argo CD's repo server runs on, as in the cluster test harness, test/cluster/).
   */
  repoURL: withoutCredentials(
    z.string().regex(/^(https:\/\/[^\s]+|ssh:\/\/[^\s]+|git@[^\s:]+:[^\s]+|file:\/\/\/[^\s]+)$/, 'a git URL like https://github.com/acme/infra.git'),
  ),
  /**
   * Branch, tag or commit Argo CD syncs. Production must pin a tag or a commit SHA, so what runs is
   * exactly what was reviewed and promoted.
   * @default 'main'
   */
  targetRevision: z.string().min(1).default('main'),
  /** Sync policy of the environment's Application. */
  sync: z
    .strictObject({
      /**
       * Sync every commit without a human (dev); production is synced by hand after review.
       * @default false
       */
      automated: z.boolean().default(false),
      /** With automated sync: delete objects that left `generated/`. @default true */
      prune: z.boolean().default(true),
      /** With automated sync: undo changes made to the cluster by hand. @default true */
      selfHeal: z.boolean().default(true),
      /** Retries of a failed sync, with exponential backoff. */
      retry: z
        .strictObject({
          /** @default 5 */
          limit: z.number().int().min(0).max(20).default(5),
          /** @default '10s' */
          backoff: goDuration.default('10s'),
          /** @default 2 */
          factor: z.number().int().min(1).max(10).default(2),
          /** @default '5m' */
          maxBackoff: goDuration.default('5m'),
        })
        .prefault({}),
    })
    .prefault({}),
  /** The ACME ClusterIssuer named by `ingress.clusterIssuer`, installed with cert-manager. */
  acme: z.strictObject({
    /** Let's Encrypt endpoint: `staging` issues untrusted certificates but has generous rate limits. */
    server: z.enum(['production', 'staging']),
    /** Address Let's Encrypt sends expiry notices to. */
    email: z.email({ error: 'an email address' }),
    /**
     * DNS-01 through Route 53: cert-manager proves control of the host with a TXT record, so a
     * certificate is issued before DNS points at the Gateway (no inbound path, no solver pods).
     */
    route53: z.strictObject({
      /** AWS region cert-manager calls Route 53 from. */
      region: z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-[0-9]$/, 'an AWS region like eu-central-1'),
      /** Hosted zone of the environment's host, e.g. `Z0123456789ABCDEFGHIJ`. */
      hostedZoneID: z.string().regex(/^Z[0-9A-Z]{1,32}$/, 'a Route 53 hosted zone ID like Z0123456789ABCDEFGHIJ'),
      /**
       * IAM role cert-manager's ServiceAccount assumes through IRSA (one per cluster); it should
       * only change TXT records under `_acme-challenge.` of the zone.
       */
      roleArn: z.string().regex(/^arn:aws(-[a-z]+)?:iam::[0-9]{12}:role\/[A-Za-z0-9+=,.@_\-/]+$/, 'an IAM role ARN like arn:aws:iam::123456789012:role/name'),
    }),
  }),
  /** The AWS Secrets Manager store named by `secrets.store`, read with IRSA (no static keys). */
  secretStore: z.strictObject({
    /** AWS region of the secrets, e.g. `eu-central-1`. */
    region: z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-[0-9]$/, 'an AWS region like eu-central-1'),
    /** IAM role the store assumes through IRSA; it should read only `secrets.remoteKeyPrefix/*`. */
    roleArn: z.string().regex(/^arn:aws(-[a-z]+)?:iam::[0-9]{12}:role\/[A-Za-z0-9+=,.@_\-/]+$/, 'an IAM role ARN like arn:aws:iam::123456789012:role/name'),
  }),
  /**
   * Block storage of the cluster: the StorageClass claims name when their component names none,
   * and the IAM role of the EBS CSI driver that provisions it (see stacks/cluster-add-ons.ts).
   */
  storage: z
    .strictObject({
      /** StorageClass of every claim whose component sets no `storageClass`. @default 'gp3' */
      defaultClass: z.string().regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'a StorageClass name like "gp3"').default('gp3'),
      /**
       * IAM role the EBS CSI controller assumes through IRSA (trusting ServiceAccount
       * `aws-ebs-csi-driver/ebs-csi-controller-sa`, with the AWS managed policy AmazonEBSCSIDriverPolicy).
       * Required on a cluster whose claims use an EBS StorageClass.
       */
      ebsCsiRoleArn: z.string().regex(/^arn:aws(-[a-z]+)?:iam::[0-9]{12}:role\/[A-Za-z0-9+=,.@_\-/]+$/, 'an IAM role ARN like arn:aws:iam::123456789012:role/name').optional(),
    })
    .prefault({}),
});
export type GitOps = z.infer<typeof gitops>;

/** Cross-field rules that need `production`; called from the environment schema's superRefine. */
export function checkGitOps(env: { production: boolean; gitops: GitOps }, ctx: z.RefinementCtx): void {
  if (!env.production) return;
  if (env.gitops.sync.automated) {
    ctx.addIssue({
      code: 'custom',
      path: ['gitops', 'sync', 'automated'],
      input: true,
      message: 'false in production (a person syncs production after reviewing the diff)',
    });
  }
  if (!PINNED_REVISION.test(env.gitops.targetRevision)) {
    ctx.addIssue({
      code: 'custom',
      path: ['gitops', 'targetRevision'],
      input: env.gitops.targetRevision,
      message: 'a release tag or a 40-character commit SHA in production (a branch moves under a synced Application)',
    });
  }
}
