import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadEnvironments, parseEnvironment } from '../../environments/load.ts';
import type { Environment } from '../../environments/schema/index.ts';
import { ADD_ONS, BOOTSTRAP_GROUPS, RATE_LIMIT_NAMESPACE } from '../../stacks/add-ons.ts';
import { BOOTSTRAP_FILES, GITOPS_GROUP, buildGitOps, renderGitOps } from '../../stacks/gitops.ts';
import { apiGroupOf, isBuiltInGroup } from '../../kube/api-version.ts';
import type { RenderedFile } from '../../stacks/render.ts';
import { renderEnvironments, type EditableEnvironment } from '../support/rendered-environments.ts';
import type { Manifest } from '../../kube/object.ts';
import { CHARTS } from '../../constructs/versions.ts';
import { GATEWAY_CLASS_DESCRIPTION_MAX } from '../../constructs/envoy-gateway-class.ts';
import { COMPARE_OPTIONS } from '../../constructs/argocd-application.ts';
import { problems, prodWith } from '../support/prod-environment.ts';

type Obj = Record<string, any>;

const DIR = join(import.meta.dirname, '..', '..', 'environments');

let envs: Environment[];
let envFiles: RenderedFile[];
/** Each environment's manifests by name, a fresh map for each test to change. */
let renderedFor: () => Map<string, EditableEnvironment>;
let argo: RenderedFile[];

beforeAll(async () => {
  envs = loadEnvironments(DIR);
  const rendered = await renderEnvironments(envs);
  envFiles = rendered.files;
  renderedFor = rendered.byEnvironment;
  // renderGitOps validates every object against its CRD schema (argoproj.io, cert-manager.io, external-secrets.io).
  argo = await renderGitOps(envs, renderedFor());
});

const find = (kind: string, name: string) => {
  const f = argo.find((x) => x.manifest.kind === kind && x.manifest.metadata.name === name);
  if (!f) throw new Error(`no ${kind} ${name} in generated/argocd`);
  return f.manifest as Manifest & { spec: any };
};


describe('environment gitops settings', () => {

  it('refuse automated sync in production', () => {
    expect(problems(prodWith((d) => (d.gitops.sync.automated = true)))).toEqual([
      'environments/prod.yaml: gitops.sync.automated: expected false in production (a person syncs production after reviewing the diff), got true',
    ]);
  });

  it('refuse a branch as the production revision', () => {
    expect(problems(prodWith((d) => (d.gitops.targetRevision = 'main')))).toEqual([
      'environments/prod.yaml: gitops.targetRevision: expected a release tag or a 40-character commit SHA in production (a branch moves under a synced Application), got "main"',
    ]);
  });

  it('accept a commit SHA as the production revision', () => {
    expect(parseEnvironment(prodWith((d) => (d.gitops.targetRevision = 'a'.repeat(40))), 'environments/prod.yaml').gitops.targetRevision).toBe('a'.repeat(40));
  });

  it('refuse a role that is not an IAM role ARN', () => {
    expect(problems(prodWith((d) => (d.gitops.secretStore.roleArn = 'prod-secrets')))).toEqual([
      'environments/prod.yaml: gitops.secretStore.roleArn: expected an IAM role ARN like arn:aws:iam::123456789012:role/name, got "prod-secrets"',
    ]);
  });
});

