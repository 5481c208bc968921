/**
 * The CrossGuard pack runs the same rules as the CLI. There is no Pulumi CLI here, so the test
 * plays the engine's part: it turns each object into the arguments @pulumi/policy passes (type,
 * props, urn, name, opts, ...), calls every policy's validateResource / validateStack, and
 * compares the violations with the engine's findings on the same objects.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PolicyResource, ReportViolation, ResourceValidationArgs, ResourceValidationPolicy, StackValidationArgs, StackValidationPolicy } from '@pulumi/policy';
import { describe, expect, it } from 'vitest';
import { parseDocuments } from '../../policies/documents.ts';
import { checkObjects } from '../../policies/engine.ts';
import { buildPolicies, INPUTS_POLICY, objectOf, parseKubernetesType } from '../../policies/pulumi-pack/policies.ts';
import { RULES } from '../../policies/rules/index.ts';
import type { CheckEnvironment, K8sObject, Waiver } from '../../policies/types.ts';
import { find, firstContainer, goodSet } from './support/good-set.ts';

const PROD: CheckEnvironment = { name: 'prod', production: true };
const DEV: CheckEnvironment = { name: 'dev', production: false };

function typeOf(o: K8sObject): string {
  const v = String(o.apiVersion);
  return `kubernetes:${v.includes('/') ? v : `core/${v}`}:${String(o.kind)}`;
}

/** What @pulumi/policy hands a policy for one registered resource. */
function resourceOf(o: K8sObject, index: number): PolicyResource & ResourceValidationArgs {
  const type = typeOf(o);
  const name = `r${index}`;
  const unsupported = (): never => {
    throw new Error('not used by the pack');
  };
  return {
    type,
    props: structuredClone(o) as Record<string, unknown>,
    urn: `urn:pulumi:prod::agent-platform::${type}::${name}`,
    name,
    opts: { protect: false, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [] },
    stackTags: new Map(),
    dependencies: [],
    propertyDependencies: {},
    isType: () => false,
    asType: () => undefined,
    getConfig: <T extends object>() => ({}) as T,
    notApplicable: unsupported,
  } as unknown as PolicyResource & ResourceValidationArgs;
}

/** `rule|urn|message` for every violation the pack reports. */
/**
 * The pack's verdicts as the engine asks for them: each resource analyzed with its inputs first,
 * then the stack with its outputs (`live` gives them; by default the inputs).
 */
async function packVerdicts(objects: K8sObject[], env: CheckEnvironment, waivers: Waiver[] = [], live: (o: K8sObject) => K8sObject = (o) => o): Promise<string[]> {
  const resources = objects.map(resourceOf);
  const outputs = objects.map((o, i) => resourceOf(live(o), i));
  const out: string[] = [];
  for (const policy of buildPolicies({ env, waivers, today: '2026-11-23' })) {
    if (policy.enforcementLevel === 'disabled') continue;
    if ('validateStack' in policy) {
      const report: ReportViolation = (message, urn) => out.push(`${policy.name}|${urn}|${message}`);
      const args = { resources: outputs, stackTags: new Map(), getConfig: () => ({}), notApplicable: () => undefined as never } as unknown as StackValidationArgs;
      await (policy as StackValidationPolicy).validateStack(args, report);
    } else {
      const validate = (policy as ResourceValidationPolicy).validateResource;
      for (const r of resources) {
        const report: ReportViolation = (message) => out.push(`${policy.name}|${r.urn}|${message}`);
        for (const fn of Array.isArray(validate) ? validate : validate ? [validate] : []) await fn(r, report);
      }
    }
  }
  return out.sort();
}

/** The same, from the engine the CLI uses. */
function engineVerdicts(objects: K8sObject[], env: CheckEnvironment, waivers: Waiver[] = []): string[] {
  const urns = new Map(objects.map((o, i) => [o, resourceOf(o, i).urn]));
  const srcs = objects.map((o) => ({ object: o, file: urns.get(o)! }));
  return checkObjects(srcs, { env, waivers, today: '2026-11-23' })
    .findings.filter((f) => !f.waivedBy && !f.rule.startsWith('waiver-'))
    .map((f) => `${f.rule}|${f.file}|${f.path}: ${f.message}`)
    .sort();
}

function seeds(): K8sObject[] {
  const dir = join(import.meta.dirname, 'fixtures', 'seeds');
  return readdirSync(dir)
    .sort()
    .flatMap((f) => parseDocuments(readFileSync(join(dir, f), 'utf8'), f).objects.map((s) => s.object))
    // Pulumi needs a name for every resource; the guides' objects all have one.
    .filter((o) => o.metadata?.name !== undefined);
}

