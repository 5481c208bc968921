/**
 * A Job that runs one idempotent script from a {@link ScriptConfigMap} on every sync (an Argo CD
 * `Sync` hook, recreated each time; under Pulumi, replaced when its spec changes), so a rotated
 * password or a changed setting reaches its store on the next sync.
 *
 * `Sync`, not `PostSync`: Argo CD runs PostSync hooks only once every resource is Healthy
 * (https://argo-cd.readthedocs.io/en/stable/user-guide/sync-waves/, "PostSync: executes after all
 * Sync hooks completed and were successful, a successful application, and all resources in a
 * Healthy state"), but what these Jobs create (database roles, Elasticsearch users) is what the
 * service's readiness needs, so a fresh environment would wait for itself forever. A Sync hook runs
 * in its sync wave, after the store it initialises and before its consumers (the waves come from
 * the relations its store's module reports, `connections.startsAfter`), and Argo CD waits for it to complete. Secure by default like every
 * pod here: its own ServiceAccount without a token, restricted security context, read-only root
 * filesystem with a small `/tmp`, and a NetworkPolicy that admits nothing until relationships do.
 */
import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import type { Resources } from './resources.ts';
import { caVolume, caVolumeMount, type CaBundle } from './ca-bundle.ts';
import { Connections, type Connectable } from './connections.ts';
import { k8s } from './k8s.ts';
import { componentLabels, selectorLabels } from './labels.ts';
import { containerResources } from './resources.ts';
import type { ScriptConfigMap } from './script-config-map.ts';
import { DEFAULT_UID, restrictedContainerSecurityContext, restrictedPodSecurityContext } from './security.ts';

export interface ScriptJobProps {
  readonly name: string;
  readonly component: string;
  /** An image with the script's tools (bash, psql, curl, ...). */
  readonly image: string;
  readonly scripts: ScriptConfigMap;
  /** File name of the script inside `scripts`. */
  readonly script: string;
  /** Settings, and secrets by `secretKeyRef` only. */
  readonly env: readonly k8s.EnvVar[];
  readonly resources: Resources;
  /** Size of the writable `/tmp`. @default '16Mi' */
  readonly tmpSize?: string;
  /** Longest the Job may run, waiting for its store included. @default Duration.minutes(15) */
  readonly activeDeadline?: Duration;
  /** Private CA certificates the script verifies servers against, each mounted read-only. @default - none */
  readonly caBundles?: readonly CaBundle[];
}

export class ScriptJob extends Construct implements Connectable {
  readonly jobName: string;
  readonly connections: Connections;
  /**
   * The Secrets the Job's pod reads at start (its `secretKeyRef`s and CA bundles), sorted, once
   * each. A Job applies them once, so whoever delivers new values re-runs it (the Pulumi program
   * replaces it on a digest of them, stacks/pulumi/program.ts).
   */
  readonly secretNames: readonly string[];

  constructor(scope: Construct, id: string, props: ScriptJobProps) {
    super(scope, id);
    const { name } = props;
    this.jobName = name;
    const referenced = props.env.flatMap((e) => (e.valueFrom?.secretKeyRef?.name ? [e.valueFrom.secretKeyRef.name] : []));
    this.secretNames = [...new Set([...referenced, ...(props.caBundles ?? []).map((ca) => ca.secretName)])].sort();
    const labels = componentLabels(name, props.component);
    this.connections = new Connections(this, { name, component: props.component, podSelector: selectorLabels(name) });

    new k8s.KubeServiceAccount(this, 'service-account', { metadata: { name, labels }, automountServiceAccountToken: false });
    new k8s.KubeJob(this, 'job', {
      metadata: {
        name,
        labels,
        annotations: {
          'argocd.argoproj.io/hook': 'Sync',
          'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation',
        },
      },
      spec: {
        backoffLimit: 3,
        activeDeadlineSeconds: (props.activeDeadline ?? Duration.minutes(15)).toSeconds(),
        template: {
          metadata: { labels, annotations: { 'checksum/scripts': props.scripts.checksum } },
          spec: {
            restartPolicy: 'Never',
            serviceAccountName: name,
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            securityContext: restrictedPodSecurityContext(DEFAULT_UID),
            containers: [
              {
                name: 'init',
                image: props.image,
                imagePullPolicy: 'IfNotPresent',
                command: props.scripts.command(props.script),
                // The clients write their history and caches under HOME; /tmp is the only writable path.
                env: [...props.env, { name: 'HOME', value: '/tmp' }],
                resources: containerResources(props.resources),
                securityContext: { ...restrictedContainerSecurityContext(), runAsUser: DEFAULT_UID, runAsGroup: DEFAULT_UID },
                volumeMounts: [props.scripts.mount(), { name: 'tmp', mountPath: '/tmp' }, ...(props.caBundles ?? []).map(caVolumeMount)],
              },
            ],
            volumes: [
              props.scripts.volume(),
              { name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString(props.tmpSize ?? '16Mi') } },
              ...(props.caBundles ?? []).map(caVolume),
            ],
          },
        },
      },
    });
  }
}
