/**
 * The Redis Envoy Gateway's rate limit service counts in (global rate limits: one count per client
 * IP across every Envoy replica). It holds nothing but counters of the current minute and hour, so
 * it keeps them in memory only: a restart forgets them, which lets clients start over at worst.
 *
 * It runs in a namespace of its own with a default-deny policy: the rate limit service's pods in
 * Envoy Gateway's namespace are the only ones that may connect. No password: the policy is the
 * access control, and Envoy Gateway's Redis backend takes only a URL (no credentials reference).
 * @see https://gateway.envoyproxy.io/docs/tasks/traffic/global-rate-limit/
 */
import { Construct } from 'constructs';
import { k8s } from './k8s.ts';
import { componentLabels, selectorLabels } from './labels.ts';
import { PlatformNamespace } from './platform-namespace.ts';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from './security.ts';

const RATE_LIMIT_REDIS_PORT = 6379;
/** uid of the `redis` user in the official image. */
const UID = 999;

/**
 * Labels of the rate limit service's pods, set by Envoy Gateway
 * (internal/infrastructure/kubernetes/ratelimit/resource.go, `rateLimitLabels`).
 */
const ENVOY_RATELIMIT_POD_LABELS: Readonly<Record<string, string>> = {
  'app.kubernetes.io/name': 'envoy-ratelimit',
  'app.kubernetes.io/component': 'ratelimit',
  'app.kubernetes.io/managed-by': 'envoy-gateway',
};

const DEFAULT_NAME = 'envoy-ratelimit-redis';

/** The `host:port` of the Redis in `namespace`, as Envoy Gateway's rate limit backend URL. */
export function rateLimitRedisUrl(namespace: string, name: string = DEFAULT_NAME): string {
  return `${name}.${namespace}.svc.cluster.local:${RATE_LIMIT_REDIS_PORT}`;
}

export interface RateLimitRedisProps {
  /** Namespace created for the Redis. */
  readonly namespace: string;
  /** @default 'envoy-ratelimit-redis' */
  readonly name?: string;
  /** `repository:tag[@digest]` of a Redis 7 image. */
  readonly image: string;
  /** Namespace of Envoy Gateway, where its rate limit service runs. */
  readonly clientNamespace: string;
  /** Largest memory for counters; keys expire with their window. @default 64 (MiB) */
  readonly maxMemoryMiB?: number;
}

export class RateLimitRedis extends Construct {
  readonly name: string;
  readonly namespace: string;
  /** `host:port` the rate limit service is configured with. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: RateLimitRedisProps) {
    super(scope, id);
    this.name = props.name ?? DEFAULT_NAME;
    this.namespace = props.namespace;
    this.url = rateLimitRedisUrl(props.namespace, this.name);
    const maxMemoryMiB = props.maxMemoryMiB ?? 64;
    const labels = componentLabels(this.name, 'edge');
    const selector = selectorLabels(this.name);
    const metadata = { name: this.name, namespace: props.namespace, labels };
    new PlatformNamespace(this, 'namespace', { name: props.namespace });

    new k8s.KubeServiceAccount(this, 'service-account', { metadata, automountServiceAccountToken: false });
    new k8s.KubeDeployment(this, 'deployment', {
      metadata,
      spec: {
        replicas: 1,
        selector: { matchLabels: { ...selector } },
        // Counters only: a second pod would split them, so the old one goes first.
        strategy: { type: 'Recreate' },
        template: {
          metadata: { labels: { ...labels, ...selector } },
          spec: {
            serviceAccountName: this.name,
            automountServiceAccountToken: false,
            securityContext: restrictedPodSecurityContext(UID),
            containers: [
              {
                name: 'redis',
                image: props.image,
                args: ['--save', '', '--appendonly', 'no', '--maxmemory', `${maxMemoryMiB}mb`, '--maxmemory-policy', 'volatile-ttl', '--dir', '/data'],
                ports: [{ name: 'redis', containerPort: RATE_LIMIT_REDIS_PORT, protocol: 'TCP' }],
                resources: {
                  requests: { cpu: k8s.Quantity.fromString('50m'), memory: k8s.Quantity.fromString(`${maxMemoryMiB + 32}Mi`) },
                  limits: { cpu: k8s.Quantity.fromString('500m'), memory: k8s.Quantity.fromString(`${maxMemoryMiB + 64}Mi`) },
                },
                readinessProbe: { exec: { command: ['redis-cli', 'ping'] }, periodSeconds: 5, timeoutSeconds: 2 },
                // Alive is "accepts connections"; ready is "answers PING".
                livenessProbe: { tcpSocket: { port: k8s.IntOrString.fromString('redis') }, periodSeconds: 10, failureThreshold: 6 },
                securityContext: restrictedContainerSecurityContext(),
                volumeMounts: [{ name: 'data', mountPath: '/data' }],
              },
            ],
            volumes: [{ name: 'data', emptyDir: { medium: 'Memory', sizeLimit: k8s.Quantity.fromString('16Mi') } }],
          },
        },
      },
    });

    new k8s.KubeService(this, 'service', {
      metadata,
      spec: {
        type: 'ClusterIP',
        selector: { ...selector },
        ports: [{ name: 'redis', port: RATE_LIMIT_REDIS_PORT, targetPort: k8s.IntOrString.fromString('redis'), protocol: 'TCP' }],
      },
    });

    new k8s.KubeNetworkPolicy(this, 'network-policy', {
      metadata,
      spec: {
        podSelector: { matchLabels: { ...selector } },
        policyTypes: ['Ingress'],
        ingress: [
          {
            from: [
              {
                namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': props.clientNamespace } },
                podSelector: { matchLabels: { ...ENVOY_RATELIMIT_POD_LABELS } },
              },
            ],
            ports: [{ port: k8s.IntOrString.fromNumber(RATE_LIMIT_REDIS_PORT), protocol: 'TCP' }],
          },
        ],
      },
    });
  }
}