describe('the CrossGuard pack', () => {
  it('has one policy per rule, named by its id, with the enforcement level its severity gives', () => {
    const prod = buildPolicies({ env: PROD });
    expect(prod.map((p) => p.name)).toEqual([INPUTS_POLICY, ...RULES.map((r) => r.id)]);
    const level = (env: CheckEnvironment, id: string): unknown => buildPolicies({ env }).find((p) => p.name === id)!.enforcementLevel;
    expect(level(PROD, 'no-privileged')).toBe('mandatory');
    expect(level(PROD, 'liveness-probe')).toBe('advisory');
    expect(level(PROD, 'image-digest-in-prod')).toBe('mandatory');
    expect(level(DEV, 'image-digest-in-prod')).toBe('disabled');
    expect(level(DEV, 'spread-replicas')).toBe('advisory');
  });

  it('validates single objects per resource and cross-references over the whole stack', () => {
    for (const p of buildPolicies({ env: PROD }).filter((p) => p.name !== INPUTS_POLICY)) {
      const rule = RULES.find((r) => r.id === p.name)!;
      expect('validateStack' in p ? 'set' : 'object').toBe(rule.scope);
    }
  });

  it('reads Pulumi Kubernetes types, including custom resources, and skips components and patches', () => {
    expect(parseKubernetesType('kubernetes:core/v1:Service')).toEqual({ apiVersion: 'v1', kind: 'Service' });
    expect(parseKubernetesType('kubernetes:cert-manager.io/v1:Certificate')).toEqual({ apiVersion: 'cert-manager.io/v1', kind: 'Certificate' });
    expect(parseKubernetesType('kubernetes:yaml/v2:ConfigGroup')).toBeUndefined();
    expect(parseKubernetesType('kubernetes:apps/v1:DeploymentPatch')).toBeUndefined();
    expect(parseKubernetesType('aws:s3/bucket:Bucket')).toBeUndefined();
  });

  it('is built without side effects: only the entry point constructs the PolicyPack (which starts a server)', () => {
    const dir = join(import.meta.dirname, '..', '..', 'policies', 'pulumi-pack');
    expect(readFileSync(join(dir, 'policies.ts'), 'utf8')).not.toMatch(/new PolicyPack\(/);
    expect(readFileSync(join(dir, 'index.ts'), 'utf8')).toMatch(/new PolicyPack\('agent-platform-kubernetes', \{[\s\S]*policies: buildPolicies\(/);
  });

  it('names auto-named resources after their Pulumi name', () => {
    expect(objectOf({ type: 'kubernetes:core/v1:ConfigMap', name: 'settings', props: { data: {} } })).toEqual({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: {} });
  });
});

describe('the pack and the CLI agree', () => {
  it.each([
    ['the compliant fixture platform', goodSet, PROD],
    ['the guides’ manifests, production', seeds, PROD],
    ['the guides’ manifests, development', seeds, DEV],
  ] as const)('on %s', async (_, objects, env) => {
    const set = objects() as K8sObject[];
    const engine = engineVerdicts(set, env);
    expect(await packVerdicts(set, env)).toEqual(engine);
    if (objects === seeds) expect(engine.length).toBeGreaterThan(50);
  });

  // The engine hands a stack policy each resource's outputs: for a Kubernetes object, the live
  // object with the server's defaults, its status and what controllers set (an HPA's replicas).
  it('on the rendered objects, not on the live state the outputs carry', async () => {
    const set = goodSet();
    const engine = engineVerdicts(set, PROD);
    const live = (o: K8sObject): K8sObject => {
      const copy = structuredClone(o) as K8sObject & { spec?: Record<string, unknown>; status?: unknown };
      if (copy.kind === 'Deployment' || copy.kind === 'StatefulSet') copy.spec = { ...copy.spec, replicas: 7 };
      return { ...copy, status: { observedGeneration: 1 } } as K8sObject;
    };
    expect(engineVerdicts(set.map(live), PROD)).not.toEqual(engine);
    expect(await packVerdicts(set, PROD, [], live)).toEqual(engine);
  });

  it('on a platform with one broken field of every category, and on waivers', async () => {
    const set = goodSet();
    firstContainer(find(set, 'Deployment', 'api')).image = 'shop/api:latest';
    find(set, 'Service', 'api').spec.selector = { app: 'apii' };
    find(set, 'Application', 'shop').spec.project = 'default';
    const waivers: Waiver[] = [{ rule: 'image-tag-pinned', object: { kind: 'Deployment', namespace: 'shop', name: 'api' }, reason: 'accepted for the test', owner: 'tests', expires: '2027-01-01' }];
    const engine = engineVerdicts(set, PROD, waivers);
    expect(engine.map((v) => v.split('|')[0])).toEqual(expect.arrayContaining(['argocd-app-project', 'image-digest-in-prod', 'service-selects-pods']));
    expect(engine.some((v) => v.startsWith('image-tag-pinned'))).toBe(false);
    expect(await packVerdicts(set, PROD, waivers)).toEqual(engine);
  });
});
