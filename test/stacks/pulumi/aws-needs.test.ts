/**
 * The backup writers the AWS side trusts are the ones the data tier reports. The check below reads
 * the rendered objects, as a reviewer would, for every identity that writes to the bucket (each
 * CronJob's ServiceAccount, a ServiceAccount carrying the backup role, a CloudNativePG Cluster's
 * archiver), and fails when one of them was not reported.
 */
import { describe, expect, it } from 'vitest';
import { environmentNames, ENVIRONMENTS_DIR, loadEnvironment } from '../../../environments/load.ts';
import type { Manifest } from '../../../kube/object.ts';
import { podTemplateOf } from '../../../kube/pod-template.ts';
import { awsNeedsOf, type ServiceAccountRef } from '../../../stacks/pulumi/aws-needs.ts';
import { renderPlatform } from '../../../stacks/render.ts';

const IRSA = 'eks.amazonaws.com/role-arn';

/** Every ServiceAccount the rendered objects let write backups and that `trusted` leaves out. */
function untrustedWriters(manifests: readonly Manifest[], roleArn: string | undefined, trusted: readonly ServiceAccountRef[]): string[] {
  const ids = new Set(trusted.map((a) => `${a.namespace}/${a.name}`));
  const writers = new Set<string>();
  for (const m of manifests) {
    const ns = m.metadata.namespace ?? '';
    const account = podTemplateOf(m)?.spec['serviceAccountName'];
    if (m.kind === 'CronJob' && typeof account === 'string') writers.add(`${ns}/${account} (CronJob ${m.metadata.name})`);
    const annotations = (m.metadata['annotations'] ?? {}) as Record<string, string>;
    if (roleArn && m.kind === 'ServiceAccount' && annotations[IRSA] === roleArn) writers.add(`${ns}/${m.metadata.name} (ServiceAccount with the backup role)`);
    const template = (m['spec'] as { serviceAccountTemplate?: { metadata?: { annotations?: Record<string, string> } } } | undefined)?.serviceAccountTemplate;
    if (roleArn && m.kind === 'Cluster' && template?.metadata?.annotations?.[IRSA] === roleArn) writers.add(`${ns}/${m.metadata.name} (CloudNativePG Cluster ${m.metadata.name})`);
  }
  return [...writers].filter((w) => !ids.has(w.slice(0, w.indexOf(' ')))).sort();
}

describe.each(environmentNames(ENVIRONMENTS_DIR))('the backup writers of %s', (name) => {
  const rendered = (async () => {
    const env = loadEnvironment(ENVIRONMENTS_DIR, name);
    const platform = await renderPlatform(env);
    return { env, platform, manifests: platform.files.map((f) => f.manifest) };
  })();

  it('are every ServiceAccount the rendered objects write backups as, each once', async () => {
    const { env, platform, manifests } = await rendered;
    const needs = awsNeedsOf(env, { backupWriters: platform.chart.data.backupWriters, remoteSecretKeys: platform.chart.remoteSecretKeys });
    expect(needs.backup.serviceAccounts.length).toBeGreaterThan(0);
    expect(untrustedWriters(manifests, env.data.backup.roleArn, needs.backup.serviceAccounts)).toEqual([]);
    expect(new Set(needs.backup.serviceAccounts.map((a) => a.name)).size).toBe(needs.backup.serviceAccounts.length);
  });

  it('leave a backup job out when its account is not reported, and the check says which', async () => {
    const { env, platform, manifests } = await rendered;
    const jobs = platform.chart.data.backupJobs;
    const unreported = platform.chart.data.backupWriters.filter((w) => !jobs.some((j) => j.serviceAccountName === w.name));
    const needs = awsNeedsOf(env, { backupWriters: unreported, remoteSecretKeys: [] });
    expect(untrustedWriters(manifests, env.data.backup.roleArn, needs.backup.serviceAccounts)).toContain(
      `${env.namespace}/${jobs[0]!.serviceAccountName} (CronJob ${jobs[0]!.cronJobName})`,
    );
  });

  it('say where each writes: under the environment\'s bucket and prefix, and a writer elsewhere is refused by name', async () => {
    const { env, platform } = await rendered;
    const { bucket, prefix } = env.data.backup;
    for (const w of platform.chart.data.backupWriters) {
      expect(w.bucket).toBe(bucket);
      expect(w.prefix.startsWith(`${prefix}/`), w.prefix).toBe(true);
    }
    const stray = { namespace: env.namespace, name: 'stray', bucket: 'someone-elses-bucket', prefix: 'x' };
    expect(() => awsNeedsOf(env, { backupWriters: [stray], remoteSecretKeys: [] })).toThrow(
      `environments/${name}.yaml: ServiceAccount ${env.namespace}/stray writes backups to s3://someone-elses-bucket/x, outside data.backup (s3://${bucket}/${prefix}/) that the backup role grants`,
    );
  });
});
