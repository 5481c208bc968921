/**
 * Alerts only a CloudNativePG cluster needs: WAL archiving, base backups and missing instances.
 * A cluster whose archiving fails keeps serving while its point-in-time recovery silently ends
 * and its WAL piles up on the instances' volumes; replicas that never join leave one instance
 * carrying the service. None of this shows in `cnpg_collector_up`.
 *
 * Metric sources (all from the instances' exporter on 9187, job `cloudnative-pg`):
 * - `cnpg_pg_stat_archiver_*`: CloudNativePG's default monitoring queries
 *   (config/manager/default-monitoring.yaml, query `pg_stat_archiver`, primary only).
 * - base backups, in-tree `barmanObjectStore`: `cnpg_collector_last_{failed,available}_backup_timestamp`,
 *   deprecated from 1.26 and left at 0 once a backup plugin takes over;
 * - base backups, Barman Cloud plugin: `barman_cloud_cloudnative_pg_io_last_{failed,available}_backup_timestamp`
 *   (https://cloudnative-pg.io/plugin-barman-cloud/docs/observability).
 * The backup alert reads both pairs, so it holds before and after the move to the plugin.
 */
import { type AlertDefinition, type AlertGroup, series } from '../../constructs/monitoring/alert-definition.ts';
import { M, promql } from '../../constructs/monitoring/metrics.ts';

export interface CloudNativePgAlertParams {
  /** The environment's namespace. */
  readonly namespace: string;
  /** Instances the Cluster asks for; fewer healthy ones for 10 minutes warn. */
  readonly instances: number;
}

const JOB = 'cloudnative-pg';

function walArchivingAlert(ns: string): AlertDefinition {
  const sel = `{job="${JOB}",namespace="${ns}"}`;
  const primary = { job: JOB, namespace: ns, instance: '10.0.1.2:9187', pod: 'postgres-1' };
  const archiver = (failedCount: string, lastArchived: string, lastFailed: string) => ({
    [series('cnpg_pg_stat_archiver_failed_count', primary)]: failedCount,
    [series('cnpg_pg_stat_archiver_last_archived_time', primary)]: lastArchived,
    [series('cnpg_pg_stat_archiver_last_failed_time', primary)]: lastFailed,
  });
  return {
    name: 'PostgresWalArchivingFailing',
    component: 'postgres',
    levels: [
      // Any failure: archiving recovered, but something (credentials, network, bucket) is flaky.
      { severity: 'warning' },
      // The newest attempt failed and nothing has been archived since: PITR has stopped and WAL accumulates.
      { severity: 'critical', for: '5m' },
    ],
    expr: (l) =>
      l.severity === 'critical'
        ? promql`${M.cnpg_pg_stat_archiver_last_failed_time}${sel} > ${M.cnpg_pg_stat_archiver_last_archived_time}${sel}`
        : promql`increase(${M.cnpg_pg_stat_archiver_failed_count}${sel}[30m]) > 0`,
    summary: (l) => (l.severity === 'critical' ? 'Postgres WAL archiving is failing on {{ $labels.pod }}' : 'Postgres WAL archiving failed on {{ $labels.pod }}'),
    description: (l) =>
      l.severity === 'critical'
        ? 'The last attempt of {{ $labels.pod }} to archive WAL failed and none has succeeded since: point-in-time recovery stops here and WAL fills the volume. Check the instance logs (barman-cloud-wal-archive), object storage credentials and egress (DNS, S3, STS).'
        : '{{ $labels.pod }} failed to archive WAL at least once in the last 30 minutes; archiving is working again, but check the instance logs before it stops for good.',
    cases: [
      {
        name: 'every attempt fails (a replica-less primary cannot reach S3)',
        // Epoch seconds: last success at 1000, failures every minute after it.
        series: archiver('0+4x60', '1000x60', '1060+60x60'),
        at: '10m',
        firing: ['warning', 'critical'],
        labels: primary,
      },
      { name: 'never archived, failing since start', series: archiver('0+4x60', '-1x60', '60+60x60'), at: '10m', firing: ['warning', 'critical'], labels: primary },
      { name: 'one failure, then success', series: archiver('0x20 1x40', '1000+60x60', '1100x60'), at: '10m', firing: ['warning'], labels: primary },
      { name: 'archiving steadily', series: archiver('0x60', '1000+60x60', '-1x60'), at: '10m', firing: [] },
    ],
  };
}

