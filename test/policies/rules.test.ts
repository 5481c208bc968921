/**
 * Every rule, both ways: the fixture platform (support/good-set.ts) passes it, and one targeted
 * change to that platform makes it fail with the expected message on the expected field. A rule
 * without a case here fails the last test, so a new rule cannot land untested.
 */
import { describe, expect, it } from 'vitest';
import { checkObjects, sourced } from '../../policies/engine.ts';
import { RULES } from '../../policies/rules/index.ts';
import { daysBetween } from '../../policies/dates.ts';
import { ARGO_CD, CHARTS, IMAGES, KUBERNETES, pinnedImageRef } from '../../constructs/versions.ts';
import type { CheckEnvironment } from '../../policies/types.ts';
import { find, firstContainer, goodSet, initJob, podSpec, type Obj } from './support/good-set.ts';

const PROD: CheckEnvironment = { name: 'prod', production: true };
const DEV: CheckEnvironment = { name: 'dev', production: false };

interface Case {
  /** What the failing change is, as the test title says it. */
  readonly change: string;
  readonly mutate: (set: Obj[]) => void;
  readonly object: string;
  readonly path: string;
  readonly message: string;
  readonly env?: CheckEnvironment;
  /** The day the check judges dates by. @default - none: rules judge nothing that depends on it */
  readonly today?: string;
}

/** `date` moved by `days` (`YYYY-MM-DD`). */
function shift(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}
const chartSource = (c: { repoURL: string; chart: string; version: string }) => ({ repoURL: c.repoURL, chart: c.chart, targetRevision: c.version });

const api = (s: Obj[]): Obj => find(s, 'Deployment', 'api');
const worker = (s: Obj[]): Obj => find(s, 'Deployment', 'worker');
const C0 = 'spec.template.spec.containers[0]';

/** Takes one capability off the fixture cluster's add-ons. */
function withoutCapability(s: Obj[], capability: string): void {
  const a = find(s, 'Application', 'cluster-add-ons').metadata.annotations;
  a['agent-platform.io/provides'] = a['agent-platform.io/provides'].split(',').filter((c: string) => c !== capability).join(',');
}

