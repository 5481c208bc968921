/**
 * `npm run policy` as CI and people run it: a real process over real directories. The bad fixture
 * is the raw Kubernetes YAML of the deployment guides (fixtures/seeds/), the good one the fixture
 * platform written out in a layout nothing like generated/ (nested, multi-document, .yml).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RULES } from '../../policies/rules/index.ts';
import { goodSet } from './support/good-set.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const CLI = join(ROOT, 'policies', 'cli.ts');
const SEEDS = join('test', 'policies', 'fixtures', 'seeds');

function run(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, '--today', '2026-11-23', ...args], { cwd: ROOT, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

let good: string;
beforeAll(() => {
  good = mkdtempSync(join(tmpdir(), 'policy-good-'));
  const set = goodSet();
  mkdirSync(join(good, 'apps', 'shop'), { recursive: true });
  const dump = (objs: object[]): string => objs.map((o) => yaml.dump(o)).join('---\n');
  writeFileSync(join(good, 'apps', 'shop', 'all.yml'), dump(set.slice(0, 10)));
  writeFileSync(join(good, 'apps', 'rest.yaml'), `# leading comment\n---\n${dump(set.slice(10))}`);
  writeFileSync(join(good, 'values.yaml'), 'replicaCount: 3\n');
  writeFileSync(join(good, 'README.md'), '# not yaml\n');
});
afterAll(() => rmSync(good, { recursive: true, force: true }));

describe('npm run policy on a directory', () => {
  it('passes a compliant set in any layout, in production', () => {
    const r = run('--production', good);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`${goodSet().length} object(s)`);
    expect(r.stdout).toContain('0 error(s), 0 warning(s), 0 waived');
  });

  it('fails on the guides’ manifests, naming rule, object, file, line and field', () => {
    const r = run(SEEDS);
    expect(r.status).toBe(1);
    const lines = r.stdout.split('\n');
    expect(lines).toContain(
      `${SEEDS}/guide-001-1.yaml:29: error no-secret-data: Secret multi-agent-service/multi-agent-secrets: data: the Secret carries data (keys QWEN_API_KEY, DEEPSEEK_API_KEY, GLM_API_KEY, OPENAI_API_KEY); expected an ExternalSecret that fetches them from the secret store`,
    );
    expect(lines).toContain(
      `${SEEDS}/guide-001-1.yaml:54: error image-tag-pinned: Deployment multi-agent-service/multi-agent-service: spec.template.spec.containers[0].image: container "multi-agent-service" uses "multi-agent-service:latest"; expected a version tag, not latest`,
    );
    expect(lines).toContain(
      `${SEEDS}/guide-002-3.yaml:20: error no-credentials-in-url: ConfigMap customer-service/customer-service-config: data.DATABASE_URL: ConfigMap key DATABASE_URL holds a URL with a password; expected the credential in a Secret`,
    );
    expect(lines).toContain(
      `${SEEDS}/guide-002-1.yaml:10: error hpa-owns-replicas: Deployment customer-service: spec.replicas: spec.replicas is 3 but HorizontalPodAutoscaler customer-service-hpa owns the replica count; expected no spec.replicas`,
    );
    expect(lines.at(-2)).toMatch(/^\d+ error\(s\), \d+ warning\(s\), 0 waived$/);
  });

  it('never prints a secret value from the manifests it reads', () => {
    const r = run('--format', 'json', SEEDS);
    expect(r.stdout).not.toMatch(/base64-encoded-key|password@|:\/\/[^\s"]*:[^\s"@$]+@/);
  });

  it('exits 2 on a format it does not know and on a missing directory', () => {
    expect(run('--format', 'html', good)).toMatchObject({ status: 2, stderr: 'policy: --format html: expected one of text, json, sarif, markdown\n' });
    expect(run('does/not/exist').status).toBe(2);
  });

  it('fails on unreadable YAML, with file and line, as a finding of every format', () => {
    const dir = mkdtempSync(join(tmpdir(), 'policy-bad-'));
    try {
      writeFileSync(join(dir, 'x.yaml'), 'apiVersion: v1\nkind: [unclosed\n');
      const r = run(dir);
      expect(r.status).toBe(1);
      expect(r.stdout).toMatch(/x\.yaml:\d+: error yaml-parse-error: File .*x\.yaml: \(document\): not valid YAML/);
      const json = JSON.parse(run('--format', 'json', dir).stdout);
      expect(json.checks[0].findings.map((f: { rule: string }) => f.rule)).toEqual(['yaml-parse-error']);
      expect(json.checks[0].errors).toBe(1);
      const sarif = JSON.parse(run('--format', 'sarif', dir).stdout);
      expect(sarif.runs[0].results[0]).toMatchObject({ ruleId: 'yaml-parse-error', level: 'error' });
      expect(sarif.runs[0].results[0].locations[0].physicalLocation.artifactLocation).toEqual({ uri: 'x.yaml', uriBaseId: '%SRCROOT%' });
      expect(run('--format', 'markdown', dir).stdout).toContain('`yaml-parse-error`');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('output formats', () => {
  it('writes SARIF 2.1.0 that code scanning accepts: rules with help, results with level and location', () => {
    const r = run('--format', 'sarif', SEEDS);
    expect(r.status).toBe(1);
    const sarif = JSON.parse(r.stdout);
    expect(sarif.version).toBe('2.1.0');
    const runOf = sarif.runs[0];
    const ids = runOf.tool.driver.rules.map((x: { id: string }) => x.id);
    expect(ids).toEqual(expect.arrayContaining(RULES.map((x) => x.id)));
    for (const rule of runOf.tool.driver.rules) expect(rule.help.text.length).toBeGreaterThan(10);
    const result = runOf.results.find((x: { ruleId: string }) => x.ruleId === 'no-secret-data');
    expect(result).toMatchObject({
      level: 'error',
      message: { text: expect.stringContaining('Secret multi-agent-service/multi-agent-secrets: data: the Secret carries data') },
      locations: [{ physicalLocation: { artifactLocation: { uri: `${SEEDS}/guide-001-1.yaml` }, region: { startLine: 29 } } }],
    });
    expect(ids[result.ruleIndex]).toBe('no-secret-data');
    expect(runOf.automationDetails).toEqual({ id: 'agent-platform-policies/seeds/' });
  });

  it('gives every environment its own SARIF run, so code scanning accepts the upload', () => {
    const sarif = JSON.parse(run('--format', 'sarif').stdout);
    const ids = sarif.runs.map((r: { automationDetails: { id: string } }) => r.automationDetails.id);
    expect(ids).toEqual(expect.arrayContaining(['agent-platform-policies/dev/', 'agent-platform-policies/prod/', 'agent-platform-policies/staging/']));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('writes Markdown for a pull-request comment', () => {
    const r = run('--format', 'markdown', SEEDS);
    expect(r.stdout).toMatch(/^### Policy check: directory: test\/policies\/fixtures\/seeds\n\n:x: \*\*\d+ error\(s\)\*\* block this change, \d+ warning\(s\), 0 waived\.\n/);
    expect(r.stdout).toContain('| rule | object | file | field | message |');
    expect(r.stdout).toContain('| `no-secret-data` | Secret multi-agent-service/multi-agent-secrets | `test/policies/fixtures/seeds/guide-001-1.yaml:29` | `data` |');
  });

  it('writes JSON with every finding and the totals', () => {
    const r = run('--format', 'json', '--production', good);
    expect(JSON.parse(r.stdout)).toEqual({ checks: [{ env: null, production: true, paths: [good], objects: goodSet().length, errors: 0, warnings: 0, waived: 0, findings: [] }] });
  });
});

describe('npm run policy on the environments', () => {
  it('rejects an environment that does not exist', () => {
    expect(run('--env', 'qa')).toMatchObject({ status: 2, stderr: expect.stringMatching(/^policy: --env qa: expected one of .*prod.*\n$/) });
  });

  it('reports every usage mistake in one line with exit 2: an empty directory, a date that does not exist, an unknown option', () => {
    const empty = mkdtempSync(join(tmpdir(), 'policy-empty-'));
    try {
      for (const args of [[empty], ['--today', '2027-13-45'], ['--today', '2026-02-30'], ['--formt', 'json'], ['--env', '../environments/prod']]) {
        const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8' });
        expect(r.status, args.join(' ')).toBe(2);
        expect(r.stderr, args.join(' ')).toMatch(/^policy: [^\n]*expected[^\n]*\n$/);
      }
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});

describe('npm run policy with a waivers file', () => {
  it('exits 2 naming the field when the file is invalid, and 1 when a waiver has expired', () => {
    const dir = mkdtempSync(join(tmpdir(), 'policy-waivers-'));
    try {
      const bad = join(dir, 'bad.yaml');
      writeFileSync(bad, 'waivers:\n  - rule: no-privileged\n');
      const r = run('--waivers', bad, good);
      expect(r.status).toBe(2);
      expect(r.stderr).toContain(`policy: ${bad}: waivers.0.object:`);

      const expired = join(dir, 'expired.yaml');
      writeFileSync(expired, `waivers:\n  - rule: no-privileged\n    object: { kind: Deployment, namespace: shop, name: api }\n    reason: expired on purpose for this test\n    owner: tests\n    expires: 2026-01-01\n`);
      const e = run('--waivers', expired, good);
      expect(e.status).toBe(1);
      expect(e.stdout).toContain(`${expired}:6: error waiver-expired: Deployment shop/api: waivers[0].expires: the waiver of no-privileged on Deployment shop/api (owner tests) expired on 2026-01-01`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
