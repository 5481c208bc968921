import { describe, expect, it } from 'vitest';
import { PostgresInitJob } from '../../constructs/postgres-init-job.ts';
import { ScriptConfigMap } from '../../constructs/script-config-map.ts';
import { only, testChart, type Obj } from '../support/charts.ts';

describe('PostgresInitJob', () => {
  const base = {
    image: 'pg',
    host: 'postgres',
    port: 5432,
    superuserPassword: { name: 's', key: 'POSTGRES_SUPERUSER_PASSWORD' },
    appDatabase: { name: 'agent_platform', owner: 'agent_app', password: { name: 's', key: 'APP_DB_PASSWORD' } },
    langmemDatabase: { name: 'langmem_store', owner: 'langmem_user', password: { name: 's', key: 'LANGMEM_DB_PASSWORD' } },
  };

  it('runs the init SQL after every Argo CD sync, with every password by reference', () => {
    const chart = testChart();
    const scripts = new ScriptConfigMap(chart, 'scripts', { name: 'data-scripts', component: 'backup', scripts: ['postgres-init.sh', 'postgres-init.sql'] });
    new PostgresInitJob(chart, 'init', { ...base, scripts });
    const job = only(chart, 'Job');
    expect(job.metadata.annotations).toEqual({ 'argocd.argoproj.io/hook': 'Sync', 'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation' });
    const c = job.spec.template.spec.containers[0];
    expect(c.command).toEqual(['bash', '/scripts/postgres-init.sh']);
    for (const name of ['PGPASSWORD', 'APP_DB_PASSWORD', 'LANGMEM_DB_PASSWORD']) {
      const e = c.env.find((x: Obj) => x.name === name);
      expect(e.value, name).toBeUndefined();
      expect(e.valueFrom.secretKeyRef.name).toBe('s');
    }
  });

  it('refuses one role owning both databases', () => {
    const chart = testChart();
    const scripts = new ScriptConfigMap(chart, 'scripts', { name: 'x', component: 'backup', scripts: ['postgres-init.sh'] });
    expect(() => new PostgresInitJob(chart, 'init', { ...base, scripts, langmemDatabase: { ...base.langmemDatabase, owner: 'agent_app' } })).toThrow(
      'appDatabase.owner and langmemDatabase.owner are both "agent_app"; each database gets its own role',
    );
  });
});
