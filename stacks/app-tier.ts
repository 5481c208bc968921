/**
 * The application tier of one environment: settings, secrets, the API and worker Deployments, the
 * Gateway API edge in front of the API, and their network relationships.
 */
import { Duration } from 'cdk8s';
import type { Construct } from 'constructs';
import { imageRef } from '../environments/schema/common.ts';
import { ApiGateway, ENVOY_STATS, envoyPodLabels } from '../constructs/api-gateway.ts';
import { CERT_MANAGER_CONTROLLER } from '../constructs/cert-manager-controller.ts';
import { AppDeployment } from '../constructs/app-deployment.ts';
import type { CaBundle } from '../constructs/ca-bundle.ts';
import type { NetworkPort } from '../constructs/connections.ts';
import type { ExternalPeer } from '../constructs/external-peer.ts';
import { ExternalSecret } from '../constructs/external-secret.ts';
import type { k8s } from '../constructs/k8s.ts';
import type { PodScrapeTarget } from '../constructs/pod-scrape-target.ts';
import type { ScrapeTarget } from '../constructs/scrape-target.ts';
import type { WatchedWorkload } from '../constructs/monitoring/availability-alerts.ts';
import { SettingsConfigMap } from '../constructs/settings-config-map.ts';
import type { ChartContext } from './chart-context.ts';
import { SERVICE_PORT, serviceSecretKeys, serviceSettings } from './service-settings.ts';

export interface AppTier {
  readonly api: AppDeployment;
  readonly worker: AppDeployment;
  readonly secrets: ExternalSecret;
  readonly settings: SettingsConfigMap;
  /** The API's metrics: `/metrics` and LangMem's `/metrics/memory`, at the guides' intervals (docs/design-inputs.md). */
  readonly scrapeTargets: readonly ScrapeTarget[];
  /** The API and worker Deployments, for availability alerts. */
  readonly workloads: readonly WatchedWorkload[];
  /** The edge's metrics: its Gateway's Envoy pods and cert-manager (certificate expiry). */
  readonly podTargets: readonly PodScrapeTarget[];
  /** Whether the edge counts requests in the cluster's rate limit service, as the edge reports it. */
  readonly globalRateLimit: boolean;
}

export interface AppTierExtras {
  /** Extra settings (connection URLs without credentials, ...) merged into the ConfigMap. */
  readonly settings?: Record<string, string>;
  /** Extra environment variables (secret references) for both Deployments. */
  readonly env?: readonly k8s.EnvVar[];
  /** Private CA certificates both Deployments verify the stores against, mounted read-only. */
  readonly caBundles?: readonly CaBundle[];
}

const HTTPS: readonly NetworkPort[] = [{ port: 443 }];

