/**
 * The Job that runs `elasticsearch-init.sh` (constructs/scripts/): a role that can only read the
 * log indices and a user holding only that role, for Grafana's logs datasource, so Grafana never
 * holds the `elastic` superuser's password. The script is idempotent, so the Job runs on every sync
 * (an Argo CD `Sync` hook in its wave, after Elasticsearch and before the workloads that sign in as
 * its users; see ScriptJob), and a rotated password reaches Elasticsearch on the next sync.
 */
import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import type { Connectable, Connections } from './connections.ts';
import { fromSecret, type SecretKeyRef } from './secret-key-ref.ts';
import type { ScriptConfigMap } from './script-config-map.ts';
import { ScriptJob } from './script-job.ts';

/** Role and user names go into URL paths unescaped (the script checks the same). */
const NAME = /^[a-z_][a-z0-9_-]*$/;
/** An index pattern needing no escaping in JSON; Elasticsearch index names are lower case. */
const INDEX_PATTERN = /^[a-z0-9*][a-z0-9._*-]*$/;

export interface ElasticsearchInitJobProps {
  /** @default 'elasticsearch-init' */
  readonly name?: string;
  /** An image with bash and curl (the Elasticsearch image). */
  readonly image: string;
  /** Holds `elasticsearch-init.sh`. */
  readonly scripts: ScriptConfigMap;
  /** e.g. `http://elasticsearch:9200`. */
  readonly url: string;
  /** The `elastic` superuser's password, which creates the role and the user. */
  readonly elasticPassword: SecretKeyRef;
  /** The read-only user. */
  readonly reader: {
    /** @default 'grafana_logs' */
    readonly user?: string;
    /** @default 'logs_reader' */
    readonly role?: string;
    /** Index pattern the role may read, e.g. `ai-agent-*`. */
    readonly indexPattern: string;
    readonly password: SecretKeyRef;
  };
}

export class ElasticsearchInitJob extends Construct implements Connectable {
  readonly jobName: string;
  readonly connections: Connections;
  /** The read-only user the Job creates. */
  readonly readerUser: string;
  readonly readerRole: string;

  constructor(scope: Construct, id: string, props: ElasticsearchInitJobProps) {
    super(scope, id);
    const name = props.name ?? 'elasticsearch-init';
    const user = props.reader.user ?? 'grafana_logs';
    const role = props.reader.role ?? 'logs_reader';
    for (const [prop, value] of [['reader.user', user], ['reader.role', role]] as const) {
      if (!NAME.test(value)) throw new Error(`ElasticsearchInitJob ${name}: ${prop} ${JSON.stringify(value)} must be lower-case letters, digits, "_" or "-"`);
    }
    if (user === 'elastic') throw new Error(`ElasticsearchInitJob ${name}: reader.user "elastic" is the superuser; the reader must be a user of its own`);
    if (!INDEX_PATTERN.test(props.reader.indexPattern)) {
      throw new Error(`ElasticsearchInitJob ${name}: reader.indexPattern ${JSON.stringify(props.reader.indexPattern)} must be an index pattern like "ai-agent-*"`);
    }
    const { elasticPassword: admin, reader } = props;
    if (admin.name === reader.password.name && admin.key === reader.password.key) {
      throw new Error(`ElasticsearchInitJob ${name}: reader.password and elasticPassword are both ${admin.name}/${admin.key}; the reader needs a password of its own`);
    }
    this.jobName = name;
    this.readerUser = user;
    this.readerRole = role;
    const job = new ScriptJob(this, 'job', {
      name,
      component: 'search-init',
      image: props.image,
      scripts: props.scripts,
      script: 'elasticsearch-init.sh',
      resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '64Mi' } },
      tmpSize: '16Mi',
      // The script waits up to 300 s for a fresh cluster; the two requests take a second.
      activeDeadline: Duration.minutes(15),
      env: [
        { name: 'ES_URL', value: props.url },
        { name: 'ELASTIC_PASSWORD', valueFrom: fromSecret(admin) },
        { name: 'READER_USER', value: user },
        { name: 'READER_PASSWORD', valueFrom: fromSecret(reader.password) },
        { name: 'READER_ROLE', value: role },
        { name: 'LOG_INDICES', value: reader.indexPattern },
      ],
    });
    this.connections = job.connections;
  }
}
