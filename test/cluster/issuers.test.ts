/**
 * The issuers harness's own logic, without a control plane: the stand-ins answer every issuer and
 * store name and every remote reference the model renders, and the read-back checks do fail on the
 * defects they exist for (an unescaped password in a URL template, a key a workload reads that the
 * Secret lacks, a certificate signed by another CA).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Manifest } from '../../stacks/render.ts';
import { certificateProblems, externalSecretProblems, secretKeyRefs, workloadKeyProblems } from './issuer-checks.ts';
import { fakeStoreData, issuerStandIns, type RenderedEnvironment, remoteRefsByStore, renderAll } from './issuers.ts';

const secret = (name: string, data: Record<string, string>): [string, Record<string, unknown>] => [
  name,
  { metadata: { name }, data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')])) },
];

describe('issuer and store stand-ins', () => {
  let rendered: RenderedEnvironment[] = [];
  beforeAll(async () => {
    rendered = await renderAll();
  });

  it('exist under every ClusterIssuer and store name the rendered objects reference', () => {
    const standIns = issuerStandIns(rendered);
    const has = (kind: string, name: string): boolean => standIns.some((o) => o.kind === kind && o.metadata.name === name);
    const all = rendered.flatMap((r) => r.manifests);
    const issuerRefs = all.filter((m) => m.kind === 'Certificate').map((m) => (m['spec'] as { issuerRef: { kind: string; name: string } }).issuerRef);
    for (const ref of issuerRefs.filter((r) => r.kind === 'ClusterIssuer')) expect(has('ClusterIssuer', ref.name), ref.name).toBe(true);
    // Namespaced issuers are ours, rendered with the environment, never stood in for.
    for (const ref of issuerRefs.filter((r) => r.kind === 'Issuer')) expect(all.some((m) => m.kind === 'Issuer' && m.metadata.name === ref.name)).toBe(true);
    for (const m of all.filter((x) => x.kind === 'ExternalSecret')) {
      const ref = (m['spec'] as { secretStoreRef: { kind: string; name: string } }).secretStoreRef;
      expect(has(ref.kind, ref.name), `${ref.kind} ${ref.name}`).toBe(true);
    }
    expect(standIns.filter((o) => o.kind === 'ClusterIssuer' && (o['spec'] as { acme?: unknown }).acme)).toEqual([]);
  });

  it('hold a value for every remote key and property, random on every call', () => {
    for (const { manifests } of rendered) {
      for (const refs of remoteRefsByStore(manifests).values()) {
        const data = fakeStoreData(refs);
        for (const r of refs) {
          const entry = data.find((d) => d.key === r.key);
          expect(entry, r.key).toBeDefined();
          if (r.property) expect(typeof (JSON.parse(entry!.value) as Record<string, unknown>)[r.property]).toBe('string');
        }
        expect(fakeStoreData(refs)).not.toEqual(data);
      }
    }
  });

  it('restrict each cluster store to the namespaces of the environments that use it', () => {
    const stores = issuerStandIns(rendered).filter((o) => o.kind === 'ClusterSecretStore');
    for (const s of stores) {
      const users = rendered.filter((r) => r.env.secrets.store.name === s.metadata.name).map((r) => r.env.namespace);
      expect((s['spec'] as { conditions: { namespaces: string[] }[] }).conditions).toEqual([{ namespaces: users.sort() }]);
    }
  });
});

describe('read-back checks', () => {
  const es = (template: Record<string, string>): Manifest => ({
    apiVersion: 'external-secrets.io/v1',
    kind: 'ExternalSecret',
    metadata: { name: 'app', namespace: 'ns' },
    spec: { secretStoreRef: { kind: 'ClusterSecretStore', name: 'store' }, target: { name: 'app', template: { engineVersion: 'v2', data: template } }, data: [{ secretKey: 'PW', remoteRef: { key: 'k', property: 'PW' } }] },
  });
  const value = 'a+b/c @d%';
  const store = (): string => value;

  it('pass a URL whose password decodes to the fetched value', () => {
    const secrets = new Map([secret('app', { PW: value, URL: `postgresql://u:${encodeURIComponent(value)}@db:5432/x` })]);
    expect(externalSecretProblems([es({ URL: 'postgresql://u:{{ .PW | urlquery }}@db:5432/x' })], secrets, store)).toEqual([]);
  });

  it('report a URL template that does not escape the password, or reads an unfetched key', () => {
    const secrets = new Map([secret('app', { PW: value, URL: `postgresql://u:${value.replace(' ', '+')}@db:5432/x`, OTHER: '<no value>' })]);
    const problems = externalSecretProblems([es({ URL: 'postgresql://u:{{ .PW }}@db:5432/x', OTHER: '{{ .MISSING }}' })], secrets, store);
    expect(problems.join('\n')).toMatch(/not a valid URL once PW is filled in|URL's password does not decode/);
    expect(problems.join('\n')).toMatch(/reads \.MISSING, which the ExternalSecret does not fetch/);
  });

  it('report a key a workload reads that the produced Secret lacks, and a Secret nothing produces', () => {
    const objects = [
      es({}),
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'api', namespace: 'ns' },
        spec: { template: { spec: { containers: [{ name: 'c', env: [{ name: 'A', valueFrom: { secretKeyRef: { name: 'app', key: 'NOPE' } } }, { name: 'B', valueFrom: { secretKeyRef: { name: 'ghost', key: 'x' } } }] }] } } },
      },
    ];
    expect(secretKeyRefs(objects).map((r) => `${r.secret}/${r.key}`)).toEqual(['app/NOPE', 'ghost/x']);
    const { problems, checked } = workloadKeyProblems(objects, new Map([secret('app', { PW: value })]));
    expect(checked).toBe(1);
    expect(problems).toEqual([
      'Deployment ns/api spec.template.spec.containers[0].env[0] (A): Secret app has no key NOPE (it has PW)',
      'Deployment ns/api spec.template.spec.containers[0].env[1] (B): reads Secret ghost, which nothing produces',
    ]);
  });

  it('report a certificate not signed by the CA in ca.crt, or not covering a declared name', () => {
    const dir = mkdtempSync(join(tmpdir(), 'issuer-checks-'));
    try {
      const selfSigned = (cn: string, san: string): { crt: string; key: string } => {
        const key = join(dir, `${cn}.key`);
        const crt = join(dir, `${cn}.crt`);
        execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', crt, '-days', '1', '-subj', `/CN=${cn}`, '-addext', `subjectAltName=DNS:${san}`], { stdio: 'ignore' });
        return { crt: readFileSync(crt, 'utf8'), key: readFileSync(key, 'utf8') };
      };
      const a = selfSigned('a', 'a.example.com');
      const b = selfSigned('b', 'b.example.com');
      const cert: Manifest = { apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: { name: 'c', namespace: 'ns' }, spec: { secretName: 'tls', dnsNames: ['a.example.com'], isCA: true } };
      expect(certificateProblems([cert], new Map([secret('tls', { 'tls.crt': a.crt, 'tls.key': a.key, 'ca.crt': a.crt })]))).toEqual([]);
      const wrong = certificateProblems([{ ...cert, spec: { secretName: 'tls', dnsNames: ['x.example.com'], isCA: true } }], new Map([secret('tls', { 'tls.crt': a.crt, 'tls.key': a.key, 'ca.crt': b.crt })]));
      expect(wrong.join('\n')).toMatch(/does not cover x\.example\.com/);
      expect(wrong.join('\n')).toMatch(/not signed by the CA in ca\.crt/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