export function buildAppTier(scope: Construct, ctx: ChartContext, extras: AppTierExtras = {}): AppTier {
  const { env } = ctx;
  const image = imageRef(env.images.service);

  const settings = new SettingsConfigMap(scope, 'service-settings', {
    name: 'agent-service-settings',
    component: 'config',
    data: { ...serviceSettings(env), ...extras.settings },
  });

  const secrets = new ExternalSecret(scope, 'service-secrets', {
    name: 'agent-service-secrets',
    component: 'secrets',
    ...ctx.secretSource('service'),
    keys: serviceSecretKeys(env),
  });

  const secretEnv = [...secrets.keys.map((k) => secrets.envVar(k)), ...(extras.env ?? [])];
  const podAnnotations = { 'checksum/settings': settings.checksum };

  const api = new AppDeployment(scope, 'api', {
    name: 'agent-api',
    component: 'api',
    image,
    port: { name: 'http', containerPort: SERVICE_PORT },
    envFrom: [settings.envFrom()],
    env: secretEnv,
    caBundles: extras.caBundles,
    resources: env.api.resources,
    replicas: env.api.replicas,
    autoscaling: env.api.autoscaling,
    disruption: env.api.disruption,
    // A startup probe replaces the guides' 30 s liveness delay: slow starts are tolerated
    // (up to 30 × 2 s) without delaying the detection of a hung process afterwards.
    startupProbe: { path: '/api/v1/health/live', period: Duration.seconds(2), failureThreshold: 30 },
    readinessProbe: { path: '/api/v1/health/ready', period: Duration.seconds(5) },
    // Liveness uses /live, not /api/v1/health: the latter checks Postgres, Redis and the LLM APIs,
    // and an outage of any of them must not restart every API pod.
    livenessProbe: { path: '/api/v1/health/live', period: Duration.seconds(10) },
    podAnnotations,
  });

  const worker = new AppDeployment(scope, 'worker', {
    name: 'agent-worker',
    component: 'worker',
    image,
    command: ['python', '-m', 'src.multi_agent_service.worker'],
    envFrom: [settings.envFrom()],
    env: secretEnv,
    caBundles: extras.caBundles,
    resources: env.worker.resources,
    replicas: env.worker.replicas,
    autoscaling: env.worker.autoscaling,
    disruption: env.worker.disruption,
    podAnnotations,
    // Agent runs can take minutes; give the worker time to finish the one in hand.
    terminationGracePeriod: Duration.seconds(120),
  });

  const edge = new ApiGateway(scope, 'edge', {
    name: 'agent-api',
    component: 'edge',
    gatewayClassName: env.ingress.gatewayClassName,
    host: env.ingress.host,
    clusterIssuer: env.ingress.clusterIssuer,
    backend: { name: api.service!.name, port: api.service!.port },
    rateLimit: env.ingress.rateLimit,
    // Typed by the schema (numbers in the file, Size and Duration here): nothing to convert.
    maxBodySize: env.ingress.maxBodyMiB,
    timeout: env.ingress.timeoutSeconds,
    hstsMaxAge: env.ingress.hstsMaxAgeSeconds,
    corsOrigins: env.settings.corsOrigins,
    // One Envoy per environment outside production; production survives losing one.
    replicas: env.production ? 2 : 1,
  });

  // Only this environment's Envoy pods, in the namespace Envoy Gateway runs them in.
  const envoyLabels = envoyPodLabels(edge.gatewayName, env.namespace);
  const gateway: ExternalPeer = { name: 'gateway proxy', namespace: env.network.gatewayNamespace, podLabels: envoyLabels };

  api.connections.allowFromExternal(gateway);
  for (const tier of [api, worker]) {
    // The LLM providers and LangSmith are public HTTPS endpoints with changing addresses.
    tier.connections.allowToExternal(ctx.internet, HTTPS);
  }

  const metricsEndpoint = { workload: api, serviceName: api.service!.name, port: SERVICE_PORT, portName: 'http' };
  const scrapeTargets: ScrapeTarget[] = [
    { job: 'agent-api', ...metricsEndpoint, path: '/metrics', interval: Duration.seconds(10) },
    { job: 'langmem', ...metricsEndpoint, path: '/metrics/memory', interval: Duration.seconds(30) },
  ];

  const workloads: WatchedWorkload[] = [
    { ...api.workload, component: 'api' },
    { ...worker.workload, component: 'worker' },
  ];

  const podTargets: PodScrapeTarget[] = [
    { job: 'envoy', namespace: env.network.gatewayNamespace, podLabels: envoyLabels, ...ENVOY_STATS },
    {
      job: 'cert-manager',
      namespace: env.network.certManagerNamespace,
      podLabels: { ...CERT_MANAGER_CONTROLLER.podLabels },
      port: CERT_MANAGER_CONTROLLER.metricsPort,
      seriesOfNamespace: env.namespace,
    },
  ];

  return { api, worker, secrets, settings, scrapeTargets, podTargets, workloads, globalRateLimit: edge.globalRateLimit };
}
