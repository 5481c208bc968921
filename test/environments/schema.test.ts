/**
 * Issue 13: every value of an environment file is validated by its real rule, all mistakes are
 * reported together with file, field and value, and environments that would collide are refused.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { ENVIRONMENTS_DIR, environmentNames, loadEnvironments, parseEnvironment } from '../../environments/load.ts';
import { cronLongestGapSeconds, parseCron } from '../../kube/cron-schedule.ts';
import { parseQuantity } from '../../kube/quantity.ts';
import { maskCredentials, urlCredentialProblem } from '../../environments/schema/url-credentials.ts';
import { ADD_ONS } from '../../stacks/add-ons.ts';
import { renderEnvironment } from '../../stacks/render.ts';

import { PROD_FILE as FILE, problems, problemsWith, prodText, prodWith } from '../support/prod-environment.ts';

describe('Kubernetes quantities', () => {
  it('parses every form apimachinery accepts and nothing else', () => {
    expect(parseQuantity('512M')).toBe(512e6);
    expect(parseQuantity('1.5Gi')).toBe(1.5 * 2 ** 30);
    expect(parseQuantity('1e9')).toBe(1e9);
    expect(parseQuantity('.5')).toBe(0.5);
    expect(parseQuantity('250m')).toBeCloseTo(0.25);
    expect(parseQuantity('2E')).toBe(2e18);
    for (const bad of ['1GB', 'lots', '1 Gi', '', 'Gi', '1.2.3Mi']) expect(parseQuantity(bad)).toBeUndefined();
  });

  it('accepts decimal, fractional and exponent sizes and compares them by value', () => {
    expect(problemsWith((d) => (d.api.resources = { requests: { cpu: '0.5', memory: '512M' }, limits: { cpu: '1', memory: '1.5Gi' } }))).toEqual([]);
    // 1500M is more than 1.25Gi (1342177280 bytes): compared by bytes, not by digits.
    expect(problemsWith((d) => (d.api.resources = { requests: { cpu: '500m', memory: '1500M' }, limits: { memory: '1.25Gi' } }))).toEqual([
      `${FILE}: api.resources.requests.memory: expected a memory request no larger than the limit (1.25Gi), got "1500M"`,
    ]);
  });

  it('reports invalid sizes as ordinary errors, together with every other problem', () => {
    const lines = problemsWith((d) => {
      d.api.resources.limits.memory = '1GB';
      d.worker.resources.requests.memory = 'lots';
      d.data.postgres.storage.size = '-5Gi';
      d.settings.workers = 'four';
    });
    expect(lines).toHaveLength(4);
    expect(lines).toContain(`${FILE}: api.resources.limits.memory: expected a Kubernetes quantity like "512Mi" or "2Gi" (a number, then one of Ki Mi Gi Ti Pi Ei, k M G T P E, m, or an exponent like e9), got "1GB"`);
    expect(lines.some((l) => l.startsWith(`${FILE}: worker.resources.requests.memory:`) && l.endsWith('got "lots"'))).toBe(true);
    expect(lines).toContain(`${FILE}: data.postgres.storage.size: expected a quantity above zero like "512Mi" or "2Gi", got "-5Gi"`);
  });
});

describe('sizes in every Kubernetes spelling', () => {
  it('render: decimal, fractional and exponent sizes reach synth without a crash', async () => {
    const env = parseEnvironment(
      prodWith((d) => {
        d.api.resources = { requests: { cpu: '0.5', memory: '512M' }, limits: { cpu: '1', memory: '1.5Gi' } };
        d.data.redis = { mode: 'statefulset', storage: { size: '5e9' }, resources: { requests: { cpu: '100m', memory: '256M' }, limits: { memory: '1.1Gi' } } };
        d.monitoring.prometheus = { ...d.monitoring.prometheus, retentionSize: '9.5G', storage: '10Gi' };
      }),
      FILE,
    );
    const files = await renderEnvironment(env);
    const redisConf = files.find((f) => f.content.includes('maxmemory-policy'))!.content;
    expect(redisConf).toMatch(/maxmemory [0-9]+\n/);
    expect(files.find((f) => f.path === 'prod/deployment-agent-api.yaml')!.content).toContain('memory: 1.5Gi');
  }, 60_000);
});

describe('gitops.repoURL', () => {
  it('accepts a local file:/// repository (the cluster harness syncs from one) and refuses a remote file URL', () => {
    expect(problemsWith((d) => (d.gitops.repoURL = 'file:///tmp/argo-cd-repo-x'))).toEqual([]);
    const lines = problemsWith((d) => (d.gitops.repoURL = 'file://host/srv/infra.git'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('gitops.repoURL');
  });
});

describe('URLs with credentials', () => {
  const token = 'ghp_0123456789abcdefABCDEF0123456789abcd';
  it('are refused at load time in every URL field, and the token is never printed', () => {
    const lines = problemsWith((d) => {
      d.gitops.repoURL = `https://bot:${token}@github.com/example/infra.git`;
      d.settings.corsOrigins = [`https://user:${token}@app.example.com`];
      d.settings.tracing = { enabled: true, endpoint: `https://api.smith.langchain.com/?api_key=${token}` };
      d.monitoring.runbookBaseUrl = `https://${token}@runbooks.example.com`;
      d.monitoring.alertmanager.receivers.push({ name: 'hook', type: 'webhook', url: `https://hooks.slack.com/services/T000/B000/${token}` });
    });
    expect(lines.map((l) => l.split(': ')[1]).sort()).toEqual([
      'gitops.repoURL',
      'monitoring.alertmanager.receivers[4].url',
      'monitoring.runbookBaseUrl',
      'settings.corsOrigins[0]',
      'settings.tracing.endpoint',
    ]);
    expect(lines).toHaveLength(5);
    for (const l of lines) expect(l).not.toContain(token.slice(4, 20));
    expect(lines.find((l) => l.includes('receivers[4]'))).toContain('Slack webhook URL');
  });

  it('masks user-info, secret query parameters and secret webhook paths', () => {
    expect(maskCredentials('see https://bot:s3cret@github.com/x.git now')).toBe('see https://***@github.com/x.git now');
    expect(maskCredentials('https://x.example.com/a?token=abc&page=2')).toBe('https://x.example.com/a?token=***&page=2');
    expect(maskCredentials('https://hooks.slack.com/services/T/B/xyz')).toBe('https://hooks.slack.com/***');
    expect(urlCredentialProblem('git@github.com:example/infra.git')).toBeUndefined();
    expect(urlCredentialProblem('ssh://git@github.com/example/infra.git')).toBeUndefined();
    expect(urlCredentialProblem('https://github.com/example/infra.git')).toBeUndefined();
  });
});

describe('namespaces', () => {
  it('refuses default, kube-*, Argo CD\'s and the namespaces the environment names for others', () => {
    for (const ns of ['default', 'kube-system', 'kube-public', 'argocd', 'envoy-gateway-system', 'cert-manager']) {
      const lines = problemsWith((d) => (d.namespace = ns));
      expect(lines, ns).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`^${FILE}: namespace: expected a namespace of the environment's own, not .*, got "${ns}"$`));
    }
  });

  it('refuses every namespace a cluster add-on installs into, when loaded with them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'envs-'));
    try {
      const addOns = new Set(ADD_ONS.map((a) => a.namespace));
      for (const ns of addOns) {
        writeFileSync(join(dir, 'prod.yaml'), prodWith((d) => (d.namespace = ns)));
        expect(() => loadEnvironments(dir, undefined, { addOnNamespaces: addOns }), ns).toThrow(/namespace: expected a namespace of the environment's own/);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('values checked by their real rules', () => {
  it('cron schedules: field ranges, steps, names and the macros Kubernetes accepts', () => {
    for (const ok of ['0 2 * * *', '@daily', '@weekly', '@hourly', '@monthly', '@yearly', '0 2 1 * *', '*/15 * * * MON-FRI', '0 0 1 JAN,JUL *', '0 3 ? * 0']) {
      expect(parseCron(ok), ok).not.toBeTypeOf('string');
    }
    expect(parseCron('99 99 * * *')).toBe('minute "99" is outside 0-59');
    expect(parseCron('0 2 * * 7')).toBe('day of week "7" is outside 0-6');
    expect(parseCron('@every 1h')).toMatch(/^one of the macros/);
    expect(parseCron('TZ=UTC 0 2 * * *')).toMatch(/TZ=/);
    expect(problemsWith((d) => (d.data.backup.schedule = '99 99 * * *'))).toEqual([
      `${FILE}: data.backup.schedule: expected a cron schedule Kubernetes accepts: minute "99" is outside 0-59, got "99 99 * * *"`,
    ]);
    expect(problemsWith((d) => (d.data.backup.schedule = '0 0 30 2 *'))).toHaveLength(1);
    expect(problemsWith((d) => (d.data.backup.schedule = '@daily'))).toEqual([]);
  });

  it('derives the backup freshness bound for every schedule it accepts (monthly included)', () => {
    expect(cronLongestGapSeconds('0 2 1 * *')).toBe(31 * 86_400);
    expect(cronLongestGapSeconds('0 2 * * 1-5')).toBe(3 * 86_400);
    expect(cronLongestGapSeconds('0 2 29 2 *')).toBe((366 + 365 * 3) * 86_400);
    expect(cronLongestGapSeconds('@yearly')).toBe(366 * 86_400);
  });

  it('time zones: IANA names as Node knows them, plus the Etc/ aliases', () => {
    for (const ok of ['Etc/UTC', 'Europe/Berlin', 'America/Argentina/Buenos_Aires', 'Etc/GMT+5', 'UTC']) {
      expect(problemsWith((d) => (d.data.backup.timeZone = ok)), ok).toEqual([]);
    }
    for (const bad of ['Mars/Olympus', 'europe/berlin', 'Etc/GMT+13']) {
      expect(problemsWith((d) => (d.data.backup.timeZone = bad))[0], bad).toContain('data.backup.timeZone: expected an IANA time zone');
    }
  });

  it('CIDRs: IPv4 and IPv6 with a prefix in range', () => {
    expect(problemsWith((d) => (d.network = { internetEgressExcept: ['10.0.0.0/8', 'fd00::/8', '::ffff:0:0/96'] }))).toEqual([]);
    const lines = problemsWith((d) => (d.network = { internetEgressExcept: ['999.999.999.999/99', '10.0.0.0/33', 'fd00::/129', '10.0.0.0'] }));
    expect(lines).toHaveLength(4);
    expect(lines[0]).toBe(`${FILE}: network.internetEgressExcept[0]: expected an IPv4 or IPv6 CIDR like 10.0.0.0/8 or fd00::/8, got "999.999.999.999/99"`);
  });

  it('labels: Kubernetes label key and value syntax', () => {
    const lines = problemsWith((d) => (d.network = { dnsPodLabel: { 'k8s-app': 'kube dns', 'bad key!': 'x' } }));
    expect(lines).toHaveLength(2);
    expect(lines.join('\n')).toContain('network.dnsPodLabel.k8s-app: expected a label value');
  });

  it('replicas: whole numbers within int32 and a sane bound', () => {
    expect(problemsWith((d) => (d.worker = { ...d.worker, autoscaling: undefined, replicas: 2147483648 }))).toEqual([`${FILE}: worker.replicas: expected a number ≤ 100, got 2147483648`]);
    expect(problemsWith((d) => (d.api.autoscaling.maxReplicas = 1000000000))).toEqual([`${FILE}: api.autoscaling.maxReplicas: expected a number ≤ 100, got 1000000000`]);
    expect(problemsWith((d) => (d.ingress.hstsMaxAgeSeconds = 2 ** 31))[0]).toContain('expected a number ≤ 2147483647');
  });

  it('image tags: strings, never a number YAML made, never any spelling of latest', () => {
    const asNumber = prodText.replace(/^(\s+tag:).*$/m, '$1 1.10');
    expect(problems(asNumber)).toEqual([
      `${FILE}: images.service.tag: expected a tag in quotes: YAML read this tag as the number 1.1, so write it like tag: "1.1" (and check the digits: 1.10 reads as 1.1), got 1.1`,
    ]);
    expect(problems(prodText.replace(/^(\s+tag:).*$/m, '$1 "1.10"'))).toEqual([]);
    expect(problemsWith((d) => (d.images.service.tag = 'Latest'))).toEqual([`${FILE}: images.service.tag: expected a pinned tag, not "latest", got "Latest"`]);
  });
});

