/**
 * The shapes the managed stores share between the Pulumi program (stacks/pulumi/) and the store
 * modules that provision them (components/<store>/managed.ts). Types only.
 */
import type * as pulumi from '@pulumi/pulumi';

/** A data store Pulumi runs as an AWS service instead of an in-cluster workload. */
export type ManagedStore =
  | {
      readonly engine: 'postgres';
      /** Short name of the store, used in resource and output names. */
      readonly name: string;
      /** AWS identifier of the instance (unique per account and region). */
      readonly identifier: string;
      readonly instanceClass: string;
      readonly storageGiB: number;
      /** The database RDS creates; the others are created by the data tier's init job. */
      readonly database: string;
      readonly username: string;
    }
  | { readonly engine: 'redis'; readonly name: string; readonly identifier: string; readonly nodeType: string }
  | { readonly engine: 'opensearch'; readonly name: string; readonly identifier: string; readonly instanceType: string; readonly volumeGiB: number };

export interface ManagedStoresArgs {
  readonly stores: readonly ManagedStore[];
  /** Names of every AWS resource start with it (the environment's namespace). */
  readonly prefix: string;
  readonly production: boolean;
  readonly accountId: string;
  readonly region: string;
  readonly vpcId: string | undefined;
  readonly subnetIds: readonly string[];
  /** The only source the stores accept connections from. */
  readonly clusterSecurityGroupId: string | undefined;
  readonly redisAuthToken?: pulumi.Output<string>;
  readonly opensearchMasterPassword?: pulumi.Output<string>;
  readonly tags: Record<string, string>;
}

export interface ManagedEndpoint {
  readonly engine: ManagedStore['engine'];
  readonly host: pulumi.Output<string>;
  readonly port: number;
  /** Postgres: the Secrets Manager secret RDS keeps the master password in (`manageMasterUserPassword`). */
  readonly masterSecretArn?: pulumi.Output<string | undefined>;
}

/** What a store's provisioner (components/<store>/managed.ts) builds with. */
export interface ManagedStoreContext {
  /** Name of the ManagedStores component; resource names start with it. */
  readonly name: string;
  readonly args: ManagedStoresArgs;
  /** The security group every store sits in. */
  readonly securityGroupId: pulumi.Output<string>;
  /** Options of every child resource. */
  readonly child: pulumi.CustomResourceOptions;
  /** Options of the store itself: protected and retained in production. */
  readonly keep: pulumi.CustomResourceOptions;
  /** Admits the cluster's security group on `port`. */
  allowFromCluster(store: string, port: number): void;
}

