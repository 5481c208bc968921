import { describe, expect, it } from 'vitest';
import { Redis, redisConfig, type RedisProps } from '../../../components/redis/redis.ts';
import { objects, only, testChart, type Obj } from '../../support/charts.ts';
import { expectRestricted } from '../../support/restricted.ts';

describe('Redis', () => {
  const props: RedisProps = {
    image: 'redis:7.4.2-bookworm',
    exporterImage: 'oliver006/redis_exporter:v1.67.0',
    resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '500m', memory: '1Gi' } },
    storage: { size: '2Gi' },
    maxMemoryBytes: 768 * 2 ** 20,
    password: { name: 'redis-credentials', key: 'REDIS_PASSWORD' },
  };
  const render = (p: Partial<RedisProps> = {}) => {
    const chart = testChart();
    new Redis(chart, 'redis', { ...props, ...p });
    return objects(chart);
  };

  it('persists with AOF and RDB, bounds memory below the limit, and never writes the password into the config', () => {
    const conf = only(render(), 'ConfigMap', 'redis-config').data['redis.conf'];
    expect(conf).toContain('appendonly yes');
    expect(conf).toContain('save 900 1 300 10 60 10000');
    expect(conf).toContain(`maxmemory ${768 * 2 ** 20}`);
    expect(conf).toContain('maxmemory-policy allkeys-lru');
    expect(conf).toContain('include /run/redis/auth.conf');
    expect(conf).not.toMatch(/requirepass/);
  });

  it('probes with an authenticated redis-cli ping and serves redis-exporter on 9121', () => {
    const [redis, exporter] = only(render(), 'StatefulSet').spec.template.spec.containers;
    expect(redis.readinessProbe.exec.command.join(' ')).toContain('redis-cli -h 127.0.0.1 -p 6379 ping');
    expect(redis.env.find((e: Obj) => e.name === 'REDISCLI_AUTH').valueFrom.secretKeyRef).toEqual({ name: 'redis-credentials', key: 'REDIS_PASSWORD' });
    expect(exporter.ports[0].containerPort).toBe(9121);
    expectRestricted(render());
  });

  it('does not restart a Redis that is still loading its AOF', () => {
    const [redis] = only(render(), 'StatefulSet').spec.template.spec.containers;
    expect(redis.livenessProbe.tcpSocket).toEqual({ port: 'redis' });
    expect(redis.readinessProbe.exec.command[2]).toContain('ping');
  });

  it('refuses a maxmemory at or above the memory limit', () => {
    expect(() => render({ maxMemoryBytes: 2 ** 30 })).toThrow(
      'Redis redis: maxMemoryBytes 1073741824 is not below resources.limits.memory 1Gi; Redis would be OOM-killed before evicting',
    );
  });

  it('renders the config the backup tests start a real Redis with', () => {
    expect(redisConfig(1000, 'allkeys-lru')).toMatchSnapshot();
  });
});
