/**
 * A backup of one store as a CronJob, and optionally its restore as a suspended CronJob that an
 * operator starts by hand (`kubectl create job --from=cronjob/<name>-restore ...`): the restore
 * procedure is rendered, reviewed and versioned like everything else, but never runs by itself.
 *
 * Each runs its steps in order in one pod: every step but the last is an init container, the last
 * is the main container, so a failed dump never reaches the upload. Steps share `/work`
 * (BACKUP_DIR for backups, RESTORE_DIR for restores; a claim made per Job, or an `emptyDir`) and
 * `/tmp`, and run a script from
 * a {@link ScriptConfigMap} with `set -euo pipefail`; any non-zero exit fails the Job.
 *
 * Secure by default: non-root, read-only root filesystem, no capabilities, no Kubernetes API token;
 * `concurrencyPolicy: Forbid`, deadlines, a bounded retry and history, requests and limits.
 */
import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import type { Resources } from './resources.ts';
import { caVolume, caVolumeMount, type CaBundle } from './ca-bundle.ts';
import { singlePodAccessMode } from './access-mode.ts';
import { Connections, type Connectable } from './connections.ts';
import { k8s } from './k8s.ts';
import { componentLabels, selectorLabels } from './labels.ts';
import { containerResources } from './resources.ts';
import type { ScriptConfigMap } from './script-config-map.ts';
import { DEFAULT_UID, restrictedContainerSecurityContext, restrictedPodSecurityContext } from './security.ts';
import { reportClaim } from './storage-claims.ts';
import { cronLongestGapSeconds } from '../kube/cron-schedule.ts';

/** One step of a backup or restore pod. */
export interface JobStep {
  /** Container name. */
  readonly name: string;
  readonly image: string;
  /** Script file in the ScriptConfigMap. */
  readonly script: string;
  /** @default - none */
  readonly env?: readonly k8s.EnvVar[];
  /** uid (and gid) the step runs as. @default 1000 */
  readonly uid?: number;
  /** @default - the job's `resources` */
  readonly resources?: Resources;
  /** Mounts besides the scripts, `/work` and `/tmp` (e.g. a data volume for a restore). @default - none */
  readonly volumeMounts?: readonly k8s.VolumeMount[];
  /** Private CA certificates the step verifies servers against, mounted read-only. @default - none */
  readonly caBundles?: readonly CaBundle[];
}

export interface BackupCronJobProps {
  /** Name of the CronJob (`<store>-backup`); the restore is `<name>-restore`. */
  readonly name: string;
  /** The store it backs up, for labels and alerts (`postgres`, `redis`, `elasticsearch`). */
  readonly store: string;
  /** Five-field cron schedule. */
  readonly schedule: string;
  /** @default 'Etc/UTC' */
  readonly timeZone?: string;
  readonly scripts: ScriptConfigMap;
  readonly serviceAccountName: string;
  /** The backup's steps, in order. */
  readonly steps: readonly JobStep[];
  /** The restore's steps, in order. @default - no restore CronJob */
  readonly restoreSteps?: readonly JobStep[];
  /** Extra pod volumes the restore steps mount. @default - none */
  readonly restoreVolumes?: readonly k8s.Volume[];
  /**
   * `fsGroup` of the restore pod: the store's own group when a restore mounts the store's volume,
   * so the kubelet does not re-own the volume to another group.
   * @default 1000
   */
  readonly restoreFsGroup?: number;
  /** @default 100m/256Mi requested, 512Mi limit */
  readonly resources?: Resources;
  /**
   * A volume of its own for `/work`, which holds the dumps: a claim created with each Job and
   * deleted with it (generic ephemeral volume), for dumps larger than a node's ephemeral storage.
   * @default - an `emptyDir` of at most 20Gi
   */
  readonly workStorage?: { readonly size: string; readonly storageClass?: string };
  /** A run not started this long after its time is skipped (and counts as missed). @default Duration.minutes(30) */
  readonly startingDeadline?: Duration;
  /** A run is killed after this long. @default Duration.hours(2) */
  readonly activeDeadline?: Duration;
  /** Retries of a failed run. @default 1 */
  readonly backoffLimit?: number;
  /**
   * Age of the last successful run beyond which the backup counts as stale, for the freshness alert.
   * @default - the schedule's period plus the starting and active deadlines
   */
  readonly maxAge?: Duration;
}

const DEFAULT_RESOURCES: Resources = { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '512Mi' } };
const WORK = '/work';

/**
 * The longest time between two runs of a cron schedule, in seconds, for any schedule Kubernetes
 * accepts (see kube/cron-schedule.ts); throws for a schedule that never runs.
 */
export const cronPeriodSeconds = cronLongestGapSeconds;

export class BackupCronJob extends Construct implements Connectable {
  readonly cronJobName: string;
  readonly restoreCronJobName?: string;
  readonly store: string;
  /** The ServiceAccount its backup and restore pods run as: it needs the bucket. */
  readonly serviceAccountName: string;
  /** Bound on the age of the last successful backup; older means the backup is stale. */
  readonly maxAge: Duration;
  /** Backup and restore pods share one network identity: both reach the store and the bucket. */
  readonly connections: Connections;

