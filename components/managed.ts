/**
 * The managed mode of every store that has one, for the Pulumi program (kept apart from
 * components/index.ts so the chart never loads the AWS provider): what each environment asks AWS
 * for, the checks of the stack config it needs, and the resources that provide it.
 */
import type { Environment } from '../environments/schema/index.ts';
import type { ManagedEndpoint, ManagedStore, ManagedStoreContext, ManagedStoresArgs } from '../stacks/pulumi/managed-store.ts';
import { checkManagedOpenSearch, managedOpenSearchOf, provisionOpenSearch } from './elasticsearch/managed.ts';
import { managedPostgresOf, provisionRds } from './postgres/managed.ts';
import { checkManagedRedis, managedRedisOf, provisionElastiCache } from './redis/managed.ts';

/** The stores of `env.data` whose `mode` is `managed`, in store order, with the sizes AWS needs. */
export function managedStoresOf(env: Environment): ManagedStore[] {
  return [managedPostgresOf(env), managedRedisOf(env), managedOpenSearchOf(env)].filter((s): s is ManagedStore => s !== undefined);
}

/** Throws for a stack config that leaves `store` unprovisionable (a missing secret, too few zones). */
export function checkManagedStore(where: string, args: ManagedStoresArgs, store: ManagedStore): void {
  switch (store.engine) {
    case 'postgres':
      return;
    case 'redis':
      return checkManagedRedis(where, args, store);
    case 'opensearch':
      return checkManagedOpenSearch(where, args, store);
  }
}

export function provisionManagedStore(ctx: ManagedStoreContext, store: ManagedStore): ManagedEndpoint {
  switch (store.engine) {
    case 'postgres':
      return provisionRds(ctx, store);
    case 'redis':
      return provisionElastiCache(ctx, store);
    case 'opensearch':
      return provisionOpenSearch(ctx, store);
  }
}
