/**
 * An External Secrets `ClusterSecretStore` backed by AWS Secrets Manager, authenticated with IRSA:
 * the store's own ServiceAccount carries the IAM role, so each environment reads only what its role
 * allows and no AWS key exists anywhere. The ServiceAccount lives in the operator's namespace,
 * where the operator requests tokens for it.
 */
import { CustomResource } from './custom-resource.ts';
import type { IClusterSecretStore } from '@kubernetes-models/external-secrets/external-secrets.io/v1/ClusterSecretStore';
import { Construct } from 'constructs';
import { k8s } from './k8s.ts';
import { componentLabels } from './labels.ts';

export interface AwsClusterSecretStoreProps {
  /** Name ExternalSecrets refer to in `secretStoreRef`. */
  readonly name: string;
  /** AWS region of the secrets. */
  readonly region: string;
  /** IAM role assumed through IRSA (`eks.amazonaws.com/role-arn`). */
  readonly roleArn: string;
  /** Namespace of External Secrets Operator, where the store's ServiceAccount lives. */
  readonly operatorNamespace: string;
  /**
   * Namespaces whose ExternalSecrets may use the store; without this any namespace could read
   * this environment's secrets.
   */
  readonly allowedNamespaces: readonly string[];
}

/**
 * The ServiceAccount the store `storeName` authenticates as: the IAM role's trust policy (Pulumi,
 * stacks/pulumi/aws-needs.ts) names exactly this account.
 */
export function storeServiceAccount(storeName: string, operatorNamespace: string): { readonly namespace: string; readonly name: string } {
  return { namespace: operatorNamespace, name: `${storeName}-store` };
}

export class AwsClusterSecretStore extends Construct {
  readonly name: string;

  constructor(scope: Construct, id: string, props: AwsClusterSecretStoreProps) {
    super(scope, id);
    if (!/^arn:aws(-[a-z]+)?:iam::[0-9]{12}:role\/.+$/.test(props.roleArn)) {
      throw new Error(`AwsClusterSecretStore ${props.name}: roleArn ${JSON.stringify(props.roleArn)} is not an IAM role ARN`);
    }
    if (props.allowedNamespaces.length === 0) throw new Error(`AwsClusterSecretStore ${props.name}: allowedNamespaces is empty (the store would be usable by no one)`);
    this.name = props.name;
    const serviceAccount = storeServiceAccount(props.name, props.operatorNamespace).name;
    const labels = componentLabels(props.name, 'secrets');
    new k8s.KubeServiceAccount(this, 'service-account', {
      metadata: { name: serviceAccount, namespace: props.operatorNamespace, labels, annotations: { 'eks.amazonaws.com/role-arn': props.roleArn } },
      // Only the operator's TokenRequest uses this account; no pod mounts it.
      automountServiceAccountToken: false,
    });
    new CustomResource<IClusterSecretStore>(this, 'cluster-secret-store', {
      apiVersion: 'external-secrets.io/v1',
      kind: 'ClusterSecretStore',
      metadata: { name: props.name, labels },
      spec: {
        conditions: [{ namespaces: [...props.allowedNamespaces].sort() }],
        provider: {
          aws: {
            service: 'SecretsManager',
            region: props.region,
            auth: { jwt: { serviceAccountRef: { name: serviceAccount, namespace: props.operatorNamespace } } },
          },
        },
      },
    });
  }
}
