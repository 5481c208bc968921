import { describe, expect, it } from 'vitest';
import { BackupServiceAccount } from '../../constructs/backup-service-account.ts';
import { only, testChart } from '../support/charts.ts';

describe('BackupServiceAccount', () => {
  it('carries the IRSA role annotation and no API token', () => {
    const chart = testChart();
    new BackupServiceAccount(chart, 'sa', { name: 'data-backup', roleArn: 'arn:aws:iam::111111111111:role/backup' });
    const sa = only(chart, 'ServiceAccount');
    expect(sa.metadata.annotations).toEqual({ 'eks.amazonaws.com/role-arn': 'arn:aws:iam::111111111111:role/backup' });
    expect(sa.automountServiceAccountToken).toBe(false);
  });

  it('refuses something that is not a role ARN', () => {
    expect(() => new BackupServiceAccount(testChart(), 'sa', { name: 'b', roleArn: 'backup-role' })).toThrow(
      'BackupServiceAccount b: roleArn "backup-role" is not an IAM role ARN',
    );
  });
});
