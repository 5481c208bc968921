/**
 * Every store module, in the order the data tier composes them: the service's settings, secret
 * keys and URLs, scrape jobs and network rules follow this order. Adding a store is adding its
 * folder and a line here (docs/adding-a-component.md).
 */
import { elasticsearchStore } from './elasticsearch/index.ts';
import { postgresStore } from './postgres/index.ts';
import { redisStore } from './redis/index.ts';
import type { StoreModule } from './store.ts';

export const STORES: readonly StoreModule[] = [postgresStore, redisStore, elasticsearchStore];