const CASES: Record<string, Case[]> = {
  'no-privileged': [{ change: 'a privileged container', mutate: (s) => (firstContainer(api(s)).securityContext.privileged = true), object: 'Deployment shop/api', path: `${C0}.securityContext.privileged`, message: 'container "api" is privileged; expected privileged: false or unset' }],
  'no-privilege-escalation': [{ change: 'allowPrivilegeEscalation left unset', mutate: (s) => delete firstContainer(api(s)).securityContext.allowPrivilegeEscalation, object: 'Deployment shop/api', path: `${C0}.securityContext.allowPrivilegeEscalation`, message: 'container "api" has allowPrivilegeEscalation unset; expected false' }],
  'run-as-non-root': [
    {
      change: 'runAsNonRoot false on the container',
      mutate: (s) => (firstContainer(api(s)).securityContext.runAsNonRoot = false),
      object: 'Deployment shop/api',
      path: `${C0}.securityContext.runAsNonRoot`,
      message: 'container "api" has runAsNonRoot false; expected true',
    },
  ],
  'no-root-uid': [{ change: 'uid 0 on the pod with no container override', mutate: (s) => { podSpec(api(s)).securityContext.runAsUser = 0; delete firstContainer(api(s)).securityContext.runAsUser; }, object: 'Deployment shop/api', path: 'spec.template.spec.securityContext.runAsUser', message: 'container "api" has runAsUser 0; expected a uid > 0' }],
  'drop-all-capabilities': [{ change: 'only NET_RAW dropped', mutate: (s) => (firstContainer(api(s)).securityContext.capabilities.drop = ['NET_RAW']), object: 'Deployment shop/api', path: `${C0}.securityContext.capabilities.drop`, message: 'does not drop ALL capabilities; expected capabilities.drop: [ALL]' }],
  'no-added-capabilities': [{ change: 'SYS_ADMIN added back', mutate: (s) => (firstContainer(api(s)).securityContext.capabilities.add = ['NET_BIND_SERVICE', 'SYS_ADMIN']), object: 'Deployment shop/api', path: `${C0}.securityContext.capabilities.add[1]`, message: 'adds capability "SYS_ADMIN"; expected only NET_BIND_SERVICE' }],
  'seccomp-runtime-default': [{ change: 'Unconfined seccomp on the container', mutate: (s) => (firstContainer(api(s)).securityContext.seccompProfile = { type: 'Unconfined' }), object: 'Deployment shop/api', path: `${C0}.securityContext.seccompProfile.type`, message: 'has seccomp profile "Unconfined"; expected RuntimeDefault' }],
  'no-host-namespaces': [{ change: 'hostNetwork on the pod', mutate: (s) => (podSpec(api(s)).hostNetwork = true), object: 'Deployment shop/api', path: 'spec.template.spec.hostNetwork', message: 'the pod sets hostNetwork: true; expected false or unset' }],
  'no-host-path': [{ change: 'a hostPath volume', mutate: (s) => podSpec(api(s)).volumes.push({ name: 'docker', hostPath: { path: '/var/run/docker.sock' } }), object: 'Deployment shop/api', path: 'spec.template.spec.volumes[1].hostPath', message: 'volume "docker" mounts host path "/var/run/docker.sock"' }],
  'no-host-port': [{ change: 'a hostPort', mutate: (s) => (firstContainer(api(s)).ports[0].hostPort = 8000), object: 'Deployment shop/api', path: `${C0}.ports[0].hostPort`, message: 'binds host port 8000; expected no hostPort' }],
  'allowed-volume-types': [{ change: 'an nfs volume', mutate: (s) => podSpec(api(s)).volumes.push({ name: 'share', nfs: { server: 'nfs', path: '/x' } }), object: 'Deployment shop/api', path: 'spec.template.spec.volumes[1].nfs', message: 'volume "share" is of type nfs; expected one of configMap' }],
  'read-only-root-filesystem': [{ change: 'a writable root file system', mutate: (s) => (firstContainer(api(s)).securityContext.readOnlyRootFilesystem = false), object: 'Deployment shop/api', path: `${C0}.securityContext.readOnlyRootFilesystem`, message: 'has readOnlyRootFilesystem false; expected true' }],
  'no-token-automount': [
    {
      change: 'a token mounted for an account no binding grants anything',
      mutate: (s) => {
        delete podSpec(api(s)).automountServiceAccountToken;
        delete find(s, 'ServiceAccount', 'api').automountServiceAccountToken;
      },
      object: 'Deployment shop/api',
      path: 'spec.template.spec.automountServiceAccountToken',
      message: 'mount a token for ServiceAccount "api", which no RoleBinding grants anything; expected automountServiceAccountToken: false',
    },
  ],
  'no-default-service-account': [{ change: 'no serviceAccountName', mutate: (s) => delete podSpec(api(s)).serviceAccountName, object: 'Deployment shop/api', path: 'spec.template.spec.serviceAccountName', message: 'the pod runs as ServiceAccount "default"; expected a dedicated ServiceAccount' }],
  'image-tag-pinned': [
    { change: 'a latest image', mutate: (s) => (firstContainer(api(s)).image = 'shop/api:latest'), object: 'Deployment shop/api', path: `${C0}.image`, message: 'uses "shop/api:latest"; expected a version tag, not latest' },
    { change: 'an untagged image behind a registry port', mutate: (s) => (firstContainer(api(s)).image = 'registry:5000/shop/api'), object: 'Deployment shop/api', path: `${C0}.image`, message: 'uses untagged image "registry:5000/shop/api"' },
  ],
  'image-digest-in-prod': [{ change: 'a tag without digest in production', mutate: (s) => (firstContainer(api(s)).image = 'shop/api:1.2.3'), object: 'Deployment shop/api', path: `${C0}.image`, message: 'uses "shop/api:1.2.3" without a digest; expected repository:tag@sha256:<64 hex digits>' }],
  'no-secret-env-literal': [{ change: 'an API key as a literal', mutate: (s) => firstContainer(api(s)).env.push({ name: 'ANTHROPIC_API_KEY', value: 'sk-ant-123' }), object: 'Deployment shop/api', path: `${C0}.env[3].value`, message: 'sets ANTHROPIC_API_KEY to a literal value; expected valueFrom.secretKeyRef' }],
  'no-credentials-in-url': [
    { change: 'a password inside an env URL', mutate: (s) => (firstContainer(api(s)).env[2].value = 'postgresql://app:hunter2@pg-rw:5432/app'), object: 'Deployment shop/api', path: `${C0}.env[2].value`, message: 'sets DATABASE_URL to a URL with a password' },
    { change: 'a password inside a ConfigMap URL', mutate: (s) => (find(s, 'ConfigMap', 'settings').data.REDIS_URL = 'redis://:s3cret@redis:6379/0'), object: 'ConfigMap shop/settings', path: 'data.REDIS_URL', message: 'ConfigMap key REDIS_URL holds a URL with a password' },
    { change: 'a Slack webhook URL in a ConfigMap', mutate: (s) => (find(s, 'ConfigMap', 'settings').data.ALERT_URL = 'https://hooks.slack.com/services/T0/B0/abcdef'), object: 'ConfigMap shop/settings', path: 'data.ALERT_URL', message: 'ConfigMap key ALERT_URL holds a URL that is itself a credential; expected not a Slack webhook URL' },
  ],
  'no-store-superuser': [
    {
      change: "the service reading the elastic user's password ECK keeps in <es>-es-elastic-user",
      mutate: (s) => {
        s.push({ apiVersion: 'elasticsearch.k8s.elastic.co/v1', kind: 'Elasticsearch', metadata: { name: 'logs', namespace: 'shop' }, spec: { version: '8.19.0', nodeSets: [{ name: 'default', count: 1 }] } });
        firstContainer(api(s)).env[1].valueFrom.secretKeyRef = { name: 'logs-es-elastic-user', key: 'elastic' };
      },
      object: 'Deployment shop/api',
      path: `${C0}.env[1].valueFrom.secretKeyRef`,
      message: "container \"api\" reads DATABASE_PASSWORD from Secret logs-es-elastic-user key elastic, the Elasticsearch superuser elastic's password (ECK Elasticsearch logs)",
    },
    {
      change: 'the service reading the CloudNativePG superuser secret',
      mutate: (s) => (firstContainer(api(s)).env[1].valueFrom.secretKeyRef = { name: 'pg-superuser', key: 'password' }),
      object: 'Deployment shop/api',
      path: `${C0}.env[1].valueFrom.secretKeyRef`,
      message: 'container "api" reads DATABASE_PASSWORD from Secret pg-superuser key password, the PostgreSQL superuser postgres\'s password (superuserSecret of CloudNativePG Cluster pg)',
    },
    {
      change: 'the service reading the connection URI CloudNativePG generates for the superuser',
      mutate: (s) => (firstContainer(api(s)).env[2] = { name: 'DATABASE_URL', valueFrom: { secretKeyRef: { name: 'pg-superuser', key: 'uri' } } }),
      object: 'Deployment shop/api',
      path: `${C0}.env[2].valueFrom.secretKeyRef`,
      message: 'container "api" reads DATABASE_URL from Secret pg-superuser key uri',
    },
    {
      change: 'the service signing in as postgres',
      mutate: (s) => firstContainer(api(s)).env.push({ name: 'PGUSER', value: 'postgres' }),
      object: 'Deployment shop/api',
      path: `${C0}.env[3].value`,
      message: 'container "api" sets PGUSER to superuser "postgres"',
    },
    {
      change: 'a URL templated from the store pod\'s superuser password',
      mutate: (s) => {
        const es = find(s, 'ExternalSecret', 'api-secrets');
        es.spec.data.push({ secretKey: 'ROOT_PASSWORD', remoteRef: { key: 'shop/db', property: 'POSTGRES_PASSWORD' } });
        es.spec.target.template = { engineVersion: 'v2', data: { ADMIN_URL: 'postgresql://root:{{ .ROOT_PASSWORD | urlquery }}@db:5432/app' } };
        firstContainer(api(s)).env.push({ name: 'ADMIN_URL', valueFrom: { secretKeyRef: { name: 'api-credentials', key: 'ADMIN_URL' } } });
      },
      object: 'Deployment shop/api',
      path: `${C0}.env[3].valueFrom.secretKeyRef`,
      message: 'reads ADMIN_URL from Secret api-credentials key ADMIN_URL, a value built from the PostgreSQL superuser postgres\'s password (set by StatefulSet db)',
    },
    {
      change: 'a superuser in a command-line URL',
      mutate: (s) => (firstContainer(worker(s)).args = ['--dsn=postgresql://postgres@db:5432/app']),
      object: 'Deployment shop/worker',
      path: `${C0}.args[0]`,
      message: 'container "worker" signs in as superuser "postgres" on its command line',
    },
    {
      change: 'a superuser named in an imported ConfigMap',
      mutate: (s) => (find(s, 'ConfigMap', 'settings').data.DATABASE_USER = 'postgres'),
      object: 'Deployment shop/api',
      path: `${C0}.envFrom[0].configMapRef`,
      message: 'container "api" imports DATABASE_USER from ConfigMap settings, which signs in as superuser "postgres"',
    },
    {
      change: 'the superuser Secret mounted whole',
      mutate: (s) => podSpec(api(s)).volumes.push({ name: 'db', secret: { secretName: 'db-credentials' } }),
      object: 'Deployment shop/api',
      path: 'spec.template.spec.volumes[1].secret',
      message: 'volume "db" mounts Secret db-credentials, which holds the PostgreSQL superuser postgres\'s password (set by StatefulSet db)',
    },
  ],
  'no-secret-data': [{ change: 'a rendered Secret with data', mutate: (s) => s.push({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'leak', namespace: 'shop' }, data: { PASSWORD: 'aHVudGVyMg==' } }), object: 'Secret shop/leak', path: 'data', message: 'the Secret carries data (keys PASSWORD)' }],
  'no-rbac-wildcards': [{ change: 'a wildcard verb', mutate: (s) => (find(s, 'Role', 'worker').rules[0].verbs = ['*']), object: 'Role shop/worker', path: 'rules[0].verbs', message: 'rule 0 grants verbs "*"; expected an explicit list' }],
  'no-cluster-admin-binding': [{ change: 'a binding to cluster-admin', mutate: (s) => (find(s, 'RoleBinding', 'worker').roleRef = { kind: 'ClusterRole', name: 'cluster-admin' }), object: 'RoleBinding shop/worker', path: 'roleRef.name', message: 'the binding grants cluster-admin' }],
  'readiness-probe': [{ change: 'no readiness probe behind a Service', mutate: (s) => delete firstContainer(api(s)).readinessProbe, object: 'Deployment shop/api', path: `${C0}.readinessProbe`, message: 'container "api" of Deployment api is behind Service api but has no readinessProbe' }],
  'liveness-probe': [{ change: 'no liveness probe', mutate: (s) => delete firstContainer(worker(s)).livenessProbe, object: 'Deployment shop/worker', path: `${C0}.livenessProbe`, message: 'container "worker" has no livenessProbe' }],
  'probes-differ': [{ change: 'identical liveness and readiness checks', mutate: (s) => (firstContainer(api(s)).livenessProbe = { httpGet: { port: 'http', path: '/health/ready' }, periodSeconds: 30 }), object: 'Deployment shop/api', path: `${C0}.livenessProbe.httpGet`, message: 'has identical liveness and readiness httpGet checks' }],
  'probe-ports-declared': [{ change: 'a probe on an undeclared port name', mutate: (s) => (firstContainer(api(s)).livenessProbe.httpGet.port = 'admin'), object: 'Deployment shop/api', path: `${C0}.livenessProbe.httpGet.port`, message: 'probes port "admin", which it does not declare; expected one of its ports (http, 8000)' }],
  'replica-claim-single-pod': [
    {
      change: 'a restore CronJob mounting a ReadWriteOnce replica claim',
      mutate: (s) => podSpec(find(s, 'CronJob', 'backup')).volumes = [{ name: 'data', persistentVolumeClaim: { claimName: 'data-db-0' } }],
      object: 'CronJob shop/backup',
      path: 'spec.jobTemplate.spec.template.spec.volumes[0].persistentVolumeClaim.claimName',
      message: 'CronJob backup mounts data-db-0, the claim of StatefulSet db, whose template allows ReadWriteOnce; expected accessModes [ReadWriteOncePod]',
    },
  ],
  'resource-requests': [{ change: 'no cpu request', mutate: (s) => delete firstContainer(api(s)).resources.requests.cpu, object: 'Deployment shop/api', path: `${C0}.resources.requests.cpu`, message: 'requests no cpu; expected resources.requests.cpu' }],
  'memory-limit': [
    { change: 'no memory limit', mutate: (s) => delete firstContainer(api(s)).resources.limits.memory, object: 'Deployment shop/api', path: `${C0}.resources.limits.memory`, message: 'has no memory limit' },
    { change: 'a limit below the request', mutate: (s) => (firstContainer(api(s)).resources.limits.memory = '256Mi'), object: 'Deployment shop/api', path: `${C0}.resources.limits.memory`, message: 'limits memory to 256Mi, below its request 512Mi' },
  ],
  'multi-replica-in-prod': [{ change: 'an autoscaler that may go down to one replica', mutate: (s) => (find(s, 'HorizontalPodAutoscaler', 'api').spec.minReplicas = 1), object: 'Deployment shop/api', path: 'spec.replicas', message: 'can scale down to 1 replica(s) (HorizontalPodAutoscaler api minReplicas); expected at least 2' }],
  'pdb-for-replicated': [{ change: 'a replicated worker without a budget', mutate: (s) => s.splice(s.indexOf(find(s, 'PodDisruptionBudget', 'worker')), 1), object: 'Deployment shop/worker', path: 'spec.template.metadata.labels', message: 'no PodDisruptionBudget selects the pods of Deployment worker' }],
  'spread-replicas': [{ change: 'replicas without spread', mutate: (s) => delete podSpec(worker(s)).affinity, object: 'Deployment shop/worker', path: 'spec.template.spec.topologySpreadConstraints', message: 'Deployment worker runs 2+ replicas with no spread over kubernetes.io/hostname' }],
  'pdb-sane': [
    { change: 'maxUnavailable 0', mutate: (s) => (find(s, 'PodDisruptionBudget', 'api').spec.maxUnavailable = 0), object: 'PodDisruptionBudget shop/api', path: 'spec.maxUnavailable', message: 'maxUnavailable is 0, which blocks every drain' },
    { change: 'minAvailable equal to the replicas', mutate: (s) => (find(s, 'PodDisruptionBudget', 'worker').spec.minAvailable = 2), object: 'PodDisruptionBudget shop/worker', path: 'spec.minAvailable', message: 'minAvailable 2 with 2 replica(s) of worker allows no disruption' },
    { change: 'both fields set', mutate: (s) => (find(s, 'PodDisruptionBudget', 'api').spec.minAvailable = 1), object: 'PodDisruptionBudget shop/api', path: 'spec', message: 'sets both minAvailable and maxUnavailable; expected exactly one' },
  ],
  'pdb-selects-pods': [{ change: 'a budget selecting a typo', mutate: (s) => (find(s, 'PodDisruptionBudget', 'api').spec.selector.matchLabels = { app: 'apii' }), object: 'PodDisruptionBudget shop/api', path: 'spec.selector', message: 'matches no pods in namespace shop' }],
  'hpa-bounds': [
    { change: 'maxReplicas equal to minReplicas', mutate: (s) => (find(s, 'HorizontalPodAutoscaler', 'api').spec.maxReplicas = 3), object: 'HorizontalPodAutoscaler shop/api', path: 'spec.maxReplicas', message: 'maxReplicas is 3 with minReplicas 3; expected maxReplicas > minReplicas' },
    { change: 'minReplicas 0', mutate: (s) => (find(s, 'HorizontalPodAutoscaler', 'api').spec.minReplicas = 0), object: 'HorizontalPodAutoscaler shop/api', path: 'spec.minReplicas', message: 'minReplicas is 0; expected ≥ 1' },
    { change: 'no metrics', mutate: (s) => (find(s, 'HorizontalPodAutoscaler', 'api').spec.metrics = []), object: 'HorizontalPodAutoscaler shop/api', path: 'spec.metrics', message: 'the autoscaler has no metrics' },
    { change: 'a utilization target above 100', mutate: (s) => (find(s, 'HorizontalPodAutoscaler', 'api').spec.metrics[0].resource.target.averageUtilization = 150), object: 'HorizontalPodAutoscaler shop/api', path: 'spec.metrics[0].resource.target.averageUtilization', message: 'cpu utilization target is 150; expected 1-100' },
  ],
  'hpa-target-requests': [
    { change: 'scaling on memory the pods do not request', mutate: (s) => { find(s, 'HorizontalPodAutoscaler', 'api').spec.metrics.push({ type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: 80 } } }); delete firstContainer(api(s)).resources.requests.memory; }, object: 'HorizontalPodAutoscaler shop/api', path: 'spec.metrics[1].resource.name', message: 'scales on memory utilization but container "api" of Deployment api requests no memory' },
    { change: 'a target that is not rendered', mutate: (s) => (find(s, 'HorizontalPodAutoscaler', 'api').spec.scaleTargetRef.name = 'gone'), object: 'HorizontalPodAutoscaler shop/api', path: 'spec.scaleTargetRef', message: 'scale target Deployment gone is not in the rendered set' },
  ],
  'hpa-owns-replicas': [{ change: 'replicas on an autoscaled Deployment', mutate: (s) => (api(s).spec.replicas = 3), object: 'Deployment shop/api', path: 'spec.replicas', message: 'spec.replicas is 3 but HorizontalPodAutoscaler api owns the replica count' }],
  'statefulset-headless-service': [{ change: 'a governing Service with a cluster IP', mutate: (s) => delete find(s, 'Service', 'db-headless').spec.clusterIP, object: 'StatefulSet shop/db', path: 'spec.serviceName', message: 'governing Service db-headless is not headless' }],
  'statefulset-claims-sized': [{ change: 'a claim template without size', mutate: (s) => delete find(s, 'StatefulSet', 'db').spec.volumeClaimTemplates[0].spec.resources, object: 'StatefulSet shop/db', path: 'spec.volumeClaimTemplates[0].spec.resources.requests.storage', message: 'claim template data requests no storage' }],
  'cronjob-concurrency': [{ change: 'concurrency left at Allow', mutate: (s) => delete find(s, 'CronJob', 'backup').spec.concurrencyPolicy, object: 'CronJob shop/backup', path: 'spec.concurrencyPolicy', message: 'concurrencyPolicy is unset; expected Forbid or Replace' }],
  'job-deadlines': [
    { change: 'no active deadline', mutate: (s) => delete find(s, 'CronJob', 'backup').spec.jobTemplate.spec.activeDeadlineSeconds, object: 'CronJob shop/backup', path: 'spec.jobTemplate.spec.activeDeadlineSeconds', message: 'the job has no activeDeadlineSeconds' },
    { change: 'no starting deadline', mutate: (s) => delete find(s, 'CronJob', 'backup').spec.startingDeadlineSeconds, object: 'CronJob shop/backup', path: 'spec.startingDeadlineSeconds', message: 'the CronJob has no startingDeadlineSeconds' },
  ],
  'job-backoff-limit': [{ change: 'an implicit backoff limit', mutate: (s) => delete find(s, 'CronJob', 'backup').spec.jobTemplate.spec.backoffLimit, object: 'CronJob shop/backup', path: 'spec.jobTemplate.spec.backoffLimit', message: 'the job has no backoffLimit' }],
  'service-selects-pods': [{ change: 'a Service selecting a typo', mutate: (s) => (find(s, 'Service', 'api').spec.selector = { app: 'apii' }), object: 'Service shop/api', path: 'spec.selector', message: 'the selector {"app":"apii"} matches no pods in namespace shop' }],
  'service-target-ports': [{ change: 'a targetPort nobody declares', mutate: (s) => (find(s, 'Service', 'api').spec.ports[0].targetPort = 8080), object: 'Service shop/api', path: 'spec.ports[0].targetPort', message: 'port http targets 8080, which the selected pods do not declare (they declare 8000, http)' }],
  'route-backend-exists': [
    { change: 'a backend Service that does not exist', mutate: (s) => (find(s, 'HTTPRoute', 'api').spec.rules[0].backendRefs[0].name = 'web'), object: 'HTTPRoute shop/api', path: 'spec.rules[0].backendRefs[0].name', message: 'backend Service web is not rendered in namespace shop' },
    { change: 'a backend port the Service lacks', mutate: (s) => (find(s, 'HTTPRoute', 'api').spec.rules[0].backendRefs[0].port = 80), object: 'HTTPRoute shop/api', path: 'spec.rules[0].backendRefs[0].port', message: 'Service api has no port 80; expected one of 8000' },
  ],
  'route-parent-accepted': [
    { change: 'a listener the Gateway lacks', mutate: (s) => (find(s, 'HTTPRoute', 'api').spec.parentRefs[0].sectionName = 'admin'), object: 'HTTPRoute shop/api', path: 'spec.parentRefs[0].sectionName', message: 'Gateway api has no listener admin; expected one of http, https' },
    { change: 'a hostname no listener serves', mutate: (s) => (find(s, 'HTTPRoute', 'api').spec.hostnames = ['admin.shop.example.com']), object: 'HTTPRoute shop/api', path: 'spec.hostnames', message: 'hostnames admin.shop.example.com match no listener hostname of Gateway api' },
    { change: 'a Gateway that is not rendered', mutate: (s) => (find(s, 'HTTPRoute', 'api').spec.parentRefs[0].name = 'edge'), object: 'HTTPRoute shop/api', path: 'spec.parentRefs[0].name', message: 'Gateway edge is not rendered in namespace shop' },
  ],
  'gateway-listener-tls': [
    { change: 'an HTTPS listener without a certificate', mutate: (s) => delete find(s, 'Gateway', 'api').spec.listeners[1].tls, object: 'Gateway shop/api', path: 'spec.listeners[1].tls.certificateRefs', message: 'HTTPS listener https has no certificate' },
    { change: 'a listener without a hostname', mutate: (s) => delete find(s, 'Gateway', 'api').spec.listeners[0].hostname, object: 'Gateway shop/api', path: 'spec.listeners[0].hostname', message: 'listener http names no hostname' },
    { change: 'the API served on the plain-HTTP listener', mutate: (s) => (find(s, 'HTTPRoute', 'api').spec.parentRefs[0].sectionName = 'http'), object: 'HTTPRoute shop/api', path: 'spec.rules[0]', message: 'rule 0 is served on a plain-HTTP listener' },
  ],
  'acme-http01-solver-path': [
    {
      change: 'an HTTP-01 issuer behind the default deny',
      mutate: (s) => (find(s, 'ClusterIssuer', 'letsencrypt').spec.acme.solvers = [{ http01: { gatewayHTTPRoute: { parentRefs: [{ name: 'api', sectionName: 'http' }] } } }]),
      object: 'Certificate shop/api',
      path: 'spec.issuerRef.name',
      message: 'ClusterIssuer letsencrypt answers HTTP-01 through solver pods in namespace shop, whose default deny blocks them',
    },
  ],
  'rate-limit-client-ip': [
    {
      change: 'a per-IP rate limit behind a Service that hides client addresses',
      mutate: (s) => delete find(s, 'EnvoyProxy', 'api').spec.provider.kubernetes.envoyService.externalTrafficPolicy,
      object: 'BackendTrafficPolicy shop/api',
      path: 'spec.rateLimit',
      message: 'the rate limit counts per client address, but Gateway api passes on the load balancer',
    },
  ],
  'configmaps-exist': [{ change: 'a ConfigMap that is not rendered', mutate: (s) => (firstContainer(api(s)).envFrom[0].configMapRef.name = 'setings'), object: 'Deployment shop/api', path: `${C0}.envFrom[0].configMapRef.name`, message: 'ConfigMap setings is not rendered in namespace shop' }],
  'secrets-exist': [
    { change: 'a Secret nothing produces', mutate: (s) => (find(s, 'ExternalSecret', 'api-secrets').spec.target.name = 'other'), object: 'Deployment shop/api', path: `${C0}.env[0].valueFrom.secretKeyRef.name`, message: 'Secret api-credentials is produced by nothing in namespace shop' },
    { change: 'a TLS Secret nothing issues', mutate: (s) => (find(s, 'Certificate', 'api').spec.secretName = 'other-tls'), object: 'Gateway shop/api', path: 'spec.listeners[1].tls.certificateRefs[0].name', message: 'TLS Secret api-tls is produced by nothing in namespace shop' },
  ],
  'argocd-project-scoped': [
    { change: 'a project allowing every repository', mutate: (s) => (find(s, 'AppProject', 'shop').spec.sourceRepos = ['*']), object: 'AppProject argocd/shop', path: 'spec.sourceRepos[0]', message: 'the project allows every source repository ("*")' },
    { change: 'a project allowing every namespace', mutate: (s) => (find(s, 'AppProject', 'shop').spec.destinations[0].namespace = '*'), object: 'AppProject argocd/shop', path: 'spec.destinations[0].namespace', message: 'destination 0 allows every namespace ("*")' },
  ],
  'servicemonitor-selects-service': [
    { change: 'a ServiceMonitor selecting no Service', mutate: (s) => (find(s, 'ServiceMonitor', 'api').spec.selector.matchLabels = { app: 'apii' }), object: 'ServiceMonitor shop/api', path: 'spec.selector', message: 'the selector {"matchLabels":{"app":"apii"}} matches no Service in shop' },
    { change: 'a ServiceMonitor scraping a port the Service does not name', mutate: (s) => (find(s, 'ServiceMonitor', 'api').spec.endpoints[0].port = 'metrics'), object: 'ServiceMonitor shop/api', path: 'spec.endpoints[0].port', message: 'endpoint 0 scrapes port "metrics", which no selected Service names' },
  ],
  'pvcs-exist': [{ change: 'a claim that is not rendered', mutate: (s) => podSpec(api(s)).volumes.push({ name: 'cache', persistentVolumeClaim: { claimName: 'cache' } }), object: 'Deployment shop/api', path: 'spec.template.spec.volumes[1].persistentVolumeClaim.claimName', message: 'PersistentVolumeClaim cache is not rendered in namespace shop' }],
  'service-accounts-exist': [{ change: 'an account that is not rendered', mutate: (s) => s.splice(s.indexOf(find(s, 'ServiceAccount', 'api')), 1), object: 'Deployment shop/api', path: 'spec.template.spec.serviceAccountName', message: 'ServiceAccount api is not rendered in namespace shop' }],
  'egress-reaches-dns': [
    { change: 'egress without the DNS rule', mutate: (s) => find(s, 'NetworkPolicy', 'api').spec.egress.pop(), object: 'Deployment shop/api', path: 'spec.template.metadata.labels', message: 'the pods of Deployment api may send traffic (NetworkPolicy api) but no policy selecting them allows UDP and TCP port 53 to the cluster DNS' },
    { change: 'DNS over UDP only', mutate: (s) => find(s, 'NetworkPolicy', 'api').spec.egress[1].ports.pop(), object: 'Deployment shop/api', path: 'spec.template.metadata.labels', message: 'allows TCP port 53 to the cluster DNS' },
    {
      change: 'CloudNativePG pods allowed out only to their peers and HTTPS (prod before the fix)',
      mutate: (s) => s.push({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'pg', namespace: 'shop' }, spec: { podSelector: { matchLabels: { 'cnpg.io/cluster': 'pg' } }, policyTypes: ['Egress'], egress: [{ to: [{ podSelector: { matchLabels: { 'cnpg.io/cluster': 'pg' } } }], ports: [{ port: 5432 }, { port: 8000 }] }, { to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ port: 443 }, { port: 6443 }] }] } }),
      object: 'Cluster shop/pg',
      path: 'metadata.name',
      message: 'CloudNativePG primary instance pods, CloudNativePG replica instance pods, CloudNativePG initdb Job pods, CloudNativePG join Job pods may send traffic (NetworkPolicy pg)',
    },
    {
      change: 'port 53 allowed to a namespace where the cluster DNS does not run',
      mutate: (s) => (find(s, 'NetworkPolicy', 'api').spec.egress[1].to = [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }]),
      object: 'Deployment shop/api',
      path: 'spec.template.metadata.labels',
      message: 'allows UDP and TCP port 53 to the cluster DNS',
    },
    {
      change: 'port 53 allowed to the DNS namespace but other pods than the DNS pods',
      mutate: (s) => (find(s, 'NetworkPolicy', 'api').spec.egress[1].to[0].podSelector = { matchLabels: { app: 'metrics-server' } }),
      object: 'Deployment shop/api',
      path: 'spec.template.metadata.labels',
      message: 'allows UDP and TCP port 53 to the cluster DNS',
    },
    {
      change: 'port 53 allowed only to the internet (0.0.0.0/0)',
      mutate: (s) => (find(s, 'NetworkPolicy', 'api').spec.egress[1].to = [{ ipBlock: { cidr: '0.0.0.0/0' } }]),
      object: 'Deployment shop/api',
      path: 'spec.template.metadata.labels',
      message: 'allows UDP and TCP port 53 to the cluster DNS',
    },
    {
      change: 'the kube-dns pods allowed where the environment runs its DNS elsewhere',
      env: { ...PROD, dns: { namespace: 'dns-system', podLabels: { app: 'coredns' } } },
      mutate: () => undefined,
      object: 'Deployment shop/api',
      path: 'spec.template.metadata.labels',
      message: 'allows UDP and TCP port 53 to the cluster DNS',
    },
  ],
  'networkpolicy-selects-pods': [
    { change: 'a policy for pods that do not exist', mutate: (s) => (find(s, 'NetworkPolicy', 'api').spec.podSelector.matchLabels = { app: 'apii' }), object: 'NetworkPolicy shop/api', path: 'spec.podSelector', message: 'podSelector {"matchLabels":{"app":"apii"}} matches no pods in namespace shop' },
    { change: 'a peer selecting the wrong Postgres cluster', mutate: (s) => (find(s, 'NetworkPolicy', 'api').spec.egress[0].to[0].podSelector.matchLabels = { 'cnpg.io/cluster': 'pg2' }), object: 'NetworkPolicy shop/api', path: 'spec.egress[0].to[0].podSelector', message: 'peer podSelector {"matchLabels":{"cnpg.io/cluster":"pg2"}} matches no pods' },
  ],
  'namespace-default-deny': [{ change: 'no default deny', mutate: (s) => (find(s, 'NetworkPolicy', 'default-deny').spec.policyTypes = ['Ingress']), object: 'Deployment shop/api', path: 'metadata.namespace', message: 'namespace shop has no default-deny NetworkPolicy' }],
  'no-default-namespace': [
    { change: 'an object without namespace', mutate: (s) => delete find(s, 'ConfigMap', 'settings').metadata.namespace, object: 'ConfigMap settings', path: 'metadata.namespace', message: 'the object names no namespace' },
    { change: 'an object in default', mutate: (s) => (find(s, 'ConfigMap', 'settings').metadata.namespace = 'default'), object: 'ConfigMap default/settings', path: 'metadata.namespace', message: 'the object is in the default namespace' },
  ],
  'argocd-app-project': [{ change: 'an Application in the default project', mutate: (s) => (find(s, 'Application', 'shop').spec.project = 'default'), object: 'Application argocd/shop', path: 'spec.project', message: 'the Application is in project "default"; expected a dedicated AppProject' }],
  'argocd-destination-namespace': [{ change: 'an Application without destination namespace', mutate: (s) => delete find(s, 'Application', 'shop').spec.destination.namespace, object: 'Application argocd/shop', path: 'spec.destination.namespace', message: 'names no destination namespace' }],
  'argocd-pinned-revision': [
    { change: 'a production Application on main', mutate: (s) => (find(s, 'Application', 'shop').spec.source.targetRevision = 'main'), object: 'Application argocd/shop', path: 'spec.source.targetRevision', message: 'targetRevision "main" follows a branch' },
    { change: 'a chart version range', mutate: (s) => (find(s, 'Application', 'shop').spec.source = { repoURL: 'https://charts.example.com', chart: 'x', targetRevision: '^1.2.0' }), object: 'Application argocd/shop', path: 'spec.source.targetRevision', message: 'chart version "^1.2.0" is not one exact version' },
  ],
  'component-supported': [
    { change: 'a pinned repository at a tag versions.ts does not pin', mutate: (s) => (firstContainer(api(s)).image = `${IMAGES.redis.repository}:6.0.0`), object: 'Deployment shop/api', path: `${C0}.image`, message: 'redis:6.0.0 has no support data; expected it pinned in constructs/versions.ts' },
    { change: 'a chart versions.ts does not pin', mutate: (s) => (find(s, 'Application', 'shop').spec.source = { repoURL: 'https://charts.example.com', chart: 'x', targetRevision: '1.2.3' }), object: 'Application argocd/shop', path: 'spec.source.targetRevision', message: 'chart x 1.2.3 (https://charts.example.com) has no support data' },
    { change: 'a chart on its end-of-support day', mutate: (s) => (find(s, 'Application', 'shop').spec.source = chartSource(CHARTS.certManager)), today: CHARTS.certManager.support.endOfSupport, object: 'Application argocd/shop', path: 'spec.source.targetRevision', message: `chart cert-manager ${CHARTS.certManager.version} (https://charts.jetstack.io) is past its end of support (${CHARTS.certManager.support.endOfSupport}` },
    { change: 'a CloudNativePG operand image past its end of support', mutate: (s) => (find(s, 'Cluster', 'pg').spec.imageName = pinnedImageRef(IMAGES.cloudNativePgPostgres)), today: shift(IMAGES.cloudNativePgPostgres.support.endOfSupport, 1), object: 'Cluster shop/pg', path: 'spec.imageName', message: 'is past its end of support' },
    { change: 'a namespace written for a Kubernetes release other than the target', mutate: (s) => (find(s, 'Namespace', 'shop').metadata.labels = { 'pod-security.kubernetes.io/enforce-version': 'v1.33' }), object: 'Namespace shop', path: 'metadata.labels["pod-security.kubernetes.io/enforce-version"]', message: 'Kubernetes 1.33 has no support data' },
    { change: 'the Kubernetes target past its end of support', mutate: (s) => (find(s, 'Namespace', 'shop').metadata.labels = { 'pod-security.kubernetes.io/enforce-version': `v${KUBERNETES.version}` }), today: KUBERNETES.support.endOfSupport, object: 'Namespace shop', path: 'metadata.labels["pod-security.kubernetes.io/enforce-version"]', message: `Kubernetes ${KUBERNETES.version} is past its end of support` },
    { change: 'Argo CD past its end of support', mutate: () => undefined, today: ARGO_CD.support.endOfSupport, object: 'AppProject argocd/shop', path: 'apiVersion', message: `Argo CD ${ARGO_CD.version} is past its end of support` },
  ],
  'component-support-ending': [
    { change: 'an image 60 days before its end of support', mutate: (s) => (firstContainer(api(s)).image = pinnedImageRef(IMAGES.prometheus)), today: shift(IMAGES.prometheus.support.endOfSupport, -60), object: 'Deployment shop/api', path: `${C0}.image`, message: `quay.io/prometheus/prometheus:${IMAGES.prometheus.tag} reaches its end of support in 60 day(s), on ${IMAGES.prometheus.support.endOfSupport}` },
  ],
  'hpa-metrics-api-provided': [{ change: 'no add-on providing metrics.k8s.io', mutate: (s) => withoutCapability(s, 'api:metrics.k8s.io'), object: 'HorizontalPodAutoscaler shop/api', path: 'spec.metrics[0].type', message: 'no add-on of the cluster provides metrics.k8s.io' }],
  'storage-class-declared': [
    { change: 'a claim template naming no class', mutate: (s) => delete find(s, 'StatefulSet', 'db').spec.volumeClaimTemplates[0].spec.storageClassName, object: 'StatefulSet shop/db', path: 'spec.volumeClaimTemplates[0].spec.storageClassName', message: 'the claim names no StorageClass' },
    { change: 'a CloudNativePG cluster naming an undeclared class', mutate: (s) => (find(s, 'Cluster', 'pg').spec.storage.storageClass = 'gp2'), object: 'Cluster shop/pg', path: 'spec.storage.storageClass', message: 'StorageClass gp2 is not declared by the cluster\'s configuration (declared: gp3)' },
    { change: 'a class whose provisioner no add-on installs', mutate: (s) => withoutCapability(s, 'provisioner:ebs.csi.aws.com'), object: 'StatefulSet shop/db', path: 'spec.volumeClaimTemplates[0].spec.storageClassName', message: 'StorageClass gp3 uses provisioner "ebs.csi.aws.com", which no add-on of the cluster provides' },
  ],
  'rotated-secret-reloads': [
    { change: 'a consumer of a refreshed Secret without the reload annotation', mutate: (s) => delete api(s).metadata.annotations, object: 'Deployment shop/api', path: 'metadata.annotations.secret.reloader.stakater.com/reload', message: 'consumes Secret(s) api-credentials, which External Secrets refreshes, without restarting on their change' },
    { change: 'the annotation on a cluster without Reloader', mutate: (s) => withoutCapability(s, 'reloads:secret.reloader.stakater.com/reload'), object: 'Deployment shop/api', path: 'metadata.annotations', message: 'no add-on of the cluster provides secret.reloader.stakater.com/reload (Stakater Reloader)' },
  ],
  'argocd-namespace-protected': [
    { change: 'a project deploying every kind into argocd', mutate: (s) => find(s, 'AppProject', 'shop').spec.destinations.push({ server: 'https://kubernetes.default.svc', namespace: 'argocd' }), object: 'AppProject argocd/shop', path: 'spec.namespaceResourceWhitelist', message: "destinations[1] includes Argo CD's namespace argocd and no whitelist restricts kinds" },
    {
      change: 'a project allowing Secrets in a glob matching argocd',
      mutate: (s) => {
        const p = find(s, 'AppProject', 'shop').spec;
        p.destinations.push({ server: 'https://kubernetes.default.svc', namespace: 'argo*' });
        p.namespaceResourceWhitelist = [{ group: 'argoproj.io', kind: 'Application' }, { group: '', kind: 'Secret' }];
      },
      object: 'AppProject argocd/shop',
      path: 'spec.namespaceResourceWhitelist[1]',
      message: 'the project allows "/Secret" there; expected only argoproj.io Application, AppProject or ApplicationSet',
      },
    ],
  'init-job-not-postsync': [
    {
      change: 'a PostSync Job setting up the account the API signs in with',
      mutate: (s) => s.push(initJob('PostSync')),
      object: 'Job shop/db-init',
      path: 'metadata.annotations.argocd.argoproj.io/hook',
      message: 'Job db-init is a PostSync hook, but Deployment api (pg-app#password) sign(s) in with credentials it sets up',
    },
  ],
  'no-deprecated-apis': [{ change: 'a v2beta2 autoscaler', mutate: (s) => (find(s, 'HorizontalPodAutoscaler', 'api').apiVersion = 'autoscaling/v2beta2'), object: 'HorizontalPodAutoscaler shop/api', path: 'apiVersion', message: 'HorizontalPodAutoscaler uses autoscaling/v2beta2, removed in Kubernetes 1.26; expected autoscaling/v2' }],
};

