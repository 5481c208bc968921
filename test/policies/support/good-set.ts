/**
 * A small platform that passes every rule in production: one namespace with a default deny, an API
 * Deployment behind a Service, Gateway, HTTPRoutes and autoscaler, a worker, a Postgres StatefulSet with its
 * headless Service, a backup CronJob, a CloudNativePG cluster, secrets from an ExternalSecret and a
 * Certificate, RBAC for one account, and an Argo CD Application. Rule tests break one field of it.
 */
export type Obj = Record<string, any>;

const NS = 'shop';
const DIGEST = 'sha256:4b7f1c2e9a0d3b5f6e8a1c2d4e6f8a0b2c4d6e8f0a1b3c5d7e9f1a3b5c7d9e1f';

function securityContext(): Obj {
  return { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, privileged: false, readOnlyRootFilesystem: true, runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } };
}

function podSecurity(): Obj {
  return { runAsNonRoot: true, runAsUser: 1000, fsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' } };
}

function container(name: string, extra: Obj = {}): Obj {
  return {
    name,
    image: `registry.example.com/shop/${name}:1.2.3@${DIGEST}`,
    resources: { requests: { cpu: '250m', memory: '512Mi' }, limits: { cpu: '500m', memory: '1Gi' } },
    securityContext: securityContext(),
    ...extra,
  };
}

function spread(labels: Obj): Obj[] {
  return [{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: labels } }];
}

