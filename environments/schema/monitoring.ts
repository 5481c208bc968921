/**
 * The monitoring tier of an environment: how Prometheus runs (our own StatefulSet, or an existing
 * Prometheus Operator), its retention, where Alertmanager sends what, and Grafana's size.
 * Which jobs and alerts exist is not configured here: it follows from the components rendered.
 */
import { Duration, type Size } from 'cdk8s';
import { z } from 'zod';
import { durationSeconds, WHOLE_UNIT_DURATION } from '../../kube/duration.ts';
import { binaryQuantity, sizeOf } from '../../kube/quantity.ts';
import { cidr } from './cidr.ts';
import { labels } from './label.ts';
import { withoutCredentials } from './url-credentials.ts';
import { dnsLabel, memoryQuantity, resources } from './common.ts';

/** A Prometheus/Go duration made of whole units, e.g. `15s`, `5m`, `200h`, `1h30m` (kube/duration.ts reads it). */
export const promDuration = z.string().regex(WHOLE_UNIT_DURATION, 'a duration like "15s", "5m" or "200h"');

/**
 * A {@link promDuration} read as a typed value: environment files write `15s`, the stacks and
 * constructs receive a cdk8s `Duration` and convert nothing.
 */
const duration = (fallback: string) => promDuration.default(fallback).transform((d): Duration => Duration.seconds(durationSeconds(d)));

/** A size read as a typed value (cdk8s `Size`, whole kibibytes rounded up), from a Kubernetes quantity. */
const size = (fallback: string) => memoryQuantity.default(fallback).transform((q): Size => sizeOf(q));

const receiverName = dnsLabel;