function show(f: { object: { kind: string; namespace?: string; name: string } }): string {
  return `${f.object.kind} ${f.object.namespace ? `${f.object.namespace}/` : ''}${f.object.name}`;
}

describe('the fixture platform', () => {
  it.each([PROD, DEV])('passes every rule in $name', (env) => {
    expect(checkObjects(sourced(goodSet()), { env }).findings).toEqual([]);
  });
});

describe.each(RULES.map((r) => [r.id, r] as const))('rule %s', (id, rule) => {
  const cases = CASES[id] ?? [];
  it.each(cases.map((c) => [c.change, c] as const))('fails on %s', (_, c) => {
    const set = goodSet();
    c.mutate(set);
    const env = c.env ?? PROD;
    const findings = checkObjects(sourced(set), { env, ...(c.today ? { today: c.today } : {}) }).findings.filter((f) => f.rule === id);
    expect(findings.map((f) => ({ object: show(f), path: f.path }))).toContainEqual({ object: c.object, path: c.path });
    expect(findings.find((f) => f.path === c.path && show(f) === c.object)!.message).toContain(c.message);
  });

  it('passes on the fixture platform, in production and elsewhere', () => {
    for (const env of [PROD, DEV]) expect(checkObjects(sourced(goodSet()), { env, rules: [rule] }).findings).toEqual([]);
  });

  it('has a description, a rationale and kinds', () => {
    expect(rule.description).toMatch(/\.$/);
    expect(rule.rationale.length).toBeGreaterThan(40);
    expect(rule.kinds.length).toBeGreaterThan(0);
  });
});

