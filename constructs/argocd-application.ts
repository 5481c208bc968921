/**
 * An Argo CD `Application`: one source (a directory of `generated/` or a pinned Helm chart) synced
 * to one destination, with the sync policy spelled out: automated with prune and self-heal, or
 * manual; retries with exponential backoff either way.
 */
import { CustomResource } from './custom-resource.ts';
import type { IApplication } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1/Application';
import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { componentLabels } from './labels.ts';
import type { PinnedChart } from './versions.ts';

/** A directory of rendered YAML in a git repository. */
export interface DirectorySource {
  readonly repoURL: string;
  readonly targetRevision: string;
  /** Directory inside the repository, e.g. `generated/prod`. */
  readonly path: string;
}

/** An upstream Helm chart at a pinned version, with its values. */
export interface HelmSource {
  readonly chart: PinnedChart;
  /** Helm release name. @default - the Application's name */
  readonly releaseName?: string;
  /** Values passed to the chart. @default {} */
  readonly values?: Record<string, unknown>;
  /** Leave out the chart's `crds/` (another Application installs them). @default false */
  readonly skipCrds?: boolean;
}

export interface SyncPolicy {
  /** Sync every new revision without a human. */
  readonly automated: boolean;
  /** With `automated`: delete objects that left the source. @default true */
  readonly prune?: boolean;
  /** With `automated`: revert changes made in the cluster. @default true */
  readonly selfHeal?: boolean;
  /** Retries of a failed sync. @default - 5 retries, 10 s doubling up to 5 min */
  readonly retry?: { readonly limit: number; readonly backoff: Duration; readonly factor: number; readonly maxBackoff: Duration };
}

/** Argo CD's per-Application diff options (common.AnnotationCompareOptions). */
export const COMPARE_OPTIONS = 'argocd.argoproj.io/compare-options';

export interface ArgoApplicationProps {
  readonly name: string;
  /** Namespace Argo CD runs in. */
  readonly namespace: string;
  /** The AppProject that fences this Application. */
  readonly project: string;
  readonly source: DirectorySource | HelmSource;
  readonly destination: { readonly server: string; readonly namespace: string };
  readonly sync: SyncPolicy;
  /**
   * Create the destination namespace if missing. Our environments render their Namespace (with its
   * Pod Security labels) themselves; add-on charts rely on this.
   * @default false
   */
  readonly createNamespace?: boolean;
  /**
   * Apply server-side: needed for objects over the 256 KiB client-side annotation limit (CRDs,
   * dashboards), and lets controllers own the fields they manage.
   * @default true
   */
  readonly serverSideApply?: boolean;
  /** Extra labels, e.g. the environment. @default {} */
  readonly labels?: Record<string, string>;
  /** Annotations, e.g. what an add-on provides. @default - none */
  readonly annotations?: Record<string, string>;
}

/** Whether a chart is published to an OCI registry rather than a Helm repository. */
function isOciChart(chart: PinnedChart): boolean {
  return chart.repoURL.startsWith('oci://');
}

/** The URL an Application (and its AppProject's sourceRepos) names for a chart. */
export function chartSourceURL(chart: PinnedChart): string {
  return isOciChart(chart) ? `${chart.repoURL}/${chart.chart}` : chart.repoURL;
}

/** Go duration (`10s`, `5m`) of a cdk8s Duration, as Argo CD's retry backoff reads it. */
function goDuration(d: Duration): string {
  const seconds = d.toSeconds();
  if (!Number.isInteger(seconds) || seconds <= 0) throw new Error(`a backoff of ${seconds} s is not a whole, positive number of seconds`);
  return seconds % 60 === 0 ? `${seconds / 60}m` : `${seconds}s`;
}

export class ArgoApplication extends Construct {
  readonly name: string;

  constructor(scope: Construct, id: string, props: ArgoApplicationProps) {
    super(scope, id);
    this.name = props.name;
    const retry = props.sync.retry ?? { limit: 5, backoff: Duration.seconds(10), factor: 2, maxBackoff: Duration.minutes(5) };
    if (retry.maxBackoff.toSeconds() < retry.backoff.toSeconds()) {
      throw new Error(`ArgoApplication ${props.name}: retry.maxBackoff (${goDuration(retry.maxBackoff)}) is shorter than retry.backoff (${goDuration(retry.backoff)})`);
    }
    const isHelm = 'chart' in props.source;
    const pinned = isHelm ? (props.source as HelmSource).chart : undefined;
    const source = pinned
      ? {
          repoURL: chartSourceURL(pinned),
          // An OCI chart is Argo CD's native OCI source (3.1+): the artifact's root is the chart,
          // and no repository Secret with enableOCI is needed for a public registry.
          ...(isOciChart(pinned) ? { path: '.' } : { chart: pinned.chart }),
          targetRevision: pinned.version,
          helm: {
            releaseName: (props.source as HelmSource).releaseName ?? props.name,
            valuesObject: (props.source as HelmSource).values ?? {},
            ...((props.source as HelmSource).skipCrds ? { skipCrds: true } : {}),
          },
        }
      : {
          repoURL: (props.source as DirectorySource).repoURL,
          targetRevision: (props.source as DirectorySource).targetRevision,
          path: (props.source as DirectorySource).path,
          // No `directory: { recurse: false }`: that is the default, and Argo CD normalizes a
          // zero-valued source part away (util/argo NormalizeSource), so the live Application
          // would never match it and the root would stay OutOfSync, re-syncing (found by Argo CD
          // in the harness, test/cluster/argo-cd.cluster.test.ts).
        };
    const serverSideApply = props.serverSideApply ?? true;
    const syncOptions = [
      `CreateNamespace=${props.createNamespace ?? false}`,
      // Deletions happen after everything else is healthy, so a rename never leaves a gap.
      'PruneLast=true',
      ...(serverSideApply ? ['ServerSideApply=true'] : []),
    ];
    const annotations = {
      ...props.annotations,
      // Diff as the server would apply: with server-side apply and no last-applied annotation, the
      // client-side diff counts every field the API server or a CRD defaults inside a list item
      // (ExternalSecret remoteRef strategies, HTTPRoute backendRef group/kind/weight, StatefulSet
      // claim templates) as drift, so the Application never reports Synced and self-heal re-syncs
      // forever (found by Argo CD in the harness, test/cluster/argo-cd.cluster.test.ts).
      ...(serverSideApply ? { [COMPARE_OPTIONS]: 'ServerSideDiff=true' } : {}),
    };
    new CustomResource<IApplication>(this, 'application', {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: {
        name: props.name,
        namespace: props.namespace,
        labels: { ...componentLabels(props.name, 'gitops'), ...props.labels },
        ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
      },
      spec: {
        project: props.project,
        source,
        destination: { server: props.destination.server, namespace: props.destination.namespace },
        syncPolicy: {
          automated: props.sync.automated ? { prune: props.sync.prune ?? true, selfHeal: props.sync.selfHeal ?? true } : undefined,
          syncOptions,
          retry: {
            limit: retry.limit,
            backoff: { duration: goDuration(retry.backoff), factor: retry.factor, maxDuration: goDuration(retry.maxBackoff) },
          },
        },
        revisionHistoryLimit: 10,
      },
    });
  }
}
