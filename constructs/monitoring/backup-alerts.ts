/**
 * One freshness alert per backup CronJob (kube-state-metrics' last successful time), with its
 * promtool cases: a missed backup pages before a restore would lose more than the agreed window.
 */
import { type AlertDefinition, type AlertGroup, series, TEST_NAMESPACE, threshold } from './alert-definition.ts';
import { M, promql } from './metrics.ts';

const NS = TEST_NAMESPACE;
const ksm = { job: 'kube-state-metrics', namespace: NS, instance: '10.0.4.1:8080', pod: 'kube-state-metrics-0' };

/** A backup CronJob whose last success is watched. */
export interface BackupWatch {
  /** CronJob name, as in kube-state-metrics' `kube_cronjob_status_last_successful_time{cronjob=...}`. */
  readonly cronJobName: string;
  /** What it backs up (`postgres`, `redis`, ...); a label of its alert. */
  readonly store: string;
  /** Age of the last success beyond which the backup counts as missed, in seconds. */
  readonly maxAgeSeconds: number;
}

function backupAlert(b: BackupWatch): AlertDefinition {
  const cj = { cronjob: b.cronJobName };
  const last = series('kube_cronjob_status_last_successful_time', { ...ksm, ...cj });
  const created = series('kube_cronjob_created', { ...ksm, ...cj });
  // Samples every 10 minutes, evaluated an hour past the window.
  const steps = Math.ceil((b.maxAgeSeconds + 7200) / 600);
  const at = `${Math.ceil((b.maxAgeSeconds + 3600) / 60)}m` as const;
  const hours = Math.round((b.maxAgeSeconds / 3600) * 10) / 10;
  return {
    name: 'BackupTooOld',
    component: 'backup',
    labels: { backup: b.cronJobName, store: b.store },
    levels: [{ severity: 'critical', threshold: b.maxAgeSeconds }],
    // Either the last success is too old, or the CronJob has existed longer than the window
    // without ever succeeding (kube-state-metrics omits the success time until the first one).
    expr: (l) =>
      promql`(time() - max by (namespace, cronjob) (${M.kube_cronjob_status_last_successful_time}{cronjob="${b.cronJobName}"}) > ${threshold(l)}) or (time() - max by (namespace, cronjob) (${M.kube_cronjob_created}{cronjob="${b.cronJobName}"}) > ${threshold(l)} unless on (namespace, cronjob) ${M.kube_cronjob_status_last_successful_time}{cronjob="${b.cronJobName}"})`,
    summary: () => `The ${b.store} backup has not succeeded for over ${hours} h`,
    description: () => `CronJob {{ $labels.cronjob }} in {{ $labels.namespace }} has had no successful run within ${hours} h; a restore now would lose more than the agreed window. Check its last Job's logs.`,
    cases: [
      { name: 'last success long ago', series: { [created]: `0x${steps}`, [last]: `1000x${steps}` }, at, interval: '10m', firing: ['critical'], labels: { namespace: NS, ...cj } },
      { name: 'never succeeded', series: { [created]: `0x${steps}` }, at, interval: '10m', firing: ['critical'], labels: { namespace: NS, ...cj } },
      // Each sample's value is its own timestamp: a run that succeeded just now, every time.
      { name: 'succeeds every run', series: { [created]: `0x${steps}`, [last]: `0+600x${steps}` }, at, interval: '10m', firing: [] },
    ],
  };
}


/** The `backups` group: one alert per backup, by CronJob name. */
export function backupAlertGroup(backups: readonly BackupWatch[]): AlertGroup {
  const sorted = [...backups].sort((a, b) => (a.cronJobName < b.cronJobName ? -1 : 1));
  return { name: 'backups', alerts: sorted.map(backupAlert) };
}
