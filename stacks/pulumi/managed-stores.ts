/**
 * Data stores run as AWS services for environments that prefer them to in-cluster workloads:
 * RDS for PostgreSQL 16 (pgvector allowed), ElastiCache for Redis, OpenSearch. Every one is
 * private (in the given subnets, reachable only from the cluster's security group), encrypted at
 * rest and in transit, backed up, and in production deletion-protected and multi-zone.
 *
 * Passwords: RDS manages the Postgres master password in Secrets Manager itself
 * (`manageMasterUserPassword`); the Redis auth token and the OpenSearch master password come from
 * the stack's secret config. None is ever in code.
 */
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import type { ManagedEndpoint, ManagedStoreContext, ManagedStoresArgs } from './managed-store.ts';

export type { ManagedEndpoint, ManagedStoreContext, ManagedStoresArgs } from './managed-store.ts';
import { FIXED_NAME } from './fixed-names.ts';
import { checkManagedStore, provisionManagedStore } from '../../components/managed.ts';

/** RDS and ElastiCache subnet groups need subnets in at least two zones. */
const MIN_SUBNETS = 2;

/**
 * Throws for what would make the stores unreachable or unsafe. Called by the program before it
 * registers anything, so a bad stack config fails fast instead of half-way through an update.
 */
export function checkManagedStores(name: string, args: ManagedStoresArgs): void {
  if (args.stores.length === 0) return;
  const where = `ManagedStores ${name}`;
  if (!args.vpcId) throw new Error(`${where}: vpcId is not set (pulumi config set vpcId vpc-...); managed stores need a network`);
  if (args.subnetIds.length < MIN_SUBNETS) {
    throw new Error(`${where}: privateSubnetIds has ${args.subnetIds.length} subnet(s); RDS and ElastiCache need at least ${MIN_SUBNETS} in different zones`);
  }
  if (!args.clusterSecurityGroupId) throw new Error(`${where}: clusterSecurityGroupId is not set; without it nothing could reach the stores`);
  for (const store of args.stores) checkManagedStore(where, args, store);
}

export class ManagedStores extends pulumi.ComponentResource {
  /** Endpoints, by store name, for the environment's connection settings. */
  readonly endpoints: ReadonlyMap<string, ManagedEndpoint>;

  constructor(name: string, args: ManagedStoresArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super('agent-platform:aws:ManagedStores', name, {}, opts);
    const endpoints = new Map<string, ManagedEndpoint>();
    this.endpoints = endpoints;
    if (args.stores.length === 0) {
      this.registerOutputs({});
      return;
    }
    checkManagedStores(name, args);
    const clusterSg = args.clusterSecurityGroupId!;
    const { production, prefix, tags } = args;
    const child = { parent: this, ...FIXED_NAME };
    // Production's stores outlive a mistaken `pulumi destroy`; Pulumi refuses to delete them.
    const keep = { ...child, protect: production, retainOnDelete: production };

    const sg = new aws.ec2.SecurityGroup(`${name}-data-stores`, { name: `${prefix}-data-stores`, description: `Managed data stores of ${prefix}`, vpcId: args.vpcId, tags }, child);
    const allowFromCluster = (store: string, port: number) => {
      new aws.vpc.SecurityGroupIngressRule(
        `${name}-${store}-from-cluster`,
        { securityGroupId: sg.id, referencedSecurityGroupId: clusterSg, ipProtocol: 'tcp', fromPort: port, toPort: port, description: `${store} from the cluster`, tags },
        child,
      );
    };

    const ctx: ManagedStoreContext = { name, args, securityGroupId: sg.id, child, keep, allowFromCluster };
    for (const store of args.stores) endpoints.set(store.name, provisionManagedStore(ctx, store));
    this.registerOutputs({});
  }
}