describe('end-of-support windows', () => {
  const withPrometheus = (today: string) => {
    const set = goodSet();
    firstContainer(api(set)).image = pinnedImageRef(IMAGES.prometheus);
    return checkObjects(sourced(set), { env: PROD, today }).findings.filter((f) => f.object.kind === 'Deployment' && f.rule.startsWith('component-')).map((f) => `${f.severity} ${f.rule}`);
  };
  const end = IMAGES.prometheus.support.endOfSupport;

  it('are silent until 60 days before, warn from then, and fail from the day itself', () => {
    expect(withPrometheus(shift(end, -61))).toEqual([]);
    expect(withPrometheus(shift(end, -60))).toEqual(['warning component-support-ending']);
    expect(withPrometheus(shift(end, -1))).toEqual(['warning component-support-ending']);
    expect(withPrometheus(end)).toEqual(['error component-supported']);
  });

  it('do not count images of repositories versions.ts does not pin (the service image)', () => {
    const set = goodSet();
    expect(checkObjects(sourced(set), { env: PROD, today: '2099-01-01' }).findings.filter((f) => f.object.kind === 'Deployment')).toEqual([]);
  });

  it('are recorded for every pinned image, chart and Argo CD, with a date and an upstream source', () => {
    for (const [name, c] of [...Object.entries(IMAGES), ...Object.entries(CHARTS), ['argoCd', ARGO_CD] as const]) {
      expect(c.support.endOfSupport, name).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(Number.isNaN(daysBetween('2026-01-01', c.support.endOfSupport)), name).toBe(false);
      expect(c.support.source, name).toMatch(/https:\/\//);
    }
  });
});

describe('the rule list', () => {
  it('has at least forty rules with unique kebab-case ids', () => {
    expect(RULES.length).toBeGreaterThanOrEqual(40);
    expect(new Set(RULES.map((r) => r.id)).size).toBe(RULES.length);
    for (const r of RULES) expect(r.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
  });

  it('has a failing case for every rule and no case for a rule that does not exist', () => {
    expect(RULES.filter((r) => !(CASES[r.id]?.length)).map((r) => r.id)).toEqual([]);
    expect(Object.keys(CASES).filter((id) => !RULES.some((r) => r.id === id))).toEqual([]);
  });
});

describe('severities that depend on the environment', () => {
  it('reports production-only rules as errors in production and not at all elsewhere', () => {
    const set = goodSet();
    firstContainer(api(set)).image = 'shop/api:1.2.3';
    find(set, 'Application', 'shop').spec.source.targetRevision = 'main';
    const prod = checkObjects(sourced(set), { env: PROD }).findings.map((f) => `${f.severity} ${f.rule}`);
    const dev = checkObjects(sourced(set), { env: DEV }).findings.map((f) => `${f.severity} ${f.rule}`);
    expect(prod).toEqual(['error argocd-pinned-revision', 'error image-digest-in-prod']);
    expect(dev).toEqual([]);
  });

  it('downgrades budget and spread findings to warnings outside production', () => {
    const set = goodSet();
    delete podSpec(worker(set)).affinity;
    expect(checkObjects(sourced(set), { env: PROD }).findings.map((f) => f.severity)).toEqual(['error']);
    expect(checkObjects(sourced(set), { env: DEV }).findings.map((f) => f.severity)).toEqual(['warning']);
  });

  it('requires two autoscaler replicas in production only', () => {
    const set = goodSet();
    find(set, 'HorizontalPodAutoscaler', 'api').spec.minReplicas = 1;
    expect(checkObjects(sourced(set), { env: DEV }).findings).toEqual([]);
    expect(checkObjects(sourced(set), { env: PROD }).findings.map((f) => f.rule)).toEqual(['multi-replica-in-prod']);
  });
});

describe('objects produced by operators and controllers', () => {
  it('treats the Secrets of a CloudNativePG cluster, an ExternalSecret and a Certificate as present', () => {
    const set = goodSet();
    const refs = ['pg-app', 'pg-superuser', 'api-credentials', 'api-tls'];
    firstContainer(api(set)).env = refs.map((name, i) => ({ name: `SECRET_${i}`, valueFrom: { secretKeyRef: { name, key: 'k' } } }));
    expect(checkObjects(sourced(set), { env: PROD, rules: RULES.filter((r) => r.id === 'secrets-exist') }).findings).toEqual([]);
  });

  it('treats TLS secrets of a Gateway annotated for cert-manager as issued', () => {
    const set = goodSet();
    set.splice(set.indexOf(find(set, 'Certificate', 'api')), 1);
    find(set, 'Gateway', 'api').metadata.annotations = { 'cert-manager.io/cluster-issuer': 'letsencrypt' };
    expect(checkObjects(sourced(set), { env: PROD }).findings).toEqual([]);
  });

  it('lets Services and NetworkPolicies select the pods of Prometheus and CloudNativePG resources', () => {
    const set = goodSet();
    set.push(
      { apiVersion: 'monitoring.coreos.com/v1', kind: 'Prometheus', metadata: { name: 'main', namespace: 'shop' }, spec: {} },
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'prometheus', namespace: 'shop' }, spec: { selector: { 'app.kubernetes.io/name': 'prometheus', prometheus: 'main' }, ports: [{ name: 'web', port: 9090, targetPort: 'web' }] } },
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'pg-primary', namespace: 'shop' }, spec: { selector: { 'cnpg.io/cluster': 'pg', 'cnpg.io/instanceRole': 'primary' }, ports: [{ port: 5432, targetPort: 5432 }] } },
    );
    expect(checkObjects(sourced(set), { env: PROD }).findings).toEqual([]);
  });

  it('treats the claims of StatefulSet replicas as present, and only those replicas', () => {
    const set = goodSet();
    const backup = find(set, 'CronJob', 'backup').spec.jobTemplate.spec.template.spec;
    backup.volumes = [{ name: 'data', persistentVolumeClaim: { claimName: 'data-db-1' } }];
    const rules = RULES.filter((r) => r.id === 'pvcs-exist');
    expect(checkObjects(sourced(set), { env: PROD, rules }).findings).toEqual([]);
    backup.volumes[0].persistentVolumeClaim.claimName = 'data-db-2';
    expect(checkObjects(sourced(set), { env: PROD, rules }).findings.map((f) => f.message)).toEqual([
      'PersistentVolumeClaim data-db-2 is not rendered in namespace shop; expected a claim of that name or a StatefulSet volumeClaimTemplate producing it',
    ]);
  });

  it('requires a default deny where only an operator runs pods', () => {
    const set = goodSet();
    find(set, 'Cluster', 'pg').metadata.namespace = 'data';
    const findings = checkObjects(sourced(set), { env: PROD, rules: RULES.filter((r) => r.id === 'namespace-default-deny') }).findings;
    expect(findings.map((f) => `${show(f)}: ${f.message}`)).toEqual(['Cluster data/pg: namespace data has no default-deny NetworkPolicy; expected one with podSelector: {} and policyTypes [Ingress, Egress]']);
  });
});