/** Where alerts go. Every credential (Slack URL, PagerDuty key, webhook token) is read from the secret store, never written here. */
export const receiver = z.discriminatedUnion('type', [
  z.strictObject({
    name: receiverName,
    type: z.literal('slack'),
    /** Channel the incoming-webhook posts to, e.g. `#agent-platform-alerts`. */
    channel: z.string().regex(/^[#@][A-Za-z0-9_.-]+$/, 'a Slack channel like "#alerts"'),
  }),
  z.strictObject({
    name: receiverName,
    type: z.literal('pagerduty'),
  }),
  z.strictObject({
    name: receiverName,
    type: z.literal('webhook'),
    /** Endpoint of the webhook; not secret (its bearer token is, and comes from the store). */
    url: withoutCredentials(z.url({ protocol: /^https?$/ })),
  }),
]);
export type Receiver = z.infer<typeof receiver>;

const defaultResources = (cpu: string, memory: string, limit: string) => ({ requests: { cpu, memory }, limits: { memory: limit } });

export const monitoring = z
  .strictObject({
    /**
     * `plain`: our own Prometheus StatefulSet with a generated prometheus.yml and rule files.
     * `operator`: the cluster already runs the Prometheus Operator; jobs and rules are rendered as
     * ServiceMonitor and PrometheusRule objects for it, and its Prometheus and Alertmanager are used.
     */
    mode: z.enum(['plain', 'operator']).default('plain'),
    /** Base of every alert's `runbook_url` (`<base>/<alert-name-in-kebab-case>`). */
    runbookBaseUrl: withoutCredentials(z.url({ protocol: /^https$/ })),
    /** Default scrape interval (the guides', docs/design-inputs.md). */
    scrapeInterval: duration('15s'),
    /** Rule evaluation interval (the guides', docs/design-inputs.md). */
    evaluationInterval: duration('15s'),
    /**
     * Where the Kubernetes API is, for the NetworkPolicies of Prometheus's service discovery and
     * kube-state-metrics. The default allows any address, but only on the API ports and only for
     * those two workloads; narrow it to the control plane's range where it is known.
     */
    kubernetesApi: z
      .strictObject({
        cidrs: z.array(cidr).min(1).default(['0.0.0.0/0']),
        ports: z.array(z.number().int().min(1).max(65535)).min(1).default([443, 6443]),
      })
      .prefault({}),
    prometheus: z
      .strictObject({
        /** Independent replicas scraping the same targets; 2 survives a node loss without a gap. */
        replicas: z.number().int().min(1).max(3).default(1),
        /** Samples older than this are deleted (the guides' retention, docs/design-inputs.md). */
        retentionTime: duration('200h'),
        /** Size of the TSDB beyond which the oldest blocks are deleted; must leave headroom on the volume. */
        retentionSize: size('9Gi'),
        /** Size of the data volume. */
        storage: size('10Gi'),
        /** @default - `gitops.storage.defaultClass` */
        storageClassName: z.string().min(1).optional(),
        resources: resources.default(defaultResources('250m', '1Gi', '2Gi')),
      })
      .prefault({}),
    /**
     * Receivers and routes. `plain` mode runs our own Alertmanager with them (required); `operator`
     * mode hands them to the operator's Alertmanager as an AlertmanagerConfig (optional: without
     * it the cluster's own policy routes the alerts), where `replicas`, `storage` and `resources`
     * do not apply.
     */
    alertmanager: z.strictObject({
      /** More than one forms a gossip cluster that deduplicates notifications. */
      replicas: z.number().int().min(1).max(5).default(1),
      /** Volume for silences and the notification log. */
      storage: size('1Gi'),
      /** @default - `gitops.storage.defaultClass` */
      storageClassName: z.string().min(1).optional(),
      resources: resources.default(defaultResources('50m', '128Mi', '256Mi')),
      receivers: z.array(receiver).min(1),
      route: z.strictObject({
        /** Receiver of anything no other route takes. */
        default: receiverName,
        /** Receiver of `severity=critical`. */
        critical: receiverName,
        /** Receiver of `severity=warning`. */
        warning: receiverName,
        /**
         * Receivers by `component` label (postgres, redis, backup, ...): a team that owns a component
         * gets its alerts. A critical alert goes to the critical receiver as well.
         */
        components: z.record(z.string().regex(/^[a-z][a-z0-9-]*$/, 'a component name like "postgres"'), receiverName).default({}),
      }),
      /** Wait before the first notification of a new group, so related alerts arrive together. */
      groupWait: duration('30s'),
      /** Wait before notifying about alerts added to a group already notified. */
      groupInterval: duration('5m'),
      /** How often a still-firing alert is re-sent. */
      repeatInterval: z
        .strictObject({ critical: duration('1h'), warning: duration('12h') })
        .prefault({}),
    }).optional(),
    grafana: z
      .strictObject({
        resources: resources.default(defaultResources('100m', '256Mi', '512Mi')),
        /** Admin login name; the password comes from the secret store. */
        adminUser: z.string().regex(/^[a-z][a-z0-9_-]*$/, 'a user name like "admin"').default('admin'),
      })
      .prefault({}),
    kubeStateMetrics: z
      .strictObject({
        /** Grows with the number of pods, Jobs and CronJobs in the namespace, which stays small. */
        resources: resources.default(defaultResources('10m', '64Mi', '128Mi')),
      })
      .prefault({}),
    /** The Prometheus Operator installation used in `operator` mode. */
    operator: z
      .strictObject({
        /** Namespace the operator's Prometheus runs in; it is allowed to scrape the targets. */
        namespace: dnsLabel,
        /** Labels of that Prometheus's pods. */
        prometheusPodLabels: labels.default({ 'app.kubernetes.io/name': 'prometheus' }),
        /** Labels its `serviceMonitorSelector` and `ruleSelector` match. */
        selectorLabels: labels.default({ release: 'kube-prometheus-stack' }),
        /** URL Grafana queries that Prometheus at. */
        prometheusUrl: withoutCredentials(z.url({ protocol: /^https?$/ })),
        /** Port of that URL, for Grafana's NetworkPolicy. */
        prometheusPort: z.number().int().min(1).max(65535).default(9090),
      })
      .optional(),
  })
  .superRefine((m, ctx) => {
    if (m.mode === 'operator' && m.operator === undefined) {
      ctx.addIssue({ code: 'custom', path: ['operator'], input: undefined, message: 'an operator section (namespace, prometheusUrl) when mode is "operator"' });
    }
    if (m.prometheus.retentionSize.toKibibytes() >= m.prometheus.storage.toKibibytes()) {
      ctx.addIssue({
        code: 'custom',
        path: ['prometheus', 'retentionSize'],
        input: binaryQuantity(m.prometheus.retentionSize),
        message: `a size smaller than the volume (${binaryQuantity(m.prometheus.storage)}), leaving room for the WAL and compaction`,
      });
    }
    if (m.mode === 'plain' && m.alertmanager === undefined) {
      ctx.addIssue({ code: 'custom', path: ['alertmanager'], input: undefined, message: 'an alertmanager section (receivers, route) when mode is "plain"' });
    }
    if (m.alertmanager === undefined) return;
    const names = m.alertmanager.receivers.map((r) => r.name);
    m.alertmanager.receivers.forEach((r, i) => {
      if (names.indexOf(r.name) !== i) {
        ctx.addIssue({ code: 'custom', path: ['alertmanager', 'receivers', i, 'name'], input: r.name, message: 'a receiver name used once' });
      }
    });
    const route = m.alertmanager.route;
    const refs: [(string | number)[], string][] = [
      [['default'], route.default],
      [['critical'], route.critical],
      [['warning'], route.warning],
      ...Object.entries(route.components).map(([c, r]): [(string | number)[], string] => [['components', c], r]),
    ];
    for (const [path, name] of refs) {
      if (!names.includes(name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['alertmanager', 'route', ...path],
          input: name,
          message: `one of the receivers (${names.join(', ')})`,
        });
      }
    }
  });
export type Monitoring = z.infer<typeof monitoring>;
