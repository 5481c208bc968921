/**
 * `awsResources: external`: the environment's AWS resources are provisioned outside this stack, and
 * the program registers no AWS resource. That is a supported configuration only where nothing the
 * stack applies depends on an AWS resource the program would have created; this check says which
 * field of the environment or the stack stands in the way, before anything is registered.
 *
 * What the cluster then relies on comes from the environment data, as it does for Argo CD: the
 * backup ServiceAccounts carry `data.backup.roleArn` as rendered, the bucket is `data.backup.bucket`.
 */
import type { Environment } from '../../environments/schema/index.ts';
import type { AwsNeeds } from './aws-needs.ts';

/** Environment fields whose `managed` mode makes the program create a store on AWS. */
const MANAGED_FIELD: Readonly<Record<AwsNeeds['managedStores'][number]['engine'], string>> = {
  postgres: 'data.postgres.mode',
  redis: 'data.redis.mode',
  opensearch: 'data.elasticsearch.mode',
};

/** Throws, naming the file, field and value, when `external` cannot hold for `env`. */
export function checkExternalAws(env: Environment, needs: AwsNeeds, stack: string): void {
  const where = `stack ${stack}: awsResources is external (Pulumi.${stack}.yaml), so the program registers no AWS resource`;
  if (env.delivery !== 'pulumi') {
    throw new Error(`${where}; with environments/${env.name}.yaml delivery ${JSON.stringify(env.delivery)} it would register nothing at all: set delivery: pulumi or awsResources pulumi`);
  }
  const store = needs.managedStores[0];
  if (store) {
    throw new Error(
      `${where}, but environments/${env.name}.yaml ${MANAGED_FIELD[store.engine]} is "managed", a store only this stack creates: ` +
        'run the store in the cluster or set awsResources pulumi',
    );
  }
  if (needs.backup.serviceAccounts.length > 0 && env.data.backup.roleArn === undefined) {
    const accounts = needs.backup.serviceAccounts.map((sa) => `${sa.namespace}/${sa.name}`).join(', ');
    throw new Error(
      `${where}, but environments/${env.name}.yaml data.backup.roleArn is not set, so the backup ServiceAccounts (${accounts}) ` +
        'would assume no role: name the role provisioned outside this stack there',
    );
  }
}
