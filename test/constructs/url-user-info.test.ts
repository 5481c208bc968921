/**
 * Passwords survive the connection URLs the ExternalSecret templates build: each environment's
 * real `agent-service-data` templates, filled with passwords holding space, `+`, `@`, `:`, `/`,
 * `%` and non-ASCII text, parse back to the same user and password with the WHATWG URL parser
 * (Node) and with Python's urllib, which the service's drivers use (`unquote(urlsplit(url).password)`).
 *
 * The templates are rendered with the real engine: Go's text/template with Sprig, the same fork
 * and version as the pinned External Secrets (test/support/eso-template, built once into a cache
 * outside the work tree). Where Go (>= 1.24) is missing that part is skipped with the reason; under
 * CI=true it fails instead, like every real-tool test (CI machines have Go and the module proxy).
 * The Pulumi delivery's emulation of the same templates
 * (stacks/pulumi/pulumi-secrets.ts) runs everywhere and is checked against Go where both run.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { environmentNames, loadEnvironment } from '../../environments/load.ts';
import { passwordTemplate, userInfoTemplate } from '../../constructs/url-user-info.ts';
import { planSecret, secretData } from '../../stacks/pulumi/pulumi-secrets.ts';
import { renderEnvironment } from '../../stacks/render.ts';
import type { Manifest } from '../../kube/object.ts';
import { describeWithBinaries, findBinary, IN_CI } from '../support/binaries.ts';

const PASSWORDS = ['a b', 'a+b', 'p@ss@host', 'us:er:pw', 'sl/ash/', '100%25 %', 'пароль-ü', '密码🔑', " +@:/%?#[]!$&'()*,;=~\\\"`", ' leading and trailing '];
const dir = join(import.meta.dirname, '..', '..', 'environments');
const envs = environmentNames(dir).map((n) => loadEnvironment(dir, n));

/** Each environment's service URL templates and the remote properties they read. */
async function serviceUrls(name: string): Promise<{ es: Manifest; prefix: string }> {
  const env = envs.find((e) => e.name === name)!;
  const files = await renderEnvironment(env);
  return { es: files.find((f) => f.manifest.kind === 'ExternalSecret' && f.manifest.metadata.name === 'agent-service-data')!.manifest, prefix: env.secrets.remoteKeyPrefix };
}

/** Fetched values for one password: every key the templates read gets it. */
function valuesFor(es: Manifest, password: string): Record<string, string> {
  const data = (es['spec'] as { data: { secretKey: string }[] }).data;
  return Object.fromEntries(data.map((d) => [d.secretKey, password]));
}

function templatesOf(es: Manifest): Record<string, string> {
  return (es['spec'] as { target: { template: { data: Record<string, string> } } }).target.template.data;
}

/** What the service's Python drivers see: user and password, percent-decoded. */
function pythonParse(urls: readonly string[]): [string, string][] {
  const script = 'import json,sys\nfrom urllib.parse import urlsplit, unquote\nprint(json.dumps([[unquote(urlsplit(u).username or ""), unquote(urlsplit(u).password or "")] for u in json.load(sys.stdin)]))';
  return JSON.parse(execFileSync(findBinary('python3')!, ['-c', script], { input: JSON.stringify(urls), encoding: 'utf8' })) as [string, string][];
}

function whatwgParse(url: string): [string, string] {
  const u = new URL(url);
  return [decodeURIComponent(u.username), decodeURIComponent(u.password)];
}

/** `postgresql://agent_app:` -> `agent_app`, from the template itself (the user is not secret). */
function userOf(template: string): string {
  return decodeURIComponent(/^[a-z]+:\/\/([^:@]*):/.exec(template)![1]!);
}

/** The Go renderer, built once per source version into the user's cache; undefined without a usable Go. */
function goRenderer(): { bin?: string; reason?: string } {
  const go = findBinary('go');
  if (!go) return { reason: 'go not found; install Go >= 1.24 (https://go.dev/dl/)' };
  const src = join(import.meta.dirname, '..', 'support', 'eso-template');
  const hash = createHash('sha256');
  for (const f of ['main.go', 'go.mod', 'go.sum']) hash.update(readFileSync(join(src, f)));
  const cache = join(process.env['XDG_CACHE_HOME'] ?? join(homedir(), '.cache'), 'agent-platform-eso-template', hash.digest('hex').slice(0, 16));
  const bin = join(cache, 'eso-template');
  if (existsSync(bin)) return { bin };
  mkdirSync(cache, { recursive: true });
  const tmp = `${bin}.${process.pid}`;
  const r = spawnSync(go, ['build', '-mod=readonly', '-o', tmp, '.'], { cwd: src, encoding: 'utf8', env: { ...process.env, GOTOOLCHAIN: 'local' } });
  if (r.status !== 0) return { reason: `go build of test/support/eso-template failed (Go >= 1.24 and the module proxy are needed): ${(r.stderr || r.error?.message || '').trim().split('\n').slice(-3).join(' ')}` };
  renameSync(tmp, bin);
  return { bin };
}

