/**
 * The Job that runs `elasticsearch-init.sh` (constructs/scripts/): a role and a user for each client
 * of Elasticsearch, so that no long-running workload holds the `elastic` superuser's password:
 * Grafana's logs datasource reads the log indices, the service reads and writes its own indices,
 * the exporter has `monitor` and nothing else. The script is idempotent, so the Job runs on every
 * sync (an Argo CD `Sync` hook in its wave, after Elasticsearch and before the workloads that sign in
 * as its users; see ScriptJob; under Pulumi, replaced when the secrets it applies change) and a
 * rotated password reaches Elasticsearch on the next sync.
 */
import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { caFile, type CaBundle } from './ca-bundle.ts';
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
  /** e.g. `https://elasticsearch:9200`. */
  readonly url: string;
  /** CA the server's certificate is verified against (`curl --cacert`). */
  readonly ca: CaBundle;
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
  /** The service's user: reads and writes its own indices, nothing else. */
  readonly service: {
    /** @default 'agent_service' */
    readonly user?: string;
    /** @default 'agent_service' */
    readonly role?: string;
    /** Index patterns the service owns, e.g. `['ai-agent-*']`. */
    readonly indexPatterns: readonly string[];
    readonly password: SecretKeyRef;
  };
  /** The exporter's user (its name is the exporter's to choose): cluster and index `monitor`. */
  readonly exporter: {
    readonly user: string;
    /** @default 'elasticsearch_exporter' */
    readonly role?: string;
    readonly password: SecretKeyRef;
  };
}

export class ElasticsearchInitJob extends Construct implements Connectable {
  readonly jobName: string;
  readonly connections: Connections;
  /** The read-only user the Job creates. */
  readonly readerUser: string;
  readonly readerRole: string;
  /** The service's user the Job creates. */
  readonly serviceUser: string;

  constructor(scope: Construct, id: string, props: ElasticsearchInitJobProps) {
    super(scope, id);
    const name = props.name ?? 'elasticsearch-init';
    const user = props.reader.user ?? 'grafana_logs';
    const role = props.reader.role ?? 'logs_reader';
    const serviceUser = props.service.user ?? 'agent_service';
    const serviceRole = props.service.role ?? 'agent_service';
    const exporterRole = props.exporter.role ?? 'elasticsearch_exporter';
    const names = [
      ['reader.user', user],
      ['reader.role', role],
      ['service.user', serviceUser],
      ['service.role', serviceRole],
      ['exporter.user', props.exporter.user],
      ['exporter.role', exporterRole],
    ] as const;
    for (const [prop, value] of names) {
      if (!NAME.test(value)) throw new Error(`ElasticsearchInitJob ${name}: ${prop} ${JSON.stringify(value)} must be lower-case letters, digits, "_" or "-"`);
    }
    const users = names.filter(([prop]) => prop.endsWith('.user'));
    for (const [i, [prop, value]] of users.entries()) {
      if (value === 'elastic') throw new Error(`ElasticsearchInitJob ${name}: ${prop} "elastic" is the superuser; each client must be a user of its own`);
      const twin = users.slice(0, i).find(([, v]) => v === value);
      if (twin) throw new Error(`ElasticsearchInitJob ${name}: ${prop} and ${twin[0]} are both ${JSON.stringify(value)}; each client needs a user of its own`);
    }
    for (const [prop, pattern] of [['reader.indexPattern', props.reader.indexPattern], ...props.service.indexPatterns.map((p, i) => [`service.indexPatterns[${i}]`, p] as const)]) {
      if (!INDEX_PATTERN.test(pattern)) throw new Error(`ElasticsearchInitJob ${name}: ${prop} ${JSON.stringify(pattern)} must be an index pattern like "ai-agent-*"`);
    }
    if (props.service.indexPatterns.length === 0) throw new Error(`ElasticsearchInitJob ${name}: service.indexPatterns is empty; the service needs at least one index pattern`);
    const { elasticPassword: admin, reader } = props;
    const passwords = [
      ['elasticPassword', admin],
      ['reader.password', reader.password],
      ['service.password', props.service.password],
      ['exporter.password', props.exporter.password],
    ] as const;
    for (const [i, [prop, ref]] of passwords.entries()) {
      const twin = passwords.slice(0, i).find(([, r]) => r.name === ref.name && r.key === ref.key);
      if (twin) throw new Error(`ElasticsearchInitJob ${name}: ${prop} and ${twin[0]} are both ${ref.name}/${ref.key}; each user needs a password of its own`);
    }
    this.jobName = name;
    this.readerUser = user;
    this.readerRole = role;
    this.serviceUser = serviceUser;
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
        { name: 'SERVICE_USER', value: serviceUser },
        { name: 'SERVICE_PASSWORD', valueFrom: fromSecret(props.service.password) },
        { name: 'SERVICE_ROLE', value: serviceRole },
        { name: 'SERVICE_INDICES', value: props.service.indexPatterns.join(',') },
        { name: 'EXPORTER_USER', value: props.exporter.user },
        { name: 'EXPORTER_PASSWORD', valueFrom: fromSecret(props.exporter.password) },
        { name: 'EXPORTER_ROLE', value: exporterRole },
        { name: 'ES_CA_CERT', value: caFile(props.ca) },
      ],
      caBundles: [props.ca],
    });
    this.connections = job.connections;
  }
}
