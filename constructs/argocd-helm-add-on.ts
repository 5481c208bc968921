/**
 * A cluster add-on: an upstream Helm chart at the version pinned in `constructs/versions.ts`,
 * installed by Argo CD into its own namespace. The add-on records which API groups its CRDs
 * serve, so the stack can prove that every custom resource it renders has its operator installed.
 */
import { Construct } from 'constructs';
import { ArgoApplication, type SyncPolicy } from './argocd-application.ts';
import { CLUSTER_LABEL, PROVIDES_ANNOTATION, type Capability } from '../policies/cluster.ts';
import type { PinnedChart } from './versions.ts';

export interface ArgoHelmAddOnProps {
  /** Application name, e.g. `cert-manager-prod`. */
  readonly name: string;
  /** Namespace Argo CD runs in. */
  readonly argoNamespace: string;
  readonly project: string;
  readonly chart: PinnedChart;
  /** Cluster the add-on is installed in. */
  readonly server: string;
  /** Namespace the chart is installed into (created by Argo CD). */
  readonly namespace: string;
  /** @default {} */
  readonly values?: Record<string, unknown>;
  /** API groups of the custom resources this add-on serves, e.g. `['cert-manager.io']`. */
  readonly provides: readonly string[];
  /**
   * What else the add-on gives the cluster (an aggregated API, a volume provisioner, a controller
   * honouring an annotation); with `provides`, written into the Application's
   * `agent-platform.io/provides` annotation, where the policy rules read it.
   * @default []
   */
  readonly capabilities?: readonly Capability[];
  /** Name of the cluster, labelled `agent-platform.io/cluster` so checks of its environments find it. @default - unlabelled */
  readonly cluster?: string;
  readonly sync: SyncPolicy;
  /** Leave the chart's CRDs out; another add-on installs them. @default false */
  readonly skipCrds?: boolean;
  /** @default - the chart name, so resource names match the upstream documentation */
  readonly releaseName?: string;
}

export class ArgoHelmAddOn extends Construct {
  readonly name: string;
  readonly provides: readonly string[];
  readonly application: ArgoApplication;

  constructor(scope: Construct, id: string, props: ArgoHelmAddOnProps) {
    super(scope, id);
    if (!/^v?[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$/.test(props.chart.version)) {
      throw new Error(`ArgoHelmAddOn ${props.name}: chart ${props.chart.chart} version ${JSON.stringify(props.chart.version)} is not an exact version`);
    }
    this.name = props.name;
    this.provides = [...props.provides];
    const provided = [...props.provides.map((g) => `api:${g}`), ...(props.capabilities ?? [])];
    this.application = new ArgoApplication(this, 'application', {
      name: props.name,
      namespace: props.argoNamespace,
      project: props.project,
      source: { chart: props.chart, releaseName: props.releaseName ?? props.chart.chart, values: props.values ?? {}, skipCrds: props.skipCrds },
      destination: { server: props.server, namespace: props.namespace },
      sync: props.sync,
      createNamespace: true,
      // CRDs of cert-manager and the Prometheus Operator exceed the client-side apply annotation limit.
      serverSideApply: true,
      labels: { 'agent-platform.io/add-on': props.chart.chart, ...(props.cluster ? { [CLUSTER_LABEL]: props.cluster } : {}) },
      ...(provided.length > 0 ? { annotations: { [PROVIDES_ANNOTATION]: provided.join(',') } } : {}),
    });
  }
}