describe('Argo CD applications', () => {
  it('one Application per environment points at its generated/ directory on its cluster', () => {
    for (const e of envs) {
      const app = find('Application', `agent-platform-${e.name}`);
      expect(app.spec.source.path).toBe(`generated/${e.name}`);
      expect(app.spec.destination).toEqual({ server: e.gitops.cluster.server, namespace: e.namespace });
      expect(app.spec.project).toBe('agent-platform');
    }
  });

  it('an environment delivered by `pulumi up` gets no Application, so Argo CD and Pulumi never fight over it', () => {
    const mixed = envs.map((e) => (e.name === 'staging' ? { ...e, delivery: 'pulumi' as const } : e));
    const names = buildGitOps({ envs: mixed, rendered: renderedFor() }).map((o) => `${o.manifest.kind} ${o.manifest.metadata.name}`);
    expect(names).not.toContain('Application agent-platform-staging');
    expect(names).toContain('Application agent-platform-dev');
    expect(names).toContain('Application agent-platform-prod');
  });

  it('dev syncs itself with prune and self-heal; prod waits for a person, on a pinned tag', () => {
    expect(find('Application', 'agent-platform-dev').spec.syncPolicy.automated).toEqual({ prune: true, selfHeal: true });
    const prod = find('Application', 'agent-platform-prod');
    expect(prod.spec.syncPolicy.automated).toBeUndefined();
    expect(prod.spec.source.targetRevision).toBe('release-2026.11.20');
    expect(prod.spec.syncPolicy.retry.backoff).toEqual({ duration: '10s', factor: 2, maxDuration: '5m' });
  });

  it('the production Application renders as reviewed', () => {
    expect(argo.find((f) => f.path === `${GITOPS_GROUP}/root/application-agent-platform-prod.yaml`)!.content).toMatchSnapshot();
  });

  it('add-ons on the production cluster sync by hand too', () => {
    const addOns = argo.filter((f) => f.manifest.metadata.name.endsWith('-prod') && (f.manifest.metadata['labels'] as any)?.['agent-platform.io/add-on']);
    expect(addOns.length).toBeGreaterThanOrEqual(3);
    for (const a of addOns) expect((a.manifest as any).spec.syncPolicy.automated).toBeUndefined();
    expect(find('Application', 'cert-manager-nonprod').spec.syncPolicy.automated).toEqual({ prune: true, selfHeal: true });
  });

  it('the environment project may create exactly the kinds the environments render', () => {
    const rendered = new Set(envFiles.map((f) => `${apiGroupOf(f.manifest.apiVersion)}/${f.manifest.kind}`));
    const project = find('AppProject', 'agent-platform').spec;
    const allowed = [...project.clusterResourceWhitelist, ...project.namespaceResourceWhitelist].map((k: { group: string; kind: string }) => `${k.group}/${k.kind}`);
    expect(new Set(allowed)).toEqual(rendered);
    expect(project.sourceRepos).toEqual([envs[0]!.gitops.repoURL]);
  });

  it('the edge add-ons: standard-channel Gateway API CRDs from their own chart, Envoy Gateway from its OCI chart without them', () => {
    const crds = find('Application', 'gateway-crds-prod').spec;
    expect(crds.source.repoURL).toBe('oci://registry-1.docker.io/envoyproxy/gateway-crds-helm');
    expect(crds.source.helm.valuesObject.crds.gatewayAPI).toEqual({ enabled: true, channel: 'standard' });
    const eg = find('Application', 'envoy-gateway-prod').spec;
    expect(eg.source).toMatchObject({ repoURL: 'oci://registry-1.docker.io/envoyproxy/gateway-helm', path: '.', targetRevision: CHARTS.envoyGateway.version });
    expect(eg.source.helm.skipCrds).toBe(true);
    // Per-client-IP limits are global: the rate limit service needs its Redis.
    expect(eg.source.helm.valuesObject.config.envoyGateway.rateLimit.backend.type).toBe('Redis');
    expect(find('AppProject', 'platform-add-ons').spec.sourceRepos).toEqual(expect.arrayContaining([crds.source.repoURL, eg.source.repoURL]));
    expect(argo.map((f) => f.path)).not.toContain(expect.stringMatching(/ingress-nginx/));
  });

  it('a cluster runs the rate-limit Redis exactly when an environment\'s edge reports a global rate limit', () => {
    const rendered = renderedFor();
    const redisOf = (out: ReturnType<typeof buildGitOps>, cluster: string) =>
      out.filter((o) => o.path.startsWith(`${GITOPS_GROUP}/clusters/${cluster}/`) && o.manifest.metadata.namespace === RATE_LIMIT_NAMESPACE).map((o) => o.manifest.kind);
    expect(redisOf(buildGitOps({ envs, rendered }), 'prod')).toEqual(expect.arrayContaining(['Deployment', 'Service']));
    // The fact decides, not the rendered BackendTrafficPolicies (still there, still global).
    for (const v of rendered.values()) v.facts = { ...v.facts, globalRateLimit: false };
    expect(rendered.get('dev')!.manifests.some((m) => m.kind === 'BackendTrafficPolicy')).toBe(true);
    const none = buildGitOps({ envs, rendered });
    expect(redisOf(none, 'prod')).toEqual([]);
    expect(redisOf(none, 'nonprod')).toEqual([]);
    rendered.get('dev')!.facts = { ...rendered.get('dev')!.facts, globalRateLimit: true };
    const devOnly = buildGitOps({ envs, rendered });
    expect(redisOf(devOnly, 'nonprod')).toEqual(expect.arrayContaining(['Deployment', 'Service']));
    expect(redisOf(devOnly, 'prod')).toEqual([]);
  });

  it('cert-manager answers DNS-01 in Route 53 with the IRSA role of its cluster', () => {
    const prod = envs.find((e) => e.name === 'prod')!;
    const values = find('Application', 'cert-manager-prod').spec.source.helm.valuesObject;
    expect(values.serviceAccount.annotations['eks.amazonaws.com/role-arn']).toBe(prod.gitops.acme.route53.roleArn);
    const issuer = argo.find((f) => f.path === `${GITOPS_GROUP}/clusters/prod/clusterissuer-${prod.ingress.clusterIssuer}.yaml`)!.manifest as Obj;
    expect(issuer['spec'].acme.solvers).toEqual([{ dns01: { route53: { region: prod.gitops.acme.route53.region, hostedZoneID: prod.gitops.acme.route53.hostedZoneID } } }]);
  });

  it('each cluster with a per-IP rate limit gets the Redis the rate limit service counts in, reachable only from that service', () => {
    const url = find('Application', 'envoy-gateway-prod').spec.source.helm.valuesObject.config.envoyGateway.rateLimit.backend.redis.url as string;
    const [host, port] = url.split(':') as [string, string];
    const [name, namespace] = host.split('.') as [string, string];
    const service = argo.find((f) => f.path === `${GITOPS_GROUP}/clusters/prod/service-${name}.yaml`)!.manifest as Obj;
    expect(service.metadata.namespace).toBe(namespace);
    expect(service['spec'].ports[0].port).toBe(Number(port));
    const policy = argo.find((f) => f.path === `${GITOPS_GROUP}/clusters/prod/networkpolicy-${name}.yaml`)!.manifest as Obj;
    expect(policy['spec'].ingress).toEqual([
      {
        from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'envoy-gateway-system' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'envoy-ratelimit', 'app.kubernetes.io/component': 'ratelimit', 'app.kubernetes.io/managed-by': 'envoy-gateway' } } }],
        ports: [{ port: Number(port), protocol: 'TCP' }],
      },
    ]);
    expect(find('AppProject', 'platform-add-ons').spec.destinations).toContainEqual({ server: envs.find((e) => e.name === 'prod')!.gitops.cluster.server, namespace });
  });

  it("lets each environment's Prometheus find the pods of its Gateway and of cert-manager, and nothing more", () => {
    for (const [cluster, ns] of [['nonprod', 'envoy-gateway-system'], ['nonprod', 'cert-manager'], ['prod', 'envoy-gateway-system']] as const) {
      const role = argo.find((f) => f.path === `${GITOPS_GROUP}/clusters/${cluster}/role-prometheus-pod-discovery-${ns}.yaml`)!.manifest as Obj;
      expect(role.metadata.namespace).toBe(ns);
      expect(role['rules']).toEqual([{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] }]);
      const binding = argo.find((f) => f.path === `${GITOPS_GROUP}/clusters/${cluster}/rolebinding-prometheus-pod-discovery-${ns}.yaml`)!.manifest as Obj;
      const expected = envs.filter((e) => e.gitops.cluster.name === cluster && e.monitoring.mode === 'plain').map((e) => ({ kind: 'ServiceAccount', name: 'prometheus', namespace: e.namespace }));
      expect(binding['subjects']).toEqual(expected);
    }
  });

  it('each cluster gets the GatewayClass its Gateways name, served by Envoy Gateway', () => {
    for (const e of envs) {
      const f = argo.find((x) => x.path === `${GITOPS_GROUP}/clusters/${e.gitops.cluster.name}/gatewayclass-${e.ingress.gatewayClassName}.yaml`);
      expect((f?.manifest as Obj | undefined)?.['spec'].controllerName).toBe('gateway.envoyproxy.io/gatewayclass-controller');
    }
  });

  it('each environment gets its ClusterSecretStore on its own cluster, and the issuer its Certificate names', () => {
    for (const e of envs) {
      const dir = `${GITOPS_GROUP}/clusters/${e.gitops.cluster.name}/`;
      expect(argo.map((f) => f.path)).toContain(`${dir}clustersecretstore-${e.secrets.store.name}.yaml`);
      expect(argo.map((f) => f.path)).toContain(`${dir}clusterissuer-${e.ingress.clusterIssuer}.yaml`);
    }
  });

  it('Applications are ordered: projects, then add-ons, then cluster configuration, then environments', () => {
    const wave = (kind: string, name: string) => Number((find(kind, name).metadata['annotations'] as Record<string, string>)['argocd.argoproj.io/sync-wave']);
    expect(wave('AppProject', 'agent-platform')).toBe(0);
    expect(wave('Application', 'external-secrets-prod')).toBeLessThan(wave('Application', 'cluster-config-prod'));
    expect(wave('Application', 'cluster-config-prod')).toBeLessThan(wave('Application', 'agent-platform-prod'));
    expect(wave('Application', 'gateway-crds-prod')).toBeLessThan(wave('Application', 'envoy-gateway-prod'));
    expect(wave('Application', 'envoy-gateway-prod')).toBeLessThan(wave('Application', 'agent-platform-prod'));
  });
});