describe('all environment errors together', () => {
  it('reports the name mismatch and the production digest rule with every other problem', () => {
    const lines = problemsWith((d) => {
      d.name = 'production';
      delete d.images.service.digest;
      d.settings.workers = 0;
    });
    expect(lines).toEqual(expect.arrayContaining([
      `${FILE}: settings.workers: expected a number ≥ 1, got 0`,
      `${FILE}: images.service.digest: expected a digest (production images are pinned by digest), got nothing (the field is missing)`,
      `${FILE}: name: expected "prod" (the file name), got "production"`,
    ]));
    expect(lines).toHaveLength(3);
  });
});

describe('the environments directory', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  function copy(): string {
    const dir = mkdtempSync(join(tmpdir(), 'envs-'));
    dirs.push(dir);
    for (const n of environmentNames()) cpSync(join(ENVIRONMENTS_DIR, `${n}.yaml`), join(dir, `${n}.yaml`));
    return dir;
  }

  it('refuses a .yml file and a file name that is not a plain environment name, instead of ignoring them', () => {
    const dir = copy();
    writeFileSync(join(dir, 'qa.yml'), 'name: qa\n');
    writeFileSync(join(dir, 'Q A.yaml'), 'name: qa\n');
    expect(() => environmentNames(dir)).toThrow(/qa\.yml: expected the extension \.yaml/);
    expect(() => loadEnvironments(dir)).toThrow(/Q A\.yaml: expected a file name that is a plain environment name/);
  });

  it('refuses environments that share a namespace or host on one cluster, a secret prefix or a backup location, naming both files and the value', () => {
    const dir = copy();
    const staging = yaml.load(readFileSync(join(dir, 'staging.yaml'), 'utf8')) as any;
    const dev = yaml.load(readFileSync(join(dir, 'dev.yaml'), 'utf8')) as any;
    staging.gitops.cluster = dev.gitops.cluster;
    staging.namespace = dev.namespace;
    staging.ingress.host = dev.ingress.host;
    staging.secrets.remoteKeyPrefix = `${dev.secrets.remoteKeyPrefix}/more`;
    staging.data.backup.bucket = dev.data.backup.bucket;
    staging.data.backup.prefix = dev.data.backup.prefix;
    writeFileSync(join(dir, 'staging.yaml'), yaml.dump(staging));
    let message = '';
    try {
      loadEnvironments(dir);
    } catch (e) {
      message = (e as Error).message;
    }
    const lines = message.split('\n').map((l) => l.replace(dir, '<dir>'));
    expect(lines).toHaveLength(4);
    for (const [field, value] of [['namespace', dev.namespace], ['ingress.host', dev.ingress.host], ['secrets.remoteKeyPrefix', dev.secrets.remoteKeyPrefix], ['data.backup.prefix', `s3://${dev.data.backup.bucket}/${dev.data.backup.prefix}`]]) {
      const line = lines.find((l) => l.includes(`staging.yaml: ${field}:`));
      expect(line, field).toContain('dev.yaml');
      expect(line, field).toContain(JSON.stringify(value));
    }
  });
});
