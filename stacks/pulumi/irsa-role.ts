/**
 * An IAM role assumed by named Kubernetes ServiceAccounts through the cluster's OIDC provider (IRSA),
 * with one inline policy. No access keys exist: pods get short-lived credentials for this role only.
 */
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import type { ServiceAccountRef } from './aws-needs.ts';
import { irsaTrustPolicy, type PolicyDocument } from './iam-documents.ts';
import { FIXED_NAME } from './fixed-names.ts';

export interface IrsaRoleArgs {
  /** IAM role name; fixed (not auto-named) because ARNs of it are written into environment data. */
  readonly roleName: string;
  readonly description: string;
  readonly oidcProviderArn: string;
  /** The only ServiceAccounts that may assume the role. */
  readonly serviceAccounts: readonly ServiceAccountRef[];
  /** The role's only permissions. */
  readonly policy: PolicyDocument;
  readonly tags: Record<string, string>;
}

export class IrsaRole extends pulumi.ComponentResource {
  readonly role: aws.iam.Role;
  readonly arn: pulumi.Output<string>;

  constructor(name: string, args: IrsaRoleArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super('agent-platform:aws:IrsaRole', name, {}, opts);
    const child = { parent: this, ...FIXED_NAME };
    this.role = new aws.iam.Role(
      `${name}-role`,
      {
        name: args.roleName,
        description: args.description,
        assumeRolePolicy: JSON.stringify(irsaTrustPolicy(args.oidcProviderArn, args.serviceAccounts)),
        // One hour: the token projected into the pod is refreshed well within it.
        maxSessionDuration: 3600,
        tags: args.tags,
      },
      child,
    );
    new aws.iam.RolePolicy(`${name}-policy`, { role: this.role.name, name: args.roleName, policy: pulumi.jsonStringify(args.policy) }, child);
    this.arn = this.role.arn;
    this.registerOutputs({ arn: this.arn });
  }
}