export function goodSet(): Obj[] {
  const api = { app: 'api' };
  const worker = { app: 'worker' };
  const db = { app: 'db' };
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } },
    { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'default-deny', namespace: NS }, spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] } },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'api', namespace: NS },
      spec: {
        podSelector: { matchLabels: api },
        policyTypes: ['Egress'],
        egress: [
          { to: [{ podSelector: { matchLabels: { 'cnpg.io/cluster': 'pg' } } }], ports: [{ port: 5432 }] },
          { to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }], ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }] },
        ],
      },
    },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'api', namespace: NS }, automountServiceAccountToken: false },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'worker', namespace: NS } },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'db', namespace: NS }, automountServiceAccountToken: false },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'worker', namespace: NS }, rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list'] }] },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'worker', namespace: NS },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'worker' },
      subjects: [{ kind: 'ServiceAccount', name: 'worker', namespace: NS }],
    },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: NS }, data: { LOG_LEVEL: 'INFO', DATABASE_HOST: 'pg-rw' } },
    {
      apiVersion: 'external-secrets.io/v1',
      kind: 'ExternalSecret',
      metadata: { name: 'api-secrets', namespace: NS },
      spec: { secretStoreRef: { kind: 'ClusterSecretStore', name: 'store' }, target: { name: 'api-credentials' }, data: [{ secretKey: 'OPENAI_API_KEY', remoteRef: { key: 'shop/api', property: 'OPENAI_API_KEY' } }] },
    },
    {
      // The store's superuser password: only the store and the backup Job read it.
      apiVersion: 'external-secrets.io/v1',
      kind: 'ExternalSecret',
      metadata: { name: 'db-credentials', namespace: NS },
      spec: { secretStoreRef: { kind: 'ClusterSecretStore', name: 'store' }, target: { name: 'db-credentials' }, data: [{ secretKey: 'POSTGRES_PASSWORD', remoteRef: { key: 'shop/db', property: 'POSTGRES_PASSWORD' } }] },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      // Restarts when External Secrets rewrites api-credentials (Reloader is an add-on below).
      metadata: { name: 'api', namespace: NS, annotations: { 'secret.reloader.stakater.com/reload': 'api-credentials' } },
      spec: {
        selector: { matchLabels: api },
        template: {
          metadata: { labels: api },
          spec: {
            serviceAccountName: 'api',
            automountServiceAccountToken: false,
            securityContext: podSecurity(),
            topologySpreadConstraints: spread(api),
            containers: [
              container('api', {
                ports: [{ name: 'http', containerPort: 8000 }],
                envFrom: [{ configMapRef: { name: 'settings' } }],
                env: [
                  { name: 'OPENAI_API_KEY', valueFrom: { secretKeyRef: { name: 'api-credentials', key: 'OPENAI_API_KEY' } } },
                  { name: 'DATABASE_PASSWORD', valueFrom: { secretKeyRef: { name: 'pg-app', key: 'password' } } },
                  { name: 'DATABASE_URL', value: 'postgresql://app:$(DATABASE_PASSWORD)@pg-rw:5432/app' },
                ],
                readinessProbe: { httpGet: { path: '/health/ready', port: 'http' } },
                livenessProbe: { httpGet: { path: '/health/live', port: 'http' } },
                volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
              }),
            ],
            volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }],
          },
        },
      },
    },
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'api', namespace: NS, labels: api }, spec: { selector: api, ports: [{ name: 'http', port: 8000, targetPort: 'http' }] } },
    {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'api', namespace: NS },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'api' },
        minReplicas: 3,
        maxReplicas: 10,
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
      },
    },
    { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'api', namespace: NS }, spec: { maxUnavailable: 1, selector: { matchLabels: api } } },
    {
      apiVersion: 'gateway.envoyproxy.io/v1alpha1',
      kind: 'EnvoyProxy',
      metadata: { name: 'api', namespace: NS },
      spec: { provider: { type: 'Kubernetes', kubernetes: { envoyService: { externalTrafficPolicy: 'Local' } } } },
    },
    {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'Gateway',
      metadata: { name: 'api', namespace: NS },
      spec: {
        gatewayClassName: 'envoy-gateway',
        infrastructure: { parametersRef: { group: 'gateway.envoyproxy.io', kind: 'EnvoyProxy', name: 'api' } },
        listeners: [
          { name: 'http', protocol: 'HTTP', port: 80, hostname: 'api.shop.example.com', allowedRoutes: { namespaces: { from: 'Same' } } },
          { name: 'https', protocol: 'HTTPS', port: 443, hostname: 'api.shop.example.com', tls: { mode: 'Terminate', certificateRefs: [{ kind: 'Secret', name: 'api-tls' }] }, allowedRoutes: { namespaces: { from: 'Same' } } },
        ],
      },
    },
    {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: 'api-https-redirect', namespace: NS },
      spec: {
        parentRefs: [{ name: 'api', sectionName: 'http' }],
        hostnames: ['api.shop.example.com'],
        rules: [{ filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', statusCode: 301 } }] }],
      },
    },
    {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: 'api', namespace: NS },
      spec: {
        parentRefs: [{ name: 'api', sectionName: 'https' }],
        hostnames: ['api.shop.example.com'],
        rules: [{ matches: [{ path: { type: 'PathPrefix', value: '/' } }], backendRefs: [{ name: 'api', port: 8000 }] }],
      },
    },
    {
      apiVersion: 'gateway.envoyproxy.io/v1alpha1',
      kind: 'BackendTrafficPolicy',
      metadata: { name: 'api', namespace: NS },
      spec: {
        targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: 'api' }],
        rateLimit: { global: { rules: [{ clientSelectors: [{ sourceCIDR: { type: 'Distinct', value: '0.0.0.0/0' } }], limit: { requests: 100, unit: 'Minute' } }] } },
      },
    },
    {
      apiVersion: 'cert-manager.io/v1',
      kind: 'ClusterIssuer',
      metadata: { name: 'letsencrypt' },
      spec: { acme: { server: 'https://acme-v02.api.letsencrypt.org/directory', privateKeySecretRef: { name: 'letsencrypt-account-key' }, solvers: [{ dns01: { route53: { region: 'eu-central-1' } } }] } },
    },
    {
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: { name: 'api', namespace: NS },
      spec: { secretName: 'api-tls', dnsNames: ['api.shop.example.com'], issuerRef: { kind: 'ClusterIssuer', name: 'letsencrypt' } },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'worker', namespace: NS },
      spec: {
        replicas: 2,
        selector: { matchLabels: worker },
        template: {
          metadata: { labels: worker },
          spec: {
            serviceAccountName: 'worker',
            securityContext: podSecurity(),
            affinity: { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: worker } } }] } },
            containers: [container('worker', { livenessProbe: { exec: { command: ['/bin/worker', 'healthcheck'] } } })],
          },
        },
      },
    },
    { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'worker', namespace: NS }, spec: { minAvailable: 1, selector: { matchLabels: worker } } },
    {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'db', namespace: NS, annotations: { 'secret.reloader.stakater.com/reload': 'db-credentials' } },
      spec: {
        serviceName: 'db-headless',
        replicas: 2,
        selector: { matchLabels: db },
        template: {
          metadata: { labels: db },
          spec: {
            serviceAccountName: 'db',
            automountServiceAccountToken: false,
            securityContext: podSecurity(),
            topologySpreadConstraints: spread(db),
            containers: [
              container('db', {
                ports: [{ name: 'postgres', containerPort: 5432 }],
                env: [{ name: 'POSTGRES_PASSWORD', valueFrom: { secretKeyRef: { name: 'db-credentials', key: 'POSTGRES_PASSWORD' } } }],
                readinessProbe: { exec: { command: ['pg_isready'] } },
                livenessProbe: { tcpSocket: { port: 'postgres' } },
                volumeMounts: [{ name: 'data', mountPath: '/var/lib/postgresql/data' }],
              }),
            ],
          },
        },
        volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'gp3', resources: { requests: { storage: '10Gi' } } } }],
      },
    },
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'db-headless', namespace: NS }, spec: { clusterIP: 'None', selector: db, ports: [{ name: 'postgres', port: 5432, targetPort: 'postgres' }] } },
    { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'db', namespace: NS }, spec: { maxUnavailable: 1, selector: { matchLabels: db } } },
    {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'backup', namespace: NS },
      spec: {
        schedule: '0 2 * * *',
        concurrencyPolicy: 'Forbid',
        startingDeadlineSeconds: 600,
        jobTemplate: {
          spec: {
            backoffLimit: 2,
            activeDeadlineSeconds: 3600,
            template: {
              metadata: { labels: { app: 'backup' } },
              spec: {
                serviceAccountName: 'db',
                automountServiceAccountToken: false,
                restartPolicy: 'Never',
                securityContext: podSecurity(),
                containers: [
                  container('backup', {
                    env: [
                      { name: 'PGPASSWORD', valueFrom: { secretKeyRef: { name: 'pg-app', key: 'password' } } },
                      { name: 'DB_SUPERUSER_PASSWORD', valueFrom: { secretKeyRef: { name: 'db-credentials', key: 'POSTGRES_PASSWORD' } } },
                    ],
                  }),
                ],
              },
            },
          },
        },
      },
    },
    {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'ServiceMonitor',
      metadata: { name: 'api', namespace: NS },
      spec: { selector: { matchLabels: api }, endpoints: [{ port: 'http', path: '/metrics', interval: '10s' }] },
    },
    {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'AppProject',
      metadata: { name: 'shop', namespace: 'argocd' },
      spec: { sourceRepos: ['https://git.example.com/shop.git'], destinations: [{ server: 'https://kubernetes.default.svc', namespace: NS }], clusterResourceWhitelist: [{ group: '', kind: 'Namespace' }] },
    },
    { apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster', metadata: { name: 'pg', namespace: NS }, spec: { instances: 3, storage: { size: '10Gi', storageClass: 'gp3' } } },
    // The cluster's configuration: a StorageClass and the add-ons providing what the objects above assume.
    {
      apiVersion: 'storage.k8s.io/v1',
      kind: 'StorageClass',
      metadata: { name: 'gp3' },
      provisioner: 'ebs.csi.aws.com',
      parameters: { type: 'gp3', encrypted: 'true' },
      volumeBindingMode: 'WaitForFirstConsumer',
      allowVolumeExpansion: true,
    },
    {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name: 'cluster-add-ons', namespace: 'argocd', annotations: { 'agent-platform.io/provides': 'api:metrics.k8s.io,provisioner:ebs.csi.aws.com,reloads:secret.reloader.stakater.com/reload' } },
      spec: {
        project: 'shop',
        source: { repoURL: 'https://git.example.com/shop.git', path: 'generated/argocd/clusters/shop', targetRevision: 'release-2026.11.20' },
        destination: { server: 'https://kubernetes.default.svc', namespace: NS },
      },
    },
    {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name: 'shop', namespace: 'argocd' },
      spec: {
        project: 'shop',
        source: { repoURL: 'https://git.example.com/shop.git', path: 'generated/prod', targetRevision: 'release-2026.11.20' },
        destination: { server: 'https://kubernetes.default.svc', namespace: NS },
      },
    },
  ];
}

