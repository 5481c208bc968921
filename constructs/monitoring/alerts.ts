/**
 * The platform's own alert groups, in the order they are rendered; stores bring theirs
 * (components/<store>/alerts.ts). Which of them are rendered is decided by the monitoring tier: an
 * alert needs every scrape job its query reads (`sourcesOf`), so an environment without
 * Elasticsearch has no Elasticsearch alerts.
 */
import type { AlertGroup } from './alert-definition.ts';
import { backupAlertGroup, type BackupWatch } from './backup-alerts.ts';
import { edgeAlertGroup } from './edge-alerts.ts';
import { kubernetesAlertGroup } from './kubernetes-alerts.ts';
import { langmemAlertGroup } from './langmem-alerts.ts';
import { monitoringAlertGroup } from './monitoring-alerts.ts';
import { serviceAlertGroup } from './service-alerts.ts';

export interface AlertParams {
  /** Memory limit of one API pod; the guides' memory alert is a share of it (docs/design-inputs.md). */
  readonly apiMemoryLimitBytes: number;
  /** Backups to watch; one freshness alert each. @default - none */
  readonly backups?: readonly BackupWatch[];
  /** Alert groups of other components (the stores), rendered between the edge's and the backups'. @default - none */
  readonly componentGroups?: readonly AlertGroup[];
}

/** Every alert group, before filtering by the scrape jobs an environment has. */
export function alertGroups(p: AlertParams): AlertGroup[] {
  return [
    serviceAlertGroup(p),
    langmemAlertGroup(),
    edgeAlertGroup(),
    ...(p.componentGroups ?? []),
    backupAlertGroup(p.backups ?? []),
    kubernetesAlertGroup(),
    monitoringAlertGroup(),
  ];
}
