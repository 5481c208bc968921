/** The engine around the rules: waivers, their expiry, ordering, and environments mixed in one set. */
import { describe, expect, it } from 'vitest';
import { checkObjects, sourced } from '../../policies/engine.ts';
import { RULES } from '../../policies/rules/index.ts';
import type { Waiver } from '../../policies/types.ts';
import { parseWaivers } from '../../policies/waivers.ts';
import { find, firstContainer, goodSet } from './support/good-set.ts';

const PROD = { name: 'prod', production: true };
const TODAY = '2026-11-23';
const KNOWN = new Set(RULES.map((r) => r.id));

function withLatestImage(): ReturnType<typeof goodSet> {
  const set = goodSet();
  firstContainer(find(set, 'Deployment', 'api')).image = 'shop/api:1.2.3';
  return set;
}

const waiver: Waiver = {
  rule: 'image-digest-in-prod',
  object: { kind: 'Deployment', namespace: 'shop', name: 'api' },
  reason: 'the release pipeline does not publish digests yet',
  owner: 'team-platform',
  expires: '2026-12-31',
};

describe('waivers', () => {
  it('keep a waived finding visible but stop it from counting', () => {
    const result = checkObjects(sourced(withLatestImage()), { env: PROD, waivers: [waiver], today: TODAY });
    expect(result.errors).toBe(0);
    expect(result.waived).toBe(1);
    expect(result.findings[0]).toMatchObject({ rule: 'image-digest-in-prod', waivedBy: waiver });
  });

  it('fail the check from their expiry date on', () => {
    const result = checkObjects(sourced(withLatestImage()), { env: PROD, waivers: [waiver], today: '2026-12-31', waiversFile: 'policies/waivers.yaml' });
    expect(result.errors).toBe(2);
    expect(result.findings.map((f) => `${f.file} ${f.rule} ${f.path}`)).toEqual([
      'Deployment/shop/api image-digest-in-prod spec.template.spec.containers[0].image',
      'policies/waivers.yaml waiver-expired waivers[0].expires',
    ]);
    expect(result.findings[1]!.message).toBe(
      'the waiver of image-digest-in-prod on Deployment shop/api (owner team-platform) expired on 2026-12-31; expected the finding fixed or the waiver renewed with a new date',
    );
  });

  it('warn from 30 days before their expiry, while still waiving', () => {
    const at = (today: string) => checkObjects(sourced(withLatestImage()), { env: PROD, waivers: [waiver], today, waiversFile: 'policies/waivers.yaml' });
    expect(at('2026-11-30').findings.map((f) => f.rule)).toEqual(['image-digest-in-prod']);
    const warned = at('2026-12-01');
    expect(warned.errors).toBe(0);
    expect(warned.warnings).toBe(1);
    expect(warned.findings.map((f) => `${f.severity} ${f.rule} ${f.path}`)).toEqual(['error image-digest-in-prod spec.template.spec.containers[0].image', 'warning waiver-expiring waivers[0].expires']);
    expect(warned.findings[0]!.waivedBy).toBe(waiver);
    expect(warned.findings[1]!.message).toBe(
      'the waiver of image-digest-in-prod on Deployment shop/api (owner team-platform) expires in 30 day(s), on 2026-12-31; expected the finding fixed or the waiver renewed before then',
    );
    expect(at('2026-12-30').findings[1]!.message).toContain('expires in 1 day(s)');
  });

  it('are reported when they match nothing', () => {
    const result = checkObjects(sourced(goodSet()), { env: PROD, waivers: [waiver], today: TODAY });
    expect(result.errors).toBe(0);
    expect(result.findings.map((f) => `${f.severity} ${f.rule}: ${f.message}`)).toEqual([
      'warning waiver-unused: the waiver of image-digest-in-prod on Deployment shop/api (owner team-platform) matches no finding; expected it removed',
    ]);
  });

  it('apply only to their environment when they name one', () => {
    const scoped = { ...waiver, env: 'staging' };
    const result = checkObjects(sourced(withLatestImage()), { env: PROD, waivers: [scoped], today: TODAY });
    expect(result.errors).toBe(1);
    expect(result.findings.map((f) => f.rule)).toEqual(['image-digest-in-prod']);
  });

  it('apply only to the object they name', () => {
    const other = { ...waiver, object: { ...waiver.object, name: 'worker' } };
    expect(checkObjects(sourced(withLatestImage()), { env: PROD, waivers: [other], today: TODAY }).errors).toBe(1);
  });

  it('need a date to be judged against', () => {
    expect(() => checkObjects([], { env: PROD, waivers: [waiver] })).toThrowError('checkObjects: waivers given without `today`');
  });
});