describe('the cluster an environment runs on', () => {
  const clusterRules = RULES.filter((r) => ['hpa-metrics-api-provided', 'storage-class-declared', 'rotated-secret-reloads'].includes(r.id));
  const split = () => {
    const set = goodSet();
    const config = set.filter((o) => o.kind === 'StorageClass' || o.metadata.name === 'cluster-add-ons');
    return { objects: set.filter((o) => !config.includes(o)), config };
  };

  it('is read from context objects, which are not checked themselves', () => {
    const { objects, config } = split();
    expect(checkObjects(sourced(objects), { env: PROD, rules: clusterRules, context: config }).findings).toEqual([]);
    config[0]!.provisioner = 'kubernetes.io/aws-ebs';
    expect(checkObjects(sourced(objects), { env: PROD, rules: clusterRules, context: config }).findings.map((f) => `${show(f)} ${f.rule}`)).toEqual([
      'Cluster shop/pg storage-class-declared',
      'StatefulSet shop/db storage-class-declared',
    ]);
  });

  it('accepts Reloader\'s auto annotation in place of the Secrets\' names', () => {
    const set = goodSet();
    api(set).metadata.annotations = { 'reloader.stakater.com/auto': 'true' };
    expect(checkObjects(sourced(set), { env: PROD, rules: clusterRules }).findings).toEqual([]);
    api(set).metadata.annotations = { 'reloader.stakater.com/auto': 'false' };
    expect(checkObjects(sourced(set), { env: PROD, rules: clusterRules }).findings.map((f) => f.rule)).toEqual(['rotated-secret-reloads']);
  });

  it('counts as empty when given, and as unknown when nothing describes it', () => {
    const { objects } = split();
    const rules = clusterRules.filter((r) => r.id !== 'storage-class-declared');
    expect(checkObjects(sourced(objects), { env: PROD, rules, context: [] }).findings.map((f) => f.rule).sort()).toEqual(['hpa-metrics-api-provided', 'rotated-secret-reloads', 'rotated-secret-reloads']);
    expect(checkObjects(sourced(objects), { env: PROD, rules }).findings).toEqual([]);
  });
});

