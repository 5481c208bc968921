/**
 * The ServiceAccount backup and restore pods run as. With a role ARN it carries the IRSA
 * annotation, so the AWS CLI gets short-lived credentials for the backup bucket and no key is
 * stored anywhere; the IAM role's trust policy must name this ServiceAccount.
 */
import { Construct } from 'constructs';
import { k8s } from './k8s.ts';
import { componentLabels } from './labels.ts';

export interface BackupServiceAccountProps {
  readonly name: string;
  /**
   * IAM role to assume through IRSA (`eks.amazonaws.com/role-arn`).
   * @default - none: credentials come from a secret reference instead
   */
  readonly roleArn?: string;
}

export class BackupServiceAccount extends Construct {
  readonly serviceAccountName: string;
  readonly roleArn?: string;

  constructor(scope: Construct, id: string, props: BackupServiceAccountProps) {
    super(scope, id);
    if (props.roleArn !== undefined && !/^arn:aws[a-z-]*:iam::[0-9]{12}:role\/.+$/.test(props.roleArn)) {
      throw new Error(`BackupServiceAccount ${props.name}: roleArn ${JSON.stringify(props.roleArn)} is not an IAM role ARN`);
    }
    this.serviceAccountName = props.name;
    this.roleArn = props.roleArn;
    new k8s.KubeServiceAccount(this, 'service-account', {
      metadata: {
        name: props.name,
        labels: componentLabels(props.name, 'backup'),
        annotations: props.roleArn ? { 'eks.amazonaws.com/role-arn': props.roleArn } : undefined,
      },
      // The projected IRSA token is mounted by EKS's webhook on its own; the Kubernetes API token is not needed.
      automountServiceAccountToken: false,
    });
  }
}
