/**
 * The CustomResourceDefinitions of the add-ons the rendered objects rely on, installed into a
 * control plane from upstream's own source tree at the pinned release (the Go module of each
 * project, from the Go module proxy), never from copies written here. Versions are those of
 * constructs/versions.ts.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { ARGO_CD, CHARTS, GATEWAY_API } from '../../constructs/versions.ts';
import type { ControlPlane } from './control-plane.ts';
import { goModuleDir } from './go-modules.ts';

/** One upstream directory of CRD manifests. */
export interface CrdSource {
  /** The add-on, as constructs/versions.ts names it. */
  readonly addOn: string;
  readonly module: string;
  readonly version: string;
  /** Directory inside the module whose `*.yaml` files (kustomization.yaml aside) are applied. */
  readonly dir: string;
  /** Why the module version is not the pinned one, when it is not. */
  readonly mismatch?: string;
}

/** `v`-prefixed, as Go module versions are. */
const v = (version: string): string => (version.startsWith('v') ? version : `v${version}`);

export const CRD_SOURCES: readonly CrdSource[] = [
  {
    addOn: 'cloudNativePg',
    module: 'github.com/cloudnative-pg/cloudnative-pg',
    version: v(CHARTS.cloudNativePg.appVersion),
    dir: 'config/crd/bases',
  },
  {
    addOn: 'barmanCloudPlugin',
    module: 'github.com/cloudnative-pg/plugin-barman-cloud',
    version: v(CHARTS.barmanCloudPlugin.appVersion),
    dir: 'config/crd/bases',
  },
  {
    // The chart's CRDs are rendered from this directory (its README calls it the CRDs' source);
    // the chart only adds labels and a keep policy.
    addOn: 'certManager',
    module: 'github.com/cert-manager/cert-manager',
    version: v(CHARTS.certManager.version),
    dir: 'deploy/crds',
  },
  {
    // External Secrets 2.x keeps the module path github.com/external-secrets/external-secrets (no
    // /v2 suffix), so no 2.x tag is a valid version of any module: the proxy answers "not
    // available" for v2.9.0, v2.9.0+incompatible and .../v2@v2.9.0, and lists only v0.16.2 and
    // v1.3.2 for the module (checked 2026-11-28). v1.3.2, the newest it serves, has the
    // external-secrets.io/v1 kinds the output uses (ExternalSecret, ClusterSecretStore); fields
    // added after 1.3 would be rejected here though 2.9.0 accepts them.
    addOn: 'externalSecrets',
    module: 'github.com/external-secrets/external-secrets',
    version: 'v1.3.2',
    dir: 'config/crds/bases',
    mismatch: `chart ${CHARTS.externalSecrets.version} (${CHARTS.externalSecrets.appVersion}) is not served by the Go module proxy; CRDs of v1.3.2`,
  },
  {
    addOn: 'argoCd',
    module: 'github.com/argoproj/argo-cd/v3',
    version: ARGO_CD.version,
    dir: 'manifests/crds',
  },
  {
    // The Gateway API release Envoy Gateway bundles, on the channel the clusters install.
    addOn: 'gatewayCrds',
    module: 'sigs.k8s.io/gateway-api',
    version: GATEWAY_API.version,
    dir: `config/crd/${GATEWAY_API.channel}`,
  },
  {
    // Envoy Gateway's own kinds, as its gateway-helm chart ships them (plain CRDs in the chart's
    // crds/ directory; gateway-crds-helm wraps the same files in Helm conditionals).
    addOn: 'envoyGateway',
    module: 'github.com/envoyproxy/gateway',
    version: CHARTS.envoyGateway.version,
    dir: 'charts/gateway-helm/charts/crds/crds/generated',
  },
  {
    // The directory prometheus-community's CRD charts are updated from.
    addOn: 'prometheusOperatorCrds',
    module: 'github.com/prometheus-operator/prometheus-operator',
    version: v(CHARTS.prometheusOperatorCrds.appVersion),
    dir: 'example/prometheus-operator-crd',
  },
];

type Manifest = { apiVersion?: string; kind?: string; metadata?: { name?: string } };

/** The manifests of one source, read from its module in the Go module cache. */
export function crdManifests(source: CrdSource): { file: string; docs: Manifest[] }[] {
  const root = join(goModuleDir(source.module, source.version), source.dir);
  return readdirSync(root)
    .filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml')
    .sort()
    .map((f) => {
      const file = join(root, f);
      return { file, docs: (yaml.loadAll(readFileSync(file, 'utf8')) as Manifest[]).filter((d) => d && typeof d === 'object') };
    });
}

/** Names of the CRDs the sources define. */
export function crdNames(sources: readonly CrdSource[] = CRD_SOURCES): string[] {
  return sources.flatMap((s) => crdManifests(s).flatMap((m) => m.docs.filter((d) => d.kind === 'CustomResourceDefinition').map((d) => d.metadata!.name!)));
}

/**
 * Applies every source's manifests with server-side apply (the Prometheus CRDs exceed the
 * annotation limit of client-side apply) and waits until every CRD is Established.
 * @returns the names of the CRDs installed
 */
export function installCrds(plane: Pick<ControlPlane, 'kubectl'>, sources: readonly CrdSource[] = CRD_SOURCES): string[] {
  const names: string[] = [];
  for (const source of sources) {
    for (const { file, docs } of crdManifests(source)) {
      plane.kubectl(['apply', '--server-side', '--field-manager=agent-platform-harness', '-f', file]);
      names.push(...docs.filter((d) => d.kind === 'CustomResourceDefinition').map((d) => d.metadata!.name!));
    }
  }
  plane.kubectl(['wait', '--for=condition=Established', '--timeout=120s', ...names.map((n) => `customresourcedefinition/${n}`)]);
  return names;
}
