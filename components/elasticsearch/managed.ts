/**
 * Elasticsearch's managed counterpart, Amazon OpenSearch Service (`data.elasticsearch.mode:
 * managed`), provisioned by the Pulumi program: in the VPC, HTTPS only, encrypted, fine-grained
 * access control with the master password from the stack's secret config, and in production one
 * node per zone across three zones.
 */
import * as aws from '@pulumi/aws';
import type * as pulumi from '@pulumi/pulumi';
import type { Environment } from '../../environments/schema/index.ts';
import type { ManagedEndpoint, ManagedStore, ManagedStoreContext, ManagedStoresArgs } from '../../stacks/pulumi/managed-store.ts';

const HTTPS_PORT = 443;
/**
 * Zones of a production OpenSearch domain, one node and one subnet each. Three, not two: with two
 * zones OpenSearch wants an even number of data nodes, and three nodes keep a quorum when a zone fails.
 */
export const OPENSEARCH_PRODUCTION_ZONES = 3;
/** OpenSearch domain names are at most 28 characters. */
const MAX_DOMAIN_NAME = 28;

export type ManagedOpenSearch = Extract<ManagedStore, { engine: 'opensearch' }>;

/** The OpenSearch domain `env` asks for, if its Elasticsearch is managed and enabled. */
export function managedOpenSearchOf(env: Environment): ManagedOpenSearch | undefined {
  const elasticsearch = env.data.elasticsearch;
  if (elasticsearch.mode !== 'managed' || !elasticsearch.enabled) return undefined;
  return {
    engine: 'opensearch',
    name: 'search',
    identifier: `${env.namespace}-os`,
    instanceType: elasticsearch.instanceClass ?? (env.production ? 'r6g.large.search' : 't3.medium.search'),
    volumeGiB: env.production ? 100 : 20,
  };
}

function masterPasswordOf(where: string, args: ManagedStoresArgs, store: ManagedOpenSearch): pulumi.Output<string> {
  if (!args.opensearchMasterPassword) throw new Error(`${where}: store ${store.name}: set the master password with pulumi config set --secret opensearchMasterPassword <password>`);
  return args.opensearchMasterPassword;
}

export function checkManagedOpenSearch(where: string, args: ManagedStoresArgs, store: ManagedOpenSearch): void {
  if (args.production && args.subnetIds.length < OPENSEARCH_PRODUCTION_ZONES) {
    throw new Error(
      `${where}: store ${store.name}: privateSubnetIds has ${args.subnetIds.length} subnet(s); a production OpenSearch domain spans ${OPENSEARCH_PRODUCTION_ZONES} zones, ` +
        `one subnet each (pulumi config set --path 'privateSubnetIds[${args.subnetIds.length}]' subnet-...)`,
    );
  }
  if (store.identifier.length > MAX_DOMAIN_NAME) throw new Error(`${where}: store ${store.name}: domain name ${JSON.stringify(store.identifier)} is longer than OpenSearch's ${MAX_DOMAIN_NAME} characters`);
  masterPasswordOf(where, args, store);
}

export function provisionOpenSearch(ctx: ManagedStoreContext, store: ManagedOpenSearch): ManagedEndpoint {
  const id = store.identifier;
  const { production, tags } = ctx.args;
  const masterPassword = masterPasswordOf(`ManagedStores ${ctx.name}`, ctx.args, store);
  ctx.allowFromCluster(store.name, HTTPS_PORT);
  const zones = production ? OPENSEARCH_PRODUCTION_ZONES : 1;
  const domain = new aws.opensearch.Domain(
    `${ctx.name}-${store.name}`,
    {
      domainName: id,
      engineVersion: 'OpenSearch_2.19',
      clusterConfig: {
        instanceType: store.instanceType,
        instanceCount: zones,
        zoneAwarenessEnabled: production,
        ...(production ? { zoneAwarenessConfig: { availabilityZoneCount: zones } } : {}),
      },
      ebsOptions: { ebsEnabled: true, volumeSize: store.volumeGiB, volumeType: 'gp3' },
      encryptAtRest: { enabled: true },
      nodeToNodeEncryption: { enabled: true },
      domainEndpointOptions: { enforceHttps: true, tlsSecurityPolicy: 'Policy-Min-TLS-1-2-PFS-2023-10' },
      vpcOptions: { subnetIds: ctx.args.subnetIds.slice(0, zones), securityGroupIds: [ctx.securityGroupId] },
      advancedSecurityOptions: {
        enabled: true,
        internalUserDatabaseEnabled: true,
        masterUserOptions: { masterUserName: 'agent-platform', masterUserPassword: masterPassword },
      },
      snapshotOptions: { automatedSnapshotStartHour: 2 },
      // Fine-grained access control decides per user; the resource policy only keeps other accounts out.
      accessPolicies: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { AWS: `arn:aws:iam::${ctx.args.accountId}:root` },
            Action: 'es:ESHttp*',
            Resource: `arn:aws:es:${ctx.args.region}:${ctx.args.accountId}:domain/${id}/*`,
          },
        ],
      }),
      tags,
    },
    ctx.keep,
  );
  return { engine: 'opensearch', host: domain.endpoint, port: HTTPS_PORT };
}
