/**
 * IAM policy documents as data: built here, serialised once with `pulumi.jsonStringify`, parsed
 * back in tests. ARNs may be Outputs (a bucket's or a secret's ARN is known only after creation).
 */
import type * as pulumi from '@pulumi/pulumi';
import { oidcIssuerOf } from './stack-config.ts';
import type { ServiceAccountRef } from './aws-needs.ts';

export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Principal?: Record<string, pulumi.Input<string> | pulumi.Input<string>[]>;
  readonly Action: string | readonly string[];
  readonly Resource?: pulumi.Input<string> | readonly pulumi.Input<string>[];
  readonly Condition?: Record<string, Record<string, string | readonly string[] | boolean>>;
}

export interface PolicyDocument {
  readonly Version: '2012-10-17';
  readonly Statement: readonly PolicyStatement[];
}

/**
 * IRSA trust: only the named ServiceAccounts, through the cluster's OIDC provider, for STS. Without
 * the `sub` condition any pod of the cluster could assume the role.
 */
export function irsaTrustPolicy(oidcProviderArn: string, accounts: readonly ServiceAccountRef[]): PolicyDocument {
  if (accounts.length === 0) throw new Error('irsaTrustPolicy: no ServiceAccount to trust');
  const issuer = oidcIssuerOf(oidcProviderArn);
  const subjects = accounts.map((a) => `system:serviceaccount:${a.namespace}:${a.name}`);
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'ServiceAccountViaClusterOidc',
        Effect: 'Allow',
        Principal: { Federated: oidcProviderArn },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: {
          StringEquals: {
            [`${issuer}:sub`]: subjects.length === 1 ? subjects[0]! : subjects,
            [`${issuer}:aud`]: 'sts.amazonaws.com',
          },
        },
      },
    ],
  };
}
