/**
 * What every tier of one chart shares, built once from the environment: the cluster DNS and the
 * internet as network peers, and where secrets come from. Tiers read these instead of each
 * rebuilding the same peers from `env.network` and the same store reference from `env.secrets`.
 */
import type { Environment } from '../environments/schema/index.ts';
import type { ExternalPeer } from '../constructs/external-peer.ts';
import type { ExternalSecretProps } from '../constructs/external-secret.ts';

/** The store, remote key and refresh interval of one remote secret (`<prefix>/<part>`). */
export type SecretSource = Pick<ExternalSecretProps, 'store' | 'remoteKey' | 'refreshInterval'>;

export interface ChartContext {
  readonly env: Environment;
  /** The cluster DNS every egress policy allows (`network.dnsNamespace`, `network.dnsPodLabel`). */
  readonly dns: ExternalPeer;
  /**
   * Public addresses (LLM providers, S3, STS, notification services): private ranges and the cloud
   * metadata service stay unreachable (`network.internetEgressExcept`).
   */
  readonly internet: ExternalPeer;
  /** The environment's remote secret `<secrets.remoteKeyPrefix>/<part>`. */
  secretSource(part: string): SecretSource;
}

export function chartContext(env: Environment): ChartContext {
  return {
    env,
    dns: { name: 'cluster DNS', namespace: env.network.dnsNamespace, podLabels: env.network.dnsPodLabel },
    internet: { name: 'internet', ipBlock: { cidr: '0.0.0.0/0', except: env.network.internetEgressExcept } },
    secretSource: (part) => ({ store: env.secrets.store, remoteKey: `${env.secrets.remoteKeyPrefix}/${part}`, refreshInterval: env.secrets.refreshInterval }),
  };
}