function goRender(bin: string, templates: Record<string, string>, data: Record<string, string>): Record<string, string> {
  return JSON.parse(execFileSync(bin, [], { input: JSON.stringify({ templates, data }), encoding: 'utf8' })) as Record<string, string>;
}

describe('the user-info helper', () => {
  it('escapes through urlquery, then turns its space-plus into %20', () => {
    expect(userInfoTemplate('agent_app', 'APP_DB_PASSWORD')).toBe('agent_app:{{ .APP_DB_PASSWORD | urlquery | replace "+" "%20" }}@');
    expect(userInfoTemplate('', 'REDIS_PASSWORD')).toBe(':{{ .REDIS_PASSWORD | urlquery | replace "+" "%20" }}@');
  });

  it('refuses a key the template engine would not read as a field', () => {
    expect(() => passwordTemplate('A-B')).toThrowError('passwordTemplate: "A-B" is not a template field name (letters, digits, _)');
  });
});

describe.each(envs.map((e) => e.name))('service URLs of %s', (name) => {
  const rendered = serviceUrls(name);

  it('carry every password through Pulumi delivery’s rendering to WHATWG URL unchanged', async () => {
    const { es, prefix } = await rendered;
    const plan = planSecret(es, prefix);
    for (const password of PASSWORDS) {
      const values = Object.fromEntries(plan.entries.map((e) => [e.configKey, { ...valuesFor(es, password) }]));
      const out = secretData(plan, values, name);
      for (const [key, template] of Object.entries(templatesOf(es))) {
        if (!template.includes('@')) continue;
        expect(whatwgParse(out[key]!), `${key} ${JSON.stringify(password)}`).toEqual([userOf(template), password]);
      }
    }
  });
});

describeWithBinaries('service URLs parsed by Python', ['python3'], 'apt-get install python3', () => {
  it.each(envs.map((e) => e.name))('%s: urllib reads back every password', async (name) => {
    const { es, prefix } = await serviceUrls(name);
    const plan = planSecret(es, prefix);
    const urls: string[] = [];
    const expected: [string, string][] = [];
    for (const password of PASSWORDS) {
      const out = secretData(plan, Object.fromEntries(plan.entries.map((e) => [e.configKey, valuesFor(es, password)])), name);
      for (const [key, template] of Object.entries(templatesOf(es))) {
        if (!template.includes('@')) continue;
        urls.push(out[key]!);
        expected.push([userOf(template), password]);
      }
    }
    expect(pythonParse(urls)).toEqual(expected);
  });

  it('and would not have read a space back through urlquery alone (the defect)', () => {
    expect(pythonParse(['postgresql://app:a+b@db:5432/app'])).toEqual([['app', 'a+b']]);
  });
});

const go = goRenderer();
if (!go.bin && IN_CI) {
  describe('templates rendered by Go text/template and Sprig', () => {
    it('has the Go toolchain it builds the renderer with', () => {
      throw new Error(`CI=true and ${go.reason}`);
    });
  });
} else if (!go.bin) process.stderr.write(`skipped "templates rendered by Go text/template and Sprig": ${go.reason}\n`);
(go.bin ? describe : describe.skip)(`templates rendered by Go text/template and Sprig${go.bin ? '' : ` [skipped: ${go.reason}]`}`, () => {
  let bin: string;
  beforeAll(() => {
    bin = go.bin!;
  });

  it('urlquery alone turns a space into a plus, which user info reads as a plus', () => {
    const out = goRender(bin, { u: 'postgresql://app:{{ .P | urlquery }}@db:5432/app' }, { P: 'a b' });
    expect(whatwgParse(out['u']!)).toEqual(['app', 'a+b']);
  });

  it.each(envs.map((e) => e.name))('%s: the real engine renders what the emulation does, and both parsers read every password back', async (name) => {
    const { es, prefix } = await serviceUrls(name);
    const plan = planSecret(es, prefix);
    const urls: string[] = [];
    const expected: [string, string][] = [];
    for (const password of PASSWORDS) {
      const real = goRender(bin, templatesOf(es), valuesFor(es, password));
      const emulated = secretData(plan, Object.fromEntries(plan.entries.map((e) => [e.configKey, valuesFor(es, password)])), name);
      for (const [key, template] of Object.entries(templatesOf(es))) {
        expect(emulated[key], `${key} ${JSON.stringify(password)}`).toBe(real[key]);
        if (!template.includes('@')) continue;
        expect(whatwgParse(real[key]!)).toEqual([userOf(template), password]);
        urls.push(real[key]!);
        expected.push([userOf(template), password]);
      }
    }
    if (findBinary('python3')) expect(pythonParse(urls)).toEqual(expected);
  });
});
