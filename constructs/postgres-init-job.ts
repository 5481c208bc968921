/**
 * The Job that runs `postgres-init.sql` (constructs/scripts/) against any Postgres, in-cluster or
 * managed: the application and LangMem databases, their owner roles with passwords from the secret
 * store, and pgvector in both. The SQL is idempotent, so the Job runs on every sync (an Argo CD
 * `Sync` hook in its wave: after the database, before the service whose readiness needs these
 * roles; see ScriptJob) and a rotated password reaches the database on the next sync. It waits for
 * the server itself (`pg_isready`), since a fresh CloudNativePG primary may still be starting.
 */
import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import type { Connectable, Connections } from './connections.ts';
import { fromSecret, type SecretKeyRef } from './secret-key-ref.ts';
import type { ScriptConfigMap } from './script-config-map.ts';
import { ScriptJob } from './script-job.ts';

export interface PostgresInitJobProps {
  /** @default 'postgres-init' */
  readonly name?: string;
  /** An image with psql and pg_isready (the Postgres image). */
  readonly image: string;
  /** Holds `postgres-init.sh` and `postgres-init.sql`. */
  readonly scripts: ScriptConfigMap;
  readonly host: string;
  readonly port: number;
  /** Superuser (or RDS master user) the SQL runs as. @default 'postgres' */
  readonly superuser?: string;
  readonly superuserPassword: SecretKeyRef;
  readonly appDatabase: { readonly name: string; readonly owner: string; readonly password: SecretKeyRef };
  readonly langmemDatabase: { readonly name: string; readonly owner: string; readonly password: SecretKeyRef };
  /** Require TLS to the server (managed services). @default false */
  readonly requireTls?: boolean;
}

export class PostgresInitJob extends Construct implements Connectable {
  readonly jobName: string;
  readonly connections: Connections;

  constructor(scope: Construct, id: string, props: PostgresInitJobProps) {
    super(scope, id);
    const name = props.name ?? 'postgres-init';
    const { appDatabase: app, langmemDatabase: lm } = props;
    if (app.name === lm.name) throw new Error(`PostgresInitJob ${name}: appDatabase.name and langmemDatabase.name are both ${JSON.stringify(app.name)}`);
    if (app.owner === lm.owner) throw new Error(`PostgresInitJob ${name}: appDatabase.owner and langmemDatabase.owner are both ${JSON.stringify(app.owner)}; each database gets its own role`);
    this.jobName = name;
    const job = new ScriptJob(this, 'job', {
      name,
      component: 'database-init',
      image: props.image,
      scripts: props.scripts,
      script: 'postgres-init.sh',
      resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '256Mi' } },
      tmpSize: '64Mi',
      // pg_isready waits up to 300 s for a fresh server; the SQL itself takes seconds.
      activeDeadline: Duration.minutes(15),
      env: [
        { name: 'PGHOST', value: props.host },
        { name: 'PGPORT', value: String(props.port) },
        { name: 'PGUSER', value: props.superuser ?? 'postgres' },
        { name: 'PGPASSWORD', valueFrom: fromSecret(props.superuserPassword) },
        // Managed services get encryption; verifying their CA would need its bundle in the image.
        { name: 'PGSSLMODE', value: props.requireTls ? 'require' : 'prefer' },
        { name: 'APP_DB', value: app.name },
        { name: 'APP_DB_USER', value: app.owner },
        { name: 'APP_DB_PASSWORD', valueFrom: fromSecret(app.password) },
        { name: 'LANGMEM_DB', value: lm.name },
        { name: 'LANGMEM_DB_USER', value: lm.owner },
        { name: 'LANGMEM_DB_PASSWORD', valueFrom: fromSecret(lm.password) },
      ],
    });
    this.connections = job.connections;
  }
}