/** The object of `kind` named `name` in a set (throws when absent, so a broken fixture is loud). */
export function find(set: Obj[], kind: string, name: string): Obj {
  const o = set.find((x) => x.kind === kind && x.metadata?.name === name);
  if (!o) throw new Error(`fixture has no ${kind} ${name}`);
  return o;
}

/** The first container of a workload. */
export function firstContainer(o: Obj): Obj {
  const spec = o.kind === 'CronJob' ? o.spec.jobTemplate.spec.template.spec : o.spec.template.spec;
  return spec.containers[0];
}

export function podSpec(o: Obj): Obj {
  return o.kind === 'CronJob' ? o.spec.jobTemplate.spec.template.spec : o.spec.template.spec;
}

/** A database init Job (not in the fixture platform) that sets up the account the API signs in with, as an Argo CD hook of `phase`. */
export function initJob(phase: 'PostSync' | 'Sync'): Obj {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'db-init', namespace: NS, annotations: { 'argocd.argoproj.io/hook': phase, 'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation' } },
    spec: {
      backoffLimit: 3,
      activeDeadlineSeconds: 900,
      template: {
        metadata: { labels: { app: 'db-init' } },
        spec: {
          serviceAccountName: 'db',
          automountServiceAccountToken: false,
          restartPolicy: 'Never',
          securityContext: podSecurity(),
          containers: [container('db-init', { env: [{ name: 'PGHOST', value: 'pg-rw' }, { name: 'APP_PASSWORD', valueFrom: { secretKeyRef: { name: 'pg-app', key: 'password' } } }] })],
        },
      },
    },
  };
}
