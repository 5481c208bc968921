/**
 * What the clusters provide for what their environments assume (metrics API, storage classes and
 * their driver, restarts on rotation), and the projects that fence Argo CD's own namespace.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { loadEnvironments } from '../../environments/load.ts';
import type { Environment } from '../../environments/schema/index.ts';
import { claimsOf, ClusterCapabilities, objectsOfCluster, METRICS_API } from '../../policies/cluster.ts';
import { IN_CLUSTER } from '../../stacks/argocd-projects.ts';
import { buildGitOps, renderGitOps } from '../../stacks/gitops.ts';
import type { RenderedFile } from '../../stacks/render.ts';
import { renderEnvironments, type EditableEnvironment } from '../support/rendered-environments.ts';
import type { Manifest } from '../../kube/object.ts';

let envs: Environment[];
let envFiles: RenderedFile[];
/** Each environment's manifests by name, a fresh map for each test to change. */
let renderedFor: () => Map<string, EditableEnvironment>;
let argo: Manifest[];

beforeAll(async () => {
  envs = loadEnvironments(join(import.meta.dirname, '..', '..', 'environments'));
  const rendered = await renderEnvironments(envs);
  envFiles = rendered.files;
  renderedFor = rendered.byEnvironment;
  argo = (await renderGitOps(envs, renderedFor())).map((f) => f.manifest);
});


const names = (out: ReturnType<typeof buildGitOps>) => out.map((o) => o.manifest.metadata.name);
const get = (kind: string, name: string): any => {
  const m = argo.find((x) => x.kind === kind && x.metadata.name === name);
  if (!m) throw new Error(`no ${kind} ${name}`);
  return m;
};

describe('Argo CD projects', () => {
  it('the root Application may manage only Applications and AppProjects in Argo CD\'s namespace', () => {
    expect(get('Application', 'agent-platform-root').spec.project).toBe('platform-root');
    const root = get('AppProject', 'platform-root').spec;
    expect(root.destinations).toEqual([{ server: IN_CLUSTER, namespace: 'argocd' }]);
    expect(root.namespaceResourceWhitelist).toEqual([
      { group: 'argoproj.io', kind: 'AppProject' },
      { group: 'argoproj.io', kind: 'Application' },
    ]);
    expect(root.clusterResourceWhitelist).toEqual([]);
  });

  it('no other project reaches Argo CD\'s namespace', () => {
    for (const p of argo.filter((m) => m.kind === 'AppProject' && m.metadata.name !== 'platform-root')) {
      expect((p as any).spec.destinations.map((d: any) => d.namespace), p.metadata.name).not.toContain('argocd');
    }
  });
});

describe('metrics-server', () => {
  it('is an add-on of exactly the clusters that run a Resource-metric HPA', () => {
    const hpaClusters = new Set(envs.filter((e) => envFiles.some((f) => f.path.startsWith(`${e.name}/`) && f.manifest.kind === 'HorizontalPodAutoscaler')).map((e) => e.gitops.cluster.name));
    expect(hpaClusters.size).toBeGreaterThan(0);
    for (const c of new Set(envs.map((e) => e.gitops.cluster.name))) {
      const caps = new ClusterCapabilities(objectsOfCluster(argo, c));
      expect(caps.has(METRICS_API), c).toBe(hpaClusters.has(c));
    }
    const rendered = renderedFor();
    for (const v of rendered.values()) v.manifests = v.manifests.filter((m) => m.kind !== 'HorizontalPodAutoscaler');
    expect(names(buildGitOps({ envs, rendered })).filter((n) => n.startsWith('metrics-server'))).toEqual([]);
  });

  it('verifies kubelet certificates and reaches kubelets by internal IP (chart defaults, no insecure TLS)', () => {
    const values = get('Application', 'metrics-server-prod').spec.source.helm.valuesObject;
    expect(JSON.stringify(values)).not.toContain('kubelet-insecure-tls');
    expect(values.args).toBeUndefined();
    expect(values.replicas).toBe(2);
  });

  it('is verified by the API server: cert-manager issues its certificate, after cert-manager is installed', () => {
    const app = get('Application', 'metrics-server-prod');
    expect(app.spec.source.helm.valuesObject).toMatchObject({ tls: { type: 'cert-manager' }, apiService: { insecureSkipTLSVerify: false } });
    const wave = (name: string) => Number(get('Application', name).metadata.annotations['argocd.argoproj.io/sync-wave']);
    expect(wave('metrics-server-prod')).toBeGreaterThan(wave('cert-manager-prod'));
  });
});

