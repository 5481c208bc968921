/**
 * The secret-store side of `gitops` delivery: one AWS Secrets Manager entry per remote key the
 * environment's ExternalSecrets name, and the IRSA role External Secrets Operator reads them with.
 * Only names are created here; values are put in by people (`aws secretsmanager put-secret-value`),
 * so no secret value exists in code, state or git.
 */
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import type { ServiceAccountRef } from './aws-needs.ts';
import type { PolicyDocument } from './iam-documents.ts';
import { IrsaRole } from './irsa-role.ts';
import { FIXED_NAME } from './fixed-names.ts';

export interface SecretStoreEntriesArgs {
  /** Names of the Secrets Manager entries, e.g. `agent-platform/prod/service`. */
  readonly secretNames: readonly string[];
  readonly roleName: string;
  readonly oidcProviderArn: string;
  /** The ServiceAccount External Secrets Operator authenticates to AWS as for this environment. */
  readonly serviceAccount: ServiceAccountRef;
  /** Production waits 30 days before a deleted secret is gone, others 7. */
  readonly production: boolean;
  readonly tags: Record<string, string>;
}

/** Read-only access to exactly these secrets: no listing, no writing, no other secret of the account. */
function secretReaderPolicy(secretArns: readonly pulumi.Input<string>[]): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'ReadEnvironmentSecrets',
        Effect: 'Allow',
        Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
        Resource: secretArns,
      },
    ],
  };
}

export class SecretStoreEntries extends pulumi.ComponentResource {
  readonly secrets: ReadonlyMap<string, aws.secretsmanager.Secret>;
  readonly readerRoleArn: pulumi.Output<string>;

  constructor(name: string, args: SecretStoreEntriesArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super('agent-platform:aws:SecretStoreEntries', name, {}, opts);
    if (args.secretNames.length === 0) throw new Error(`SecretStoreEntries ${name}: secretNames is empty (no ExternalSecret names a remote key)`);
    const child = { parent: this };
    const secrets = new Map<string, aws.secretsmanager.Secret>();
    for (const secretName of [...args.secretNames].sort()) {
      secrets.set(
        secretName,
        new aws.secretsmanager.Secret(
          `secret/${secretName}`,
          {
            name: secretName,
            description: 'Read by External Secrets Operator; the value is set outside Pulumi.',
            recoveryWindowInDays: args.production ? 30 : 7,
            tags: args.tags,
          },
          // A deleted secret keeps its name through the recovery window, so a replacement under the
          // same name waits for it; only a rename replaces, and then the names differ.
          { ...child, ...FIXED_NAME, protect: args.production },
        ),
      );
    }
    this.secrets = secrets;
    const reader = new IrsaRole(
      `${name}-reader`,
      {
        roleName: args.roleName,
        description: `External Secrets Operator (${args.serviceAccount.namespace}/${args.serviceAccount.name}) reads this environment's secrets`,
        oidcProviderArn: args.oidcProviderArn,
        serviceAccounts: [args.serviceAccount],
        policy: secretReaderPolicy([...secrets.values()].map((s) => s.arn)),
        tags: args.tags,
      },
      child,
    );
    this.readerRoleArn = reader.arn;
    this.registerOutputs({ readerRoleArn: this.readerRoleArn });
  }
}