describe('no-secret-data under pulumi delivery', () => {
  const withSecret = () => [...goodSet(), { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'filled', namespace: 'shop' }, stringData: { KEY: 'from stack config' } }];
  const rules = RULES.filter((r) => r.id === 'no-secret-data');

  it('accepts Secret data, which the Pulumi program fills from encrypted stack config', () => {
    expect(checkObjects(sourced(withSecret()), { env: { ...PROD, delivery: 'pulumi' }, rules }).findings).toEqual([]);
  });

  it('still refuses it under gitops delivery, where it would land in git', () => {
    expect(checkObjects(sourced(withSecret()), { env: { ...PROD, delivery: 'gitops' }, rules }).findings.map((f) => f.message)).toEqual([
      'the Secret carries stringData (keys KEY); expected an ExternalSecret that fetches them from the secret store',
    ]);
  });
});

describe('no-store-superuser: what does not count', () => {
  const superuserFindings = (set: Obj[]) => checkObjects(sourced(set), { env: PROD, rules: RULES.filter((r) => r.id === 'no-store-superuser') }).findings;

  it('lets the store itself, its sidecars and the backup Job hold the superuser password', () => {
    const set = goodSet();
    // A sidecar of the store's pod shares its network namespace: exempt with the store.
    podSpec(find(set, 'StatefulSet', 'db')).containers.push({ name: 'exporter', env: [{ name: 'DATA_SOURCE_USER', value: 'postgres' }] });
    expect(superuserFindings(set)).toEqual([]);
  });

  it('does not take a host named like a superuser for a user, nor a user named like one in another variable', () => {
    const set = goodSet();
    firstContainer(api(set)).env.push({ name: 'PGHOST_URL', value: 'postgresql://postgres:5432/app' }, { name: 'DEFAULT_INDEX', value: 'elastic' });
    firstContainer(worker(set)).args = ['--es.uri=https://elastic:9200'];
    expect(superuserFindings(set)).toEqual([]);
  });

  it('reports the same Deployment as soon as it reads a copy of the store pod\'s password', () => {
    const set = goodSet();
    find(set, 'ExternalSecret', 'api-secrets').spec.data.push({ secretKey: 'DB_ROOT', remoteRef: { key: 'shop/db', property: 'POSTGRES_PASSWORD' } });
    firstContainer(api(set)).envFrom.push({ secretRef: { name: 'api-credentials' } });
    expect(superuserFindings(set).map((f) => f.message)).toEqual([
      'container "api" imports every key of Secret api-credentials, which holds a copy of the PostgreSQL superuser postgres\'s password (set by StatefulSet db); expected only the keys it needs, none of them a superuser\'s',
    ]);
  });

  it('checks only long-running workloads: a Job may create users as the superuser', () => {
    expect(RULES.find((r) => r.id === 'no-store-superuser')!.kinds).toEqual(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController']);
  });
});

describe('egress-reaches-dns: what counts as the cluster DNS', () => {
  const dnsFindings = (set: Obj[], env: CheckEnvironment = PROD) => checkObjects(sourced(set), { env, rules: RULES.filter((r) => r.id === 'egress-reaches-dns') }).findings;

  it('a node-local cache on a link-local address', () => {
    const set = goodSet();
    find(set, 'NetworkPolicy', 'api').spec.egress[1].to = [{ ipBlock: { cidr: '169.254.20.10/32' } }];
    expect(dnsFindings(set)).toEqual([]);
  });

  it("the environment's own DNS pods, wherever it runs them", () => {
    const set = goodSet();
    find(set, 'NetworkPolicy', 'api').spec.egress[1].to = [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'dns-system' } }, podSelector: { matchLabels: { app: 'coredns' } } }];
    expect(dnsFindings(set, { ...PROD, dns: { namespace: 'dns-system', podLabels: { app: 'coredns' } } })).toEqual([]);
    expect(dnsFindings(set)).toHaveLength(1);
  });
});