describe('storage', () => {
  it('every claim of every environment names a class its cluster declares, provisioned by an add-on', () => {
    for (const e of envs) {
      const caps = new ClusterCapabilities(objectsOfCluster(argo, e.gitops.cluster.name));
      const claims = envFiles.filter((f) => f.path.startsWith(`${e.name}/`)).flatMap((f) => claimsOf(f.manifest).map((c) => ({ ...c, file: f.path })));
      expect(claims.length, e.name).toBeGreaterThan(3);
      for (const c of claims) {
        expect(c.storageClass, `${c.file}: ${c.path}`).toBe('gp3');
        expect(caps.storageClassProblem(c.storageClass!), `${c.file}: ${c.path}`).toBeUndefined();
      }
    }
  });

  it('gp3 is encrypted EBS gp3, bound when the pod is scheduled, and expandable', () => {
    const sc = get('StorageClass', 'gp3');
    expect(sc).toMatchObject({ provisioner: 'ebs.csi.aws.com', parameters: { type: 'gp3', encrypted: 'true' }, volumeBindingMode: 'WaitForFirstConsumer', allowVolumeExpansion: true });
  });

  it('the EBS CSI controller assumes the cluster\'s role through IRSA', () => {
    const values = get('Application', 'aws-ebs-csi-driver-prod').spec.source.helm.valuesObject;
    expect(values.controller.serviceAccount.annotations['eks.amazonaws.com/role-arn']).toBe(envs.find((e) => e.name === 'prod')!.gitops.storage.ebsCsiRoleArn);
    expect(values.storageClasses).toEqual([]);
  });

  it('declares the classes the environments report, refuses a class nothing declares, and a cluster without the driver\'s role', () => {
    const rendered = renderedFor();
    const classes = (out: ReturnType<typeof buildGitOps>) => out.filter((o) => o.manifest.kind === 'StorageClass').map((o) => o.path);
    expect(classes(buildGitOps({ envs, rendered }))).toEqual(['argocd/clusters/nonprod/storageclass-gp3.yaml', 'argocd/clusters/prod/storageclass-gp3.yaml']);
    // The reported classes decide, not the claims (still there, still naming gp3).
    const unreported = new Map([...rendered].map(([k, v]) => [k, { ...v, facts: { ...v.facts, storageClasses: [] } }]));
    expect(classes(buildGitOps({ envs, rendered: unreported }))).toEqual([]);
    const dev = rendered.get('dev')!;
    const odd = { ...dev, facts: { ...dev.facts, storageClasses: [...dev.facts.storageClasses, 'io9'] } };
    expect(() => buildGitOps({ envs, rendered: new Map([...rendered, ['dev', odd]]) })).toThrowError(/cluster nonprod: claims name StorageClass "io9", which no cluster configuration declares; expected one of gp3/);
    const noRole = envs.map((e) => ({ ...e, gitops: { ...e.gitops, storage: { defaultClass: 'gp3' } } }));
    expect(() => buildGitOps({ envs: noRole, rendered })).toThrowError(/cluster nonprod: a StorageClass uses ebs.csi.aws.com, whose controller needs an IAM role; set gitops.storage.ebsCsiRoleArn/);
  });

  it('claims of Prometheus and Alertmanager take the cluster default when their environment names none', () => {
    for (const name of ['prometheus', 'alertmanager']) {
      const f = envFiles.find((x) => x.path === `dev/statefulset-${name}.yaml`)!;
      expect((f.manifest as any).spec.volumeClaimTemplates[0].spec.storageClassName).toBe('gp3');
    }
  });
});

describe('Reloader', () => {
  it('is an add-on where a reload annotation is rendered, watching Secrets of annotated workloads only', () => {
    const values = get('Application', 'reloader-prod').spec.source.helm.valuesObject.reloader;
    expect(values).toMatchObject({ autoReloadAll: false, ignoreConfigMaps: true, reloadStrategy: 'annotations' });
    const rendered = renderedFor();
    for (const [k, v] of rendered) {
      rendered.set(k, { ...v, manifests: v.manifests.map((m) => {
        const c = structuredClone(m);
        delete (c.metadata['annotations'] as Record<string, string> | undefined)?.['secret.reloader.stakater.com/reload'];
        return c;
      }) });
    }
    expect(names(buildGitOps({ envs, rendered })).filter((n) => n.startsWith('reloader'))).toEqual([]);
  });
});