function backupAlert(ns: string): AlertDefinition {
  const inst = { job: JOB, namespace: ns, instance: '10.0.1.2:9187', pod: 'postgres-1' };
  const pair = (failedMetric: 'cnpg_collector_last_failed_backup_timestamp' | 'barman_cloud_cloudnative_pg_io_last_failed_backup_timestamp', failed: number, available: number) => ({
    [series(failedMetric, inst)]: `${failed}x60`,
    [series(failedMetric.replace('failed', 'available') as 'cnpg_collector_last_available_backup_timestamp' | 'barman_cloud_cloudnative_pg_io_last_available_backup_timestamp', inst)]: `${available}x60`,
  });
  const newest = (m: typeof M.cnpg_collector_last_failed_backup_timestamp) => promql`max by (namespace, job) (${m}{job="${JOB}",namespace="${ns}"})`;
  return {
    name: 'PostgresBaseBackupFailing',
    component: 'backup',
    labels: { store: 'postgres' },
    levels: [{ severity: 'critical' }],
    // Whichever source is in use: the in-tree pair (0 once the plugin takes over) or the plugin's.
    expr: () =>
      promql`(${newest(M.cnpg_collector_last_failed_backup_timestamp)} > ${newest(M.cnpg_collector_last_available_backup_timestamp)}) or (${newest(M.barman_cloud_cloudnative_pg_io_last_failed_backup_timestamp)} > ${newest(M.barman_cloud_cloudnative_pg_io_last_available_backup_timestamp)})`,
    summary: () => 'The last Postgres base backup failed',
    description: () =>
      'The newest base backup of the CloudNativePG cluster in {{ $labels.namespace }} failed after the last one that succeeded; the recovery window ages from that last success. Check `kubectl get backups` and the instance logs.',
    cases: [
      { name: 'in-tree Barman: failed after the last success', series: pair('cnpg_collector_last_failed_backup_timestamp', 2000, 1000), at: '5m', firing: ['critical'], labels: { job: JOB, namespace: ns } },
      { name: 'plugin: never succeeded', series: pair('barman_cloud_cloudnative_pg_io_last_failed_backup_timestamp', 2000, 0), at: '5m', firing: ['critical'], labels: { job: JOB, namespace: ns } },
      {
        name: 'plugin succeeds, in-tree metrics left at 0',
        series: { ...pair('barman_cloud_cloudnative_pg_io_last_failed_backup_timestamp', 1000, 2000), ...pair('cnpg_collector_last_failed_backup_timestamp', 0, 0) },
        at: '5m',
        firing: [],
      },
      { name: 'in-tree Barman: succeeded after a failure', series: pair('cnpg_collector_last_failed_backup_timestamp', 1000, 2000), at: '5m', firing: [] },
    ],
  };
}

function instancesAlert(ns: string, instances: number): AlertDefinition {
  const up = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [series('cnpg_collector_up', { job: JOB, namespace: ns, instance: `10.0.1.${i + 2}:9187`, pod: `postgres-${i + 1}` }), '1x60']));
  return {
    name: 'PostgresInstancesMissing',
    component: 'postgres',
    levels: [{ severity: 'warning', for: '10m' }],
    // With no instance at all the count is empty: ScrapeTargetsAbsent speaks for that case.
    expr: () => promql`count by (namespace, job) (${M.cnpg_collector_up}{job="${JOB}",namespace="${ns}"} == 1) < ${instances}`,
    summary: () => `Fewer than ${instances} Postgres instances are healthy`,
    description: (l) =>
      `The CloudNativePG cluster in {{ $labels.namespace }} has had fewer than ${instances} healthy instances for ${l.for}: a failover has fewer standbys to choose from, or replicas never joined (check the join Jobs, DNS and the primary's reachability).`,
    cases: [
      { name: `one healthy instance of ${instances}`, series: up(1), at: '15m', firing: ['warning'], labels: { job: JOB, namespace: ns } },
      { name: `all ${instances} instances healthy`, series: up(instances), at: '15m', firing: [] },
    ],
  };
}

/** The `cloudnative-pg` group; rendered only where the `cloudnative-pg` job is scraped. */
export function cloudNativePgAlertGroup(p: CloudNativePgAlertParams): AlertGroup {
  if (!Number.isInteger(p.instances) || p.instances < 1) throw new Error(`cloudNativePgAlertGroup: instances must be a positive integer, got ${p.instances}`);
  // A single instance has no standby to miss; its absence is ScrapeTargetsAbsent's.
  const instances = p.instances > 1 ? [instancesAlert(p.namespace, p.instances)] : [];
  return { name: 'cloudnative-pg', alerts: [walArchivingAlert(p.namespace), backupAlert(p.namespace), ...instances] };
}
