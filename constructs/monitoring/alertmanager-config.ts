/**
 * alertmanager.yml from receivers and a routing policy. Credentials are never in it: each receiver
 * reads its URL or key from a file of the mounted receivers Secret (`*_file` settings).
 *
 * Only fields that amtool 0.25 (Debian bookworm, which the tests run) accepts are written: it knows
 * `slack_configs.api_url_file` and `pagerduty_configs.routing_key_file` but not
 * `webhook_configs.url_file`, so a webhook's URL is plain configuration and its bearer token is
 * the secret (`http_config.authorization.credentials_file`).
 */
import type { Duration } from 'cdk8s';
import { promDuration } from './units.ts';

export type AlertReceiver =
  | { readonly name: string; readonly type: 'slack'; readonly channel: string }
  | { readonly name: string; readonly type: 'pagerduty' }
  | { readonly name: string; readonly type: 'webhook'; readonly url: string };

export interface AlertRouting {
  /** Receiver of anything no other route takes. */
  readonly default: string;
  /** Receiver of `severity=critical` (in addition to a component's receiver). */
  readonly critical: string;
  /** Receiver of `severity=warning` when no component route takes it. */
  readonly warning: string;
  /** Receiver by `component` label. @default - none */
  readonly components?: Readonly<Record<string, string>>;
}

export interface AlertmanagerConfigProps {
  readonly receivers: readonly AlertReceiver[];
  readonly routing: AlertRouting;
  readonly groupWait: Duration;
  readonly groupInterval: Duration;
  readonly repeatInterval: { readonly critical: Duration; readonly warning: Duration };
  /** Directory the receivers Secret is mounted at. */
  readonly secretsDir: string;
}

/** Labels an alert and its twin share; a critical alert silences a warning one only when all match. */
export const INHIBIT_EQUAL = ['alertname', 'namespace', 'job', 'instance'] as const;

/** Key of the receivers Secret holding a receiver's credential. */
export function receiverSecretKey(r: AlertReceiver): string {
  switch (r.type) {
    case 'slack':
      return `${r.name}-slack-api-url`;
    case 'pagerduty':
      return `${r.name}-pagerduty-routing-key`;
    case 'webhook':
      return `${r.name}-webhook-token`;
  }
}

function receiverConfig(r: AlertReceiver, dir: string): Record<string, unknown> {
  const file = `${dir}/${receiverSecretKey(r)}`;
  switch (r.type) {
    case 'slack':
      return { name: r.name, slack_configs: [{ api_url_file: file, channel: r.channel, send_resolved: true }] };
    case 'pagerduty':
      return { name: r.name, pagerduty_configs: [{ routing_key_file: file, send_resolved: true }] };
    case 'webhook':
      return {
        name: r.name,
        webhook_configs: [{ url: r.url, send_resolved: true, http_config: { authorization: { type: 'Bearer', credentials_file: file } } }],
      };
  }
}

export function alertmanagerConfig(p: AlertmanagerConfigProps): Record<string, unknown> {
  const names = p.receivers.map((r) => r.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) throw new Error(`alertmanagerConfig: receiver ${JSON.stringify(dup)} is defined twice`);
  const components = p.routing.components ?? {};
  const refs = { default: p.routing.default, critical: p.routing.critical, warning: p.routing.warning, ...components };
  for (const [route, receiver] of Object.entries(refs)) {
    if (!names.includes(receiver)) {
      throw new Error(`alertmanagerConfig: route ${route} names receiver ${JSON.stringify(receiver)}, which is not among the receivers (${names.join(', ')})`);
    }
  }
  const sortedComponents = Object.keys(components).sort();
  return {
    route: {
      receiver: p.routing.default,
      group_by: ['alertname', 'namespace', 'component'],
      group_wait: promDuration(p.groupWait),
      group_interval: promDuration(p.groupInterval),
      repeat_interval: promDuration(p.repeatInterval.warning),
      routes: [
        // `continue`: a critical alert also reaches the team that owns its component.
        { matchers: ['severity="critical"'], receiver: p.routing.critical, repeat_interval: promDuration(p.repeatInterval.critical), continue: true },
        ...sortedComponents.map((c) => ({ matchers: [`component="${c}"`], receiver: components[c]! })),
        { matchers: ['severity="warning"'], receiver: p.routing.warning },
      ],
    },
    inhibit_rules: [{ source_matchers: ['severity="critical"'], target_matchers: ['severity="warning"'], equal: [...INHIBIT_EQUAL] }],
    receivers: [...p.receivers].sort((a, b) => (a.name < b.name ? -1 : 1)).map((r) => receiverConfig(r, p.secretsDir)),
  };
}
