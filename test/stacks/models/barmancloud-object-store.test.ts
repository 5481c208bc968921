/** The Barman Cloud plugin's ObjectStore is validated like every other custom resource. */
import { describe, expect, it } from 'vitest';
import { ManifestValidationError, validateManifest } from '../../../stacks/validate.ts';

const store = (spec: Record<string, unknown>) => ({ apiVersion: 'barmancloud.cnpg.io/v1', kind: 'ObjectStore', metadata: { name: 'postgres', namespace: 'db' }, spec });
const good = {
  configuration: { destinationPath: 's3://bucket/prefix', s3Credentials: { inheritFromIAMRole: true }, wal: { compression: 'gzip', maxParallel: 2 } },
  retentionPolicy: '30d',
  instanceSidecarConfiguration: { env: [{ name: 'AWS_REGION', value: 'eu-central-1' }], logLevel: 'info' },
};

async function problem(spec: Record<string, unknown>): Promise<{ field: string; message: string }> {
  try {
    await validateManifest(store(spec), 'objectstore-postgres.yaml (ObjectStore postgres)');
  } catch (e) {
    expect(e).toBeInstanceOf(ManifestValidationError);
    return { field: (e as ManifestValidationError).field, message: (e as Error).message };
  }
  throw new Error('expected a validation error');
}

describe('ObjectStore (barmancloud.cnpg.io/v1)', () => {
  it('accepts what the PostgresCluster construct renders', async () => {
    await expect(validateManifest(store(good), 'x')).resolves.toBeUndefined();
  });

  it('checks the barman configuration with the model of the in-tree type', async () => {
    expect(await problem({ ...good, configuration: { ...good.configuration, wal: { compression: 'zip' } } })).toMatchObject({ field: 'spec.configuration.wal.compression' });
    expect(await problem({ ...good, configuration: { s3Credentials: { inheritFromIAMRole: true } } })).toMatchObject({ message: expect.stringContaining('must have required property destinationPath') });
  });

  it('applies the CRD rules: retention pattern, no serverName, known log levels, env vars', async () => {
    expect(await problem({ ...good, retentionPolicy: '30 days' })).toEqual({ field: 'spec.retentionPolicy', message: 'objectstore-postgres.yaml (ObjectStore postgres): spec.retentionPolicy: must match pattern "^[1-9][0-9]*[dwm]$"' });
    expect(await problem({ ...good, configuration: { ...good.configuration, serverName: 'pg' } })).toMatchObject({ field: 'spec.configuration.serverName' });
    expect(await problem({ ...good, instanceSidecarConfiguration: { logLevel: 'verbose' } })).toMatchObject({ field: 'spec.instanceSidecarConfiguration.logLevel' });
    expect(await problem({ ...good, instanceSidecarConfiguration: { env: [{ value: 'x' }] } })).toMatchObject({ message: expect.stringContaining('spec.instanceSidecarConfiguration.env[0]: must have required property name') });
  });

  it('refuses fields the CRD does not have', async () => {
    expect(await problem({ ...good, retention: '30d' })).toMatchObject({ field: 'spec.retention' });
  });
});