describe('the waivers file', () => {
  const valid = `waivers:\n  - rule: image-digest-in-prod\n    object: { kind: Deployment, namespace: shop, name: api }\n    reason: the release pipeline does not publish digests yet\n    owner: team-platform\n    expires: 2026-12-31\n`;

  it('parses into waivers', () => {
    expect(parseWaivers(valid, 'w.yaml', KNOWN)).toEqual([waiver]);
  });

  it('rejects a waiver without owner or with a malformed date, naming the field', () => {
    const bad = valid.replace('    owner: team-platform\n', '').replace('2026-12-31', '31.12.2026');
    expect(() => parseWaivers(bad, 'w.yaml', KNOWN)).toThrowError(/w\.yaml: waivers\.0\.owner: .*\n.*w\.yaml: waivers\.0\.expires: expected a date as YYYY-MM-DD/);
  });

  it('rejects a rule id that does not exist', () => {
    expect(() => parseWaivers(valid.replace('image-digest-in-prod', 'image-digest'), 'w.yaml', KNOWN)).toThrowError('w.yaml: waivers.0.rule: expected a rule id, got "image-digest"');
  });

  it('rejects unknown keys', () => {
    expect(() => parseWaivers(`${valid}    ticket: OPS-1\n`, 'w.yaml', KNOWN)).toThrowError(/waivers\.0: Unrecognized key: "ticket"/);
  });

  it('accepts the committed waivers file', async () => {
    const { readFileSync } = await import('node:fs');
    const text = readFileSync(new URL('../../policies/waivers.yaml', import.meta.url), 'utf8');
    expect(() => parseWaivers(text, 'policies/waivers.yaml', KNOWN)).not.toThrow();
  });
});

describe('results', () => {
  it('are the same whatever the order of the input, errors first', () => {
    const set = withLatestImage();
    delete firstContainer(find(set, 'Deployment', 'worker')).livenessProbe;
    const forward = checkObjects(sourced(set), { env: PROD }).findings;
    const backward = checkObjects(sourced([...set].reverse()), { env: PROD }).findings;
    expect(backward).toEqual(forward);
    expect(forward.map((f) => f.severity)).toEqual(['error', 'warning']);
  });

  it('see edits made to an object between two checks (nothing is remembered across checks)', () => {
    const set = goodSet();
    const api = find(set, 'Deployment', 'api');
    expect(checkObjects(sourced(set), { env: PROD }).findings).toEqual([]);
    api.spec.template = { ...api.spec.template, metadata: { labels: { app: 'renamed' } } };
    expect(checkObjects(sourced(set), { env: PROD }).findings.map((f) => f.rule)).toContain('service-selects-pods');
  });

  it('judge each object by its own environment when a set mixes several', () => {
    const set = goodSet();
    const app = find(set, 'Application', 'shop');
    app.spec.source.targetRevision = 'main';
    const dev = { name: 'dev', production: false };
    const asProd = checkObjects(sourced(set), { env: dev, environmentOf: (o) => (o === app ? PROD : undefined) });
    const asDev = checkObjects(sourced(set), { env: dev });
    expect(asProd.findings.map((f) => f.rule)).toEqual(['argocd-pinned-revision']);
    expect(asDev.findings).toEqual([]);
  });
});