  constructor(scope: Construct, id: string, props: BackupCronJobProps) {
    super(scope, id);
    if (props.steps.length === 0) throw new Error(`BackupCronJob ${props.name}: steps is empty; give at least the dump step`);
    if (props.restoreSteps !== undefined && props.restoreSteps.length === 0) {
      throw new Error(`BackupCronJob ${props.name}: restoreSteps is empty; omit it for no restore`);
    }
    if (props.backoffLimit !== undefined && (props.backoffLimit < 0 || props.backoffLimit > 5)) {
      throw new Error(`BackupCronJob ${props.name}: backoffLimit ${props.backoffLimit} is outside 0..5`);
    }
    const startingDeadline = props.startingDeadline ?? Duration.minutes(30);
    const activeDeadline = props.activeDeadline ?? Duration.hours(2);
    if (startingDeadline.toSeconds() < 10) {
      throw new Error(`BackupCronJob ${props.name}: startingDeadline ${startingDeadline.toSeconds()}s is under 10s; the CronJob controller may never start it`);
    }
    this.cronJobName = props.name;
    this.store = props.store;
    this.serviceAccountName = props.serviceAccountName;
    this.maxAge =
      props.maxAge ?? Duration.seconds(cronPeriodSeconds(props.schedule) + startingDeadline.toSeconds() + activeDeadline.toSeconds());
    const selector = selectorLabels(props.name);
    this.connections = new Connections(this, { name: props.name, component: 'backup', podSelector: selector });

    reportClaim(this, props.workStorage?.storageClass);
    const work: k8s.Volume = props.workStorage
      ? {
          name: 'work',
          ephemeral: {
            volumeClaimTemplate: {
              metadata: { labels: componentLabels(props.name, 'backup') },
              spec: {
                accessModes: [singlePodAccessMode(props.workStorage.storageClass)],
                storageClassName: props.workStorage.storageClass,
                resources: { requests: { storage: k8s.Quantity.fromString(props.workStorage.size) } },
              },
            },
          },
        }
      : { name: 'work', emptyDir: { sizeLimit: k8s.Quantity.fromString('20Gi') } };
    const job = (name: string, component: string, steps: readonly JobStep[], workEnv: string, extraVolumes: readonly k8s.Volume[], restore: boolean) => {
      const labels = { ...componentLabels(props.name, component), 'agent-platform.io/store': props.store };
      const containers = steps.map((s) => this.container(props, s, workEnv));
      // One volume per CA, however many steps mount it.
      const cas = [...new Map(steps.flatMap((s) => s.caBundles ?? []).map((ca) => [ca.volumeName, ca])).values()];
      new k8s.KubeCronJob(this, name === props.name ? 'cron-job' : 'restore-cron-job', {
        metadata: { name, labels },
        spec: {
          // February 31st never comes: a restore runs only when started by hand, even if unsuspended.
          schedule: restore ? '0 0 31 2 *' : props.schedule,
          timeZone: props.timeZone ?? 'Etc/UTC',
          suspend: restore || undefined,
          concurrencyPolicy: 'Forbid',
          startingDeadlineSeconds: startingDeadline.toSeconds(),
          successfulJobsHistoryLimit: 3,
          failedJobsHistoryLimit: 3,
          jobTemplate: {
            metadata: { labels },
            spec: {
              backoffLimit: props.backoffLimit ?? 1,
              activeDeadlineSeconds: activeDeadline.toSeconds(),
              // Finished Jobs stay a day for their logs; the CronJob's history limits bound them too.
              ttlSecondsAfterFinished: 86_400,
              template: {
                metadata: { labels, annotations: { 'checksum/scripts': props.scripts.checksum } },
                spec: {
                  restartPolicy: 'Never',
                  serviceAccountName: props.serviceAccountName,
                  automountServiceAccountToken: false,
                  enableServiceLinks: false,
                  securityContext: { ...restrictedPodSecurityContext(DEFAULT_UID), fsGroup: restore ? (props.restoreFsGroup ?? DEFAULT_UID) : DEFAULT_UID },
                  initContainers: containers.length > 1 ? containers.slice(0, -1) : undefined,
                  containers: containers.slice(-1),
                  volumes: [
                    props.scripts.volume(),
                    work,
                    { name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('256Mi') } },
                    ...extraVolumes,
                    ...cas.map(caVolume),
                  ],
                },
              },
            },
          },
        },
      });
    };

    job(props.name, 'backup', props.steps, 'BACKUP_DIR', [], false);
    if (props.restoreSteps) {
      this.restoreCronJobName = `${props.name}-restore`;
      job(this.restoreCronJobName, 'restore', props.restoreSteps, 'RESTORE_DIR', props.restoreVolumes ?? [], true);
    }
  }

  private container(props: BackupCronJobProps, step: JobStep, workEnv: string): k8s.Container {
    const uid = step.uid ?? DEFAULT_UID;
    return {
      name: step.name,
      image: step.image,
      imagePullPolicy: 'IfNotPresent',
      command: props.scripts.command(step.script),
      env: [
        { name: workEnv, value: WORK },
        // The AWS CLI and libpq keep caches and history under $HOME; the root filesystem is read-only.
        { name: 'HOME', value: '/tmp' },
        ...(step.env ?? []),
      ],
      resources: containerResources(step.resources ?? props.resources ?? DEFAULT_RESOURCES),
      securityContext: { ...restrictedContainerSecurityContext(), runAsUser: uid, runAsGroup: uid },
      volumeMounts: [
        props.scripts.mount(),
        { name: 'work', mountPath: WORK },
        { name: 'tmp', mountPath: '/tmp' },
        ...(step.volumeMounts ?? []),
        ...(step.caBundles ?? []).map(caVolumeMount),
      ],
    };
  }
}
