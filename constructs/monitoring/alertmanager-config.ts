/**
 * alertmanager.yml from receivers and a routing policy. Credentials are never in it: each receiver
 * reads its URL or key from a file of the mounted receivers Secret (`*_file` settings).
 *
 * The tests check it with amtool at the deployed Alertmanager's version (tools/go-tools/pins.ts).
 * A webhook's URL is plain configuration and its bearer token is the secret
 * (`http_config.authorization.credentials_file`).
 */
import type { Duration } from 'cdk8s';
import { promDuration } from '../../kube/duration.ts';

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

/**
 * Who gets which alerts, how they are batched, and where the receivers' credentials come from:
 * shared by the Alertmanager StatefulSet and the operator's AlertmanagerConfig.
 */
export interface AlertDeliveryProps {
  readonly receivers: readonly AlertReceiver[];
  readonly routing: AlertRouting;
  /** @default Duration.seconds(30) */
  readonly groupWait?: Duration;
  /** @default Duration.minutes(5) */
  readonly groupInterval?: Duration;
  /** @default { critical: Duration.hours(1), warning: Duration.hours(12) } */
  readonly repeatInterval?: { readonly critical: Duration; readonly warning: Duration };
  /** Store and remote key the receivers' credentials are read from. */
  readonly secretStore: { readonly kind: 'ClusterSecretStore' | 'SecretStore'; readonly name: string };
  readonly remoteKey: string;
  /** @default '1h' */
  readonly refreshInterval?: string;
}

/** The routing part of {@link AlertDeliveryProps}, every interval resolved: what the rendered configuration reads. */
export type AlertRoutingPlan = Required<Pick<AlertDeliveryProps, 'receivers' | 'routing' | 'groupWait' | 'groupInterval' | 'repeatInterval'>>;

/** Labels an alert and its twin share; a critical alert silences a warning one only when all match. */
const INHIBIT_EQUAL = ['alertname', 'namespace', 'job', 'instance'] as const;

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

/** One child route: label equalities, where matching alerts go, and how often they repeat. */
interface PlannedRoute {
  readonly match: readonly (readonly [string, string])[];
  readonly receiver: string;
  readonly repeatInterval?: Duration;
  readonly continue?: boolean;
}

/** The routing policy both renderings share (our Alertmanager's file, the operator's CRD). */
interface RoutePlan {
  readonly receiver: string;
  readonly groupBy: readonly string[];
  readonly routes: readonly PlannedRoute[];
  readonly inhibit: { readonly source: readonly [string, string]; readonly target: readonly [string, string]; readonly equal: readonly string[] };
}

function routePlan(p: Pick<AlertRoutingPlan, 'receivers' | 'routing' | 'repeatInterval'>, caller: string): RoutePlan {
  const names = p.receivers.map((r) => r.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) throw new Error(`${caller}: receiver ${JSON.stringify(dup)} is defined twice`);
  const components = p.routing.components ?? {};
  const refs = { default: p.routing.default, critical: p.routing.critical, warning: p.routing.warning, ...components };
  for (const [route, receiver] of Object.entries(refs)) {
    if (!names.includes(receiver)) {
      throw new Error(`${caller}: route ${route} names receiver ${JSON.stringify(receiver)}, which is not among the receivers (${names.join(', ')})`);
    }
  }
  return {
    receiver: p.routing.default,
    groupBy: ['alertname', 'namespace', 'component'],
    routes: [
      // `continue`: a critical alert also reaches the team that owns its component.
      { match: [['severity', 'critical']], receiver: p.routing.critical, repeatInterval: p.repeatInterval.critical, continue: true },
      ...Object.keys(components)
        .sort()
        .map((c): PlannedRoute => ({ match: [['component', c]], receiver: components[c]! })),
      { match: [['severity', 'warning']], receiver: p.routing.warning },
    ],
    inhibit: { source: ['severity', 'critical'], target: ['severity', 'warning'], equal: INHIBIT_EQUAL },
  };
}

const byName = <T extends { readonly name: string }>(a: T, b: T) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

export function alertmanagerConfig(p: AlertRoutingPlan & { /** Directory the receivers Secret is mounted at. */ readonly secretsDir: string }): Record<string, unknown> {
  const plan = routePlan(p, 'alertmanagerConfig');
  const matchers = (m: readonly (readonly [string, string])[]) => m.map(([k, v]) => `${k}="${v}"`);
  return {
    route: {
      receiver: plan.receiver,
      group_by: [...plan.groupBy],
      group_wait: promDuration(p.groupWait),
      group_interval: promDuration(p.groupInterval),
      repeat_interval: promDuration(p.repeatInterval.warning),
      routes: plan.routes.map((r) => ({
        matchers: matchers(r.match),
        receiver: r.receiver,
        ...(r.repeatInterval ? { repeat_interval: promDuration(r.repeatInterval) } : {}),
        ...(r.continue ? { continue: true } : {}),
      })),
    },
    inhibit_rules: [{ source_matchers: matchers([plan.inhibit.source]), target_matchers: matchers([plan.inhibit.target]), equal: [...plan.inhibit.equal] }],
    receivers: [...p.receivers].sort(byName).map((r) => receiverConfig(r, p.secretsDir)),
  };
}

/**
 * The same policy as a Prometheus Operator `AlertmanagerConfig` spec (v1alpha1), for clusters whose
 * Alertmanager the operator runs. Credentials are references to keys of `secretName`; the operator
 * reads them and confines every route to this object's namespace.
 */
export function alertmanagerConfigSpec(p: AlertRoutingPlan, secretName: string): Record<string, unknown> {
  const plan = routePlan(p, 'alertmanagerConfigSpec');
  const matchers = (m: readonly (readonly [string, string])[]) => m.map(([name, value]) => ({ name, value, matchType: '=' }));
  const key = (r: AlertReceiver) => ({ name: secretName, key: receiverSecretKey(r) });
  return {
    route: {
      receiver: plan.receiver,
      groupBy: [...plan.groupBy],
      groupWait: promDuration(p.groupWait),
      groupInterval: promDuration(p.groupInterval),
      repeatInterval: promDuration(p.repeatInterval.warning),
      routes: plan.routes.map((r) => ({
        matchers: matchers(r.match),
        receiver: r.receiver,
        ...(r.repeatInterval ? { repeatInterval: promDuration(r.repeatInterval) } : {}),
        ...(r.continue ? { continue: true } : {}),
      })),
    },
    inhibitRules: [{ sourceMatch: matchers([plan.inhibit.source]), targetMatch: matchers([plan.inhibit.target]), equal: [...plan.inhibit.equal] }],
    receivers: [...p.receivers].sort(byName).map((r) => {
      switch (r.type) {
        case 'slack':
          return { name: r.name, slackConfigs: [{ apiURL: key(r), channel: r.channel, sendResolved: true }] };
        case 'pagerduty':
          return { name: r.name, pagerdutyConfigs: [{ routingKey: key(r), sendResolved: true }] };
        case 'webhook':
          return { name: r.name, webhookConfigs: [{ url: r.url, sendResolved: true, httpConfig: { authorization: { type: 'Bearer', credentials: key(r) } } }] };
      }
    }),
  };
}
