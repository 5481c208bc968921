/**
 * What a Pulumi stack's config holds: only what belongs to Pulumi (the AWS account, the cluster and
 * its OIDC provider, secret values). Everything about the workload comes from
 * `environments/<stack>.yaml`. Keys, types and defaults are documented in `Pulumi.yaml`.
 */
import { z } from 'zod';

const awsAccountId = z.string().regex(/^[0-9]{12}$/, 'a 12-digit AWS account ID');
/** `arn:aws:iam::<account>:oidc-provider/oidc.eks.<region>.amazonaws.com/id/<id>`. */
const oidcProviderArn = z
  .string()
  .regex(/^arn:aws(-[a-z]+)?:iam::[0-9]{12}:oidc-provider\/[A-Za-z0-9.\-/]+$/, 'an IAM OIDC provider ARN like arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-central-1.amazonaws.com/id/ABC');
/** `namespace/name` of a Kubernetes ServiceAccount. */
const serviceAccountRef = z.string().regex(/^[a-z0-9-]+\/[a-z0-9.-]+$/, 'a ServiceAccount as "namespace/name"');

/**
 * Who provisions the environment's AWS resources (backup bucket, IAM roles, Secrets Manager entries,
 * managed data stores): `pulumi`, this stack; `external`, something outside it (another stack,
 * Terraform, a platform team). With `external` the program registers no AWS resource and no AWS
 * provider, and the cluster objects use the role ARNs the environment data names (external-aws.ts).
 */
export const AWS_RESOURCES = ['pulumi', 'external'] as const;
export type AwsResources = (typeof AWS_RESOURCES)[number];

export const stackConfigSchema = z.strictObject({
  /** AWS account every ARN in the environment data must belong to. */
  accountId: awsAccountId,
  /** The EKS cluster's IAM OIDC provider; IRSA trust policies name it. */
  oidcProviderArn,
  /**
   * kubeconfig (file contents or path) the Kubernetes provider uses in `pulumi` delivery; empty
   * means the ambient one (`KUBECONFIG`, `~/.kube/config`).
   * @default ''
   */
  kubeconfig: z.string().default(''),
  /**
   * kubeconfig context; empty means the current context. Set it so a stack can never apply to a
   * cluster that merely happens to be current.
   * @default ''
   */
  kubeContext: z.string().default(''),
  /**
   * Who provisions the environment's AWS resources; see AWS_RESOURCES.
   * @default 'pulumi'
   */
  awsResources: z.enum(AWS_RESOURCES).default('pulumi'),
  /**
   * Adopt Kubernetes objects that already exist (the provider's `upsertExistingObjects`), for the
   * one `pulumi up` that takes an environment over from Argo CD; unset it right after, since with
   * it a renamed resource's create-then-delete removes the object it just adopted.
   * @default false
   */
  adoptExistingObjects: z.boolean().default(false),
  /**
   * ServiceAccount External Secrets Operator reads the store with, when the rendered objects do not
   * contain the environment's store (installed elsewhere).
   * @default 'external-secrets/external-secrets'
   */
  externalSecretsServiceAccount: serviceAccountRef.default('external-secrets/external-secrets'),
  /**
   * Network of the managed data stores; required only when a store is `managed`.
   * @default - none
   */
  vpcId: z.string().regex(/^vpc-[0-9a-f]+$/, 'a VPC ID like vpc-0abc').optional(),
  /** Private subnets (at least two, in different zones) for the managed data stores. @default [] */
  privateSubnetIds: z.array(z.string().regex(/^subnet-[0-9a-f]+$/, 'a subnet ID like subnet-0abc')).default([]),
  /**
   * Security group of the cluster's nodes (or pods): the only source the managed stores accept
   * connections from.
   * @default - none
   */
  clusterSecurityGroupId: z.string().regex(/^sg-[0-9a-f]+$/, 'a security group ID like sg-0abc').optional(),
});

export type StackConfig = z.infer<typeof stackConfigSchema>;

/** Config keys that are secret and read as Outputs, never as plain values. */
export const SECRET_CONFIG_KEYS = ['secrets', 'redisAuthToken', 'opensearchMasterPassword'] as const;

/** The part of an OIDC provider ARN that IRSA condition keys start with: `oidc.eks.<region>.amazonaws.com/id/<id>`. */
export function oidcIssuerOf(providerArn: string): string {
  const slash = providerArn.indexOf(':oidc-provider/');
  if (slash < 0) throw new Error(`oidcProviderArn ${JSON.stringify(providerArn)} is not an OIDC provider ARN`);
  return providerArn.slice(slash + ':oidc-provider/'.length);
}

/**
 * Validates plain (non-secret) stack config read from Pulumi. Messages name the key and the
 * `pulumi config set` that fixes it.
 */
export function parseStackConfig(values: Record<string, unknown>, stack: string): StackConfig {
  const result = stackConfigSchema.safeParse(values, { reportInput: true });
  if (result.success) return result.data;
  const lines = result.error.issues.map((i) => {
    const key = i.path.join('.') || '(config)';
    const expected =
      i.code === 'invalid_type'
        ? `a ${i.expected}`
        : i.code === 'unrecognized_keys'
          ? `none of ${i.keys.join(', ')}`
          : i.code === 'invalid_value'
            ? `one of ${i.values.map((v) => JSON.stringify(v)).join(', ')}`
            : i.message;
    const got = i.input === undefined ? 'nothing (the key is not set)' : JSON.stringify(i.input);
    return `  ${key}: expected ${expected}, got ${got} (pulumi config set --stack ${stack} ${key} <value>)`;
  });
  throw new Error(`stack ${stack}: invalid config in Pulumi.${stack}.yaml:\n${lines.join('\n')}`);
}