describe('cluster add-ons', () => {
  it('every custom resource kind rendered for any environment has its add-on declared on that cluster', () => {
    const all = [...envFiles, ...argo];
    const addOnApps = new Set(argo.filter((f) => f.manifest.kind === 'Application').map((f) => f.manifest.metadata.name));
    const missing: string[] = [];
    for (const f of all) {
      const group = apiGroupOf(f.manifest.apiVersion);
      if (isBuiltInGroup(group) || BOOTSTRAP_GROUPS.has(group)) continue;
      const addOn = ADD_ONS.find((a) => a.provides.includes(group));
      const dir = f.path.split('/');
      const env = envs.find((e) => e.name === dir[0]);
      const cluster = env ? env.gitops.cluster.name : dir[2]!;
      if (!addOn || !addOnApps.has(`${addOn.key}-${cluster}`)) missing.push(`${f.path} (${group})`);
    }
    expect(missing).toEqual([]);
  });

  it('a custom resource without an add-on is an error at synth, not a failed sync', () => {
    const rendered = renderedFor();
    const dev = rendered.get('dev')!;
    dev.manifests.push({ apiVersion: 'kafka.strimzi.io/v1beta2', kind: 'Kafka', metadata: { name: 'events', namespace: 'agent-platform-dev' } });
    expect(() => buildGitOps({ envs, rendered })).toThrowError(
      'cluster nonprod: custom resources of API group kafka.strimzi.io are rendered but no add-on in stacks/add-ons.ts installs their CRDs',
    );
  });

  it('refuses environment data that puts the Gateway pods or cert-manager where their add-ons do not run', () => {
    const rendered = renderedFor();
    const moved = envs.map((e) => (e.name === 'dev' ? { ...e, network: { ...e.network, gatewayNamespace: 'edge' } } : e));
    expect(() => buildGitOps({ envs: moved, rendered })).toThrowError('environment dev: network.gatewayNamespace is edge, but the envoy-gateway add-on runs the Envoy pods in envoy-gateway-system');
    const split = envs.map((e) => (e.name === 'dev' ? { ...e, gitops: { ...e.gitops, acme: { ...e.gitops.acme, route53: { ...e.gitops.acme.route53, roleArn: 'arn:aws:iam::111111111111:role/other' } } } } : e));
    expect(() => buildGitOps({ envs: split, rendered })).toThrowError(/share one cert-manager but name different gitops\.acme\.route53\.roleArn/);
  });

  it('an add-on is declared only when something needs it: CloudNativePG appears with the first Cluster', () => {
    const rendered = renderedFor();
    // The ObjectStore goes too: it brings its plugin, and the plugin the operator.
    const withoutCnpg = (list: Manifest[]) => list.filter((m) => !/^(postgresql|barmancloud)\.cnpg\.io\//.test(m.apiVersion));
    for (const v of rendered.values()) v.manifests = withoutCnpg(v.manifests);
    const names = (out: ReturnType<typeof buildGitOps>) => out.map((o) => o.manifest.metadata.name);
    expect(names(buildGitOps({ envs, rendered }))).not.toContain('cloudnative-pg-prod');
    rendered.get('prod')!.manifests.push({ apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster', metadata: { name: 'pg', namespace: 'agent-platform-prod' } });
    const out = buildGitOps({ envs, rendered });
    expect(names(out)).toContain('cloudnative-pg-prod');
    expect(names(out)).not.toContain('cloudnative-pg-nonprod');
  });

  it('an ObjectStore brings the Barman Cloud plugin, which brings CloudNativePG and cert-manager and syncs after both', () => {
    const rendered = renderedFor();
    const out = buildGitOps({ envs, rendered });
    const app = (name: string) => out.find((o) => o.manifest.kind === 'Application' && o.manifest.metadata.name === name)?.manifest;
    const wave = (name: string) => Number((app(name)?.metadata['annotations'] as Record<string, string>)['argocd.argoproj.io/sync-wave']);
    expect(app('plugin-barman-cloud-prod')?.['spec']).toMatchObject({ destination: { namespace: 'cnpg-system' }, source: { chart: 'plugin-barman-cloud' } });
    expect(app('plugin-barman-cloud-nonprod')).toBeUndefined();
    expect(wave('plugin-barman-cloud-prod')).toBeGreaterThan(wave('cloudnative-pg-prod'));
    expect(wave('plugin-barman-cloud-prod')).toBeGreaterThan(wave('cert-manager-prod'));
    expect(wave('agent-platform-prod')).toBeGreaterThan(wave('plugin-barman-cloud-prod'));
    expect(ADD_ONS.find((a) => a.key === 'plugin-barman-cloud')?.requires).toEqual(['cloudnative-pg', 'cert-manager']);
  });

  it('the Prometheus Operator CRDs are installed exactly where ServiceMonitors are rendered (monitoring mode operator)', () => {
    const rendered = renderedFor();
    for (const v of rendered.values()) v.manifests = v.manifests.filter((m) => !m.apiVersion.startsWith('monitoring.coreos.com/'));
    rendered.get('staging')!.manifests.push({ apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor', metadata: { name: 'agent-api', namespace: 'agent-platform-staging' } });
    const names = buildGitOps({ envs, rendered }).map((o) => o.manifest.metadata.name);
    expect(names).toContain('prometheus-operator-crds-nonprod');
    expect(names).not.toContain('prometheus-operator-crds-prod');
  });

  it('environments that disagree on the Argo CD namespace are refused', () => {
    const odd = envs.map((e) => (e.name === 'dev' ? { ...e, gitops: { ...e.gitops, argoNamespace: 'gitops' } } : e));
    expect(() => buildGitOps({ envs: odd, rendered: renderedFor() })).toThrowError(/environments must agree on gitops.argoNamespace/);
  });
});

describe('bootstrap', () => {
  // Found by test/cluster/argo-cd.cluster.test.ts: the root applied alone stays `InvalidSpecError`
  // (its project does not exist yet, and only the root would create it).
  it('applies, with each Application applied by hand, the AppProject it belongs to, first', () => {
    const byPath = new Map(argo.map((f) => [f.path, f.manifest as Manifest & { spec: any }]));
    const applied = BOOTSTRAP_FILES.map((p) => {
      const m = byPath.get(p);
      if (!m) throw new Error(`BOOTSTRAP_FILES names ${p}, which is not rendered`);
      return m;
    });
    applied.forEach((m, i) => {
      if (m.kind !== 'Application' || m.spec.project === 'default') return;
      const project = applied.findIndex((p) => p.kind === 'AppProject' && p.metadata.name === m.spec.project);
      expect(project, `${m.metadata.name} needs AppProject ${m.spec.project} applied before it`).toBeGreaterThanOrEqual(0);
      expect(project).toBeLessThan(i);
    });
    expect(applied.some((m) => m.kind === 'Application')).toBe(true);
  });

  it('is what the README tells a person to apply', () => {
    const readme = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'gitops.md'), 'utf8');
    expect(readme).toContain(`kubectl apply -n argocd ${BOOTSTRAP_FILES.map((p) => `-f generated/${p}`).join(' ')}`);
  });
});

describe('cluster configuration the API server validates', () => {
  it('keeps each GatewayClass description within the CRD limit', () => {
    const classes = argo.filter((f) => f.manifest.kind === 'GatewayClass');
    expect(classes.length).toBeGreaterThan(0);
    for (const f of classes) {
      const description = (f.manifest as Manifest & { spec: { description?: string } }).spec.description ?? '';
      expect(Buffer.byteLength(description), f.path).toBeLessThanOrEqual(GATEWAY_CLASS_DESCRIPTION_MAX);
    }
  });
});

describe('Application diffing', () => {
  // Found by test/cluster/argo-cd.cluster.test.ts: with ServerSideApply and the client-side diff,
  // defaults the API server adds inside list items kept every environment OutOfSync after a sync.
  it('renders no source part Argo CD normalizes away (a zero-valued directory), which would never match the live Application', () => {
    for (const f of argo.filter((x) => x.manifest.kind === 'Application')) {
      const dir = (f.manifest as Manifest & { spec: any }).spec.source?.directory as Record<string, unknown> | undefined;
      if (!dir) continue;
      const zero = !dir['recurse'] && !dir['jsonnet'] && !dir['include'] && !dir['exclude'];
      expect(zero, `${f.path}: spec.source.directory ${JSON.stringify(dir)} is Argo CD's default`).toBe(false);
    }
  });

  it('diffs server-side wherever it applies server-side', () => {
    const apps = argo.filter((f) => f.manifest.kind === 'Application').map((f) => f.manifest as Manifest & { spec: any; metadata: { annotations?: Record<string, string> } });
    expect(apps.length).toBeGreaterThan(0);
    for (const a of apps) {
      if (!(a.spec.syncPolicy?.syncOptions ?? []).includes('ServerSideApply=true')) continue;
      expect(a.metadata.annotations?.[COMPARE_OPTIONS], a.metadata.name).toMatch(/(^|,)\s*ServerSideDiff=true\s*(,|$)/);
    }
  });
});
