import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { loadEnvironments, parseEnvironment } from '../../../environments/load.ts';
import { redisMaxMemoryBytes } from '../../../components/redis/schema.ts';

const DIR = join(import.meta.dirname, '..', '..', '..', 'environments');
type Raw = Record<string, any>;

/** prod.yaml with its `data` block changed by `edit`, parsed as environments/prod.yaml. */
function prodWith(edit: (data: Raw) => void) {
  const raw = yaml.load(readFileSync(join(DIR, 'prod.yaml'), 'utf8')) as Raw;
  edit(raw['data']);
  return () => parseEnvironment(yaml.dump(raw), 'environments/prod.yaml');
}

describe('data settings', () => {
  it('fills the documented defaults: databases and owners, schedule at 02:00 UTC, allkeys-lru', () => {
    const env = prodWith(() => undefined)();
    expect(env.data.postgres).toMatchObject({
      appDatabase: { name: 'agent_platform', owner: 'agent_app' },
      langmemDatabase: { name: 'langmem_store', owner: 'langmem_user' },
    });
    expect(env.data.backup).toMatchObject({ schedule: '0 2 * * *', timeZone: 'Etc/UTC', retentionDays: 30 });
    expect(env.data.redis).toMatchObject({ mode: 'statefulset', maxMemoryPolicy: 'allkeys-lru' });
  });

  it('keeps 7 days of backups outside production', () => {
    const others = loadEnvironments(DIR).filter((e) => !e.production);
    expect(others.length).toBeGreaterThan(0);
    for (const env of others) {
      expect(env.data.backup.retentionDays, env.name).toBe(7);
      expect(env.data.backup.prefix).toBe(`agent-platform/${env.name}`);
    }
  });

  it('refuses a single Postgres pod in production', () => {
    expect(prodWith((d) => (d['postgres'] = { mode: 'statefulset', storage: { size: '10Gi' } }))).toThrow(
      'environments/prod.yaml: data.postgres.mode: expected cloudnative-pg or managed in production (one Postgres pod does not survive a node loss), got "statefulset"',
    );
  });

  it('refuses a CloudNativePG cluster without a replica in production', () => {
    expect(prodWith((d) => (d['postgres']['instances'] = 1))).toThrow('data.postgres.instances: expected at least 2 instances in production');
  });

  it('refuses a Redis maxMemory at or above its memory limit, the design 003 mistake', () => {
    expect(prodWith((d) => (d['redis']['maxMemory'] = '2Gi'))).toThrow(
      'data.redis.maxMemory: expected a maxMemory below the memory limit (2Gi), or Redis is OOM-killed before it evicts, got "2Gi"',
    );
  });

  it('refuses two Elasticsearch nodes, and fewer than three in production', () => {
    expect(prodWith((d) => (d['elasticsearch']['nodes'] = 2))).toThrow('data.elasticsearch.nodes: expected 1 or at least 3 nodes');
    expect(prodWith((d) => (d['elasticsearch']['nodes'] = 1))).toThrow('data.elasticsearch.nodes: expected at least 3 nodes in production, got 1');
  });

  it('accepts Elasticsearch switched off in production', () => {
    expect(prodWith((d) => (d['elasticsearch'] = { mode: 'statefulset', enabled: false }))().data.elasticsearch.enabled).toBe(false);
  });

  it('refuses an unknown mode, a misspelt key, a bad bucket and a role that is not an ARN, all at once', () => {
    const parse = prodWith((d) => {
      d['redis']['mode'] = 'cluster';
      d['postgres']['storge'] = d['postgres']['storage'];
      d['backup']['bucket'] = 'Bad_Bucket';
      d['backup']['roleArn'] = 'backup-role';
    });
    let message = '';
    try {
      parse();
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain('data.redis.mode: expected a mode of "statefulset" or "managed"');
    expect(message).toContain('data.postgres.storge: unknown key (did you mean "storage"?)');
    expect(message).toContain('data.backup.bucket: expected an S3 bucket name like "acme-backups"');
    expect(message).toContain('data.backup.roleArn: expected an IAM role ARN like arn:aws:iam::123456789012:role/name');
  });

  it('requires the endpoint of a managed store', () => {
    expect(prodWith((d) => (d['postgres'] = { mode: 'managed' }))).toThrow('data.postgres.endpoint');
  });

  it('sets Redis maxmemory at three quarters of the memory limit unless given', () => {
    const r = { resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '1Gi' } } };
    expect(redisMaxMemoryBytes(r)).toBe(768 * 2 ** 20);
    expect(redisMaxMemoryBytes({ ...r, maxMemory: '512Mi' })).toBe(512 * 2 ** 20);
  });
});
