/**
 * `data.elasticsearch` of an environment: nodes in a StatefulSet (`statefulset`) or Amazon
 * OpenSearch (`managed`, provisioned by the Pulumi program from the same block); off with `enabled: false`.
 */
import { z } from 'zod';
import { resources } from '../../environments/schema/common.ts';
import { endpoint, instanceClass, storage } from '../../environments/schema/store-blocks.ts';

/** An Elasticsearch index pattern needing no escaping in JSON; index names are lower case. */
const indexPattern = z.string().max(255).regex(/^[a-z0-9*][a-z0-9._*-]*$/, 'a lower-case index pattern like "ai-agent-*"');
/** filebeat's daily `ai-agent-%{+yyyy.MM.dd}` (docs/design-inputs.md). */
const LOG_INDICES = 'ai-agent-*';

export const elasticsearch = z.discriminatedUnion('mode', [
  z.strictObject({
    /** Elasticsearch nodes in a StatefulSet, every node master-eligible and data. */
    mode: z.literal('statefulset'),
    /** Render it at all; the service runs without search. @default true */
    enabled: z.boolean().default(true),
    /** 1 (dev) or at least 3: two master-eligible nodes cannot elect a master after losing one. @default 1 */
    nodes: z.number().int().min(1).max(15).default(1),
    resources: resources.default({ requests: { cpu: '500m', memory: '2Gi' }, limits: { cpu: '1000m', memory: '2Gi' } }),
    /** Data volume of each node. @default { size: '30Gi' } */
    storage: storage.default({ size: '30Gi' }),
    /**
     * Indices holding the service's logs (filebeat's daily `ai-agent-%{+yyyy.MM.dd}`, docs/design-inputs.md):
     * Grafana's logs datasource searches them, and its read-only user (`grafana_logs`, role
     * `logs_reader`, created by the `elasticsearch-init` Job) may read these and nothing else.
     * @default 'ai-agent-*'
     */
    logIndexPattern: indexPattern.default(LOG_INDICES),
    /**
     * Indices the service owns: its user (`agent_service`, created by the `elasticsearch-init` Job)
     * may read and write these and nothing else, so `ELASTICSEARCH_URL` never carries `elastic`.
     * The design names one index of the service's, its log index `ai-agent-%{+yyyy.MM.dd}` (docs/design-inputs.md);
     * no log shipper is deployed, so the service writes it itself.
     * @default ['ai-agent-*']
     */
    serviceIndexPatterns: z.array(indexPattern).min(1).max(20).default([LOG_INDICES]),
  }),
  z.strictObject({
    /** Amazon OpenSearch Service (provisioned by the Pulumi program); nothing is rendered. */
    mode: z.literal('managed'),
    /** @default true */
    enabled: z.boolean().default(true),
    endpoint: endpoint(443),
    instanceClass: instanceClass.optional(),
  }),
], { error: 'a mode of "statefulset" or "managed"' }).prefault({ mode: 'statefulset' });
export type ElasticsearchSettings = z.infer<typeof elasticsearch>;

/** Cross-field rules of `data.elasticsearch`; called from the data schema's checks. */
export function checkElasticsearch(es: ElasticsearchSettings, production: boolean, ctx: z.RefinementCtx): void {
  if (es.mode === 'statefulset' && es.nodes === 2) {
    ctx.addIssue({
      code: 'custom',
      path: ['data', 'elasticsearch', 'nodes'],
      input: es.nodes,
      message: '1 or at least 3 nodes (two master-eligible nodes cannot elect a master after losing one)',
    });
  }
  if (production && es.mode === 'statefulset' && es.enabled && es.nodes < 3) {
    ctx.addIssue({
      code: 'custom',
      path: ['data', 'elasticsearch', 'nodes'],
      input: es.nodes,
      message: 'at least 3 nodes in production',
    });
  }
}
