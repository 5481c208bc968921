/**
 * What the issuers test reads back from the control plane, kept apart from the test so w14-apply
 * and w14-argo can run the same checks on a whole environment they applied: each function returns
 * the problems it found (empty when all is well), naming the object and what is wrong, never a
 * secret value.
 */
import { X509Certificate } from 'node:crypto';
import { arr, at, kindOf, nameOf, namespaceOf, podTemplateOf, rec, str, containersOf } from '../../policies/objects.ts';
import { producedBy } from '../../kube/produced.ts';
import { apiGroupOf } from '../../kube/api-version.ts';
import type { K8sObject } from '../../policies/types.ts';
import { planSecret, secretData as pulumiSecretData } from '../../stacks/pulumi/pulumi-secrets.ts';
import type { Manifest } from '../../kube/object.ts';
import { type KubeTarget, kubectl } from './issuers.ts';

type Json = Record<string, unknown>;

/** A live object's `Ready` condition, if any. */
function readyCondition(live: Json): { status?: string; reason?: string; message?: string } | undefined {
  return arr(at(live, 'status', 'conditions')).map((c) => rec(c) ?? {}).find((c) => c['type'] === 'Ready') as { status?: string; reason?: string; message?: string } | undefined;
}

/** Every object of `kind` in `namespace`, by name. */
export function liveObjects(target: KubeTarget, kind: string, namespace: string): Map<string, Json> {
  const list = JSON.parse(kubectl(target, ['get', kind, '-n', namespace, '-o', 'json'])) as { items: Json[] };
  return new Map(list.items.map((o) => [str(at(o, 'metadata', 'name'))!, o]));
}

/**
 * Waits until every object of `kind` named in `names` reports Ready=True, polling; returns one
 * problem per object that did not, with its condition's reason and message.
 */
export async function waitReady(target: KubeTarget, kind: string, namespace: string, names: readonly string[], timeoutMs: number): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const live = liveObjects(target, kind, namespace);
    const problems = names.flatMap((n) => {
      const o = live.get(n);
      if (!o) return [`${kind} ${namespace}/${n} does not exist`];
      const c = readyCondition(o);
      return c?.status === 'True' ? [] : [`${kind} ${namespace}/${n} is not Ready: ${c ? `${c.reason ?? ''} ${c.message ?? ''}`.trim() : 'no Ready condition yet'}`];
    });
    if (problems.length === 0 || Date.now() > deadline) return problems;
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/** The decoded data of a live Secret. */
export function secretData(secret: Json): Map<string, string> {
  return new Map(Object.entries(rec(secret['data']) ?? {}).map(([k, v]) => [k, Buffer.from(String(v), 'base64').toString('utf8')]));
}

/**
 * Each Certificate's Secret: it exists under the declared name, holds a key pair whose certificate
 * covers the declared DNS names and CA flag, and is signed by the certificate in `ca.crt` (the issuing
 * CA, or the certificate itself when self-signed), so a client trusting that CA accepts it.
 */
export function certificateProblems(certificates: readonly Manifest[], secrets: ReadonlyMap<string, Json>): string[] {
  return certificates.flatMap((c) => {
    const spec = c['spec'] as { secretName: string; dnsNames?: string[]; isCA?: boolean };
    const where = `Certificate ${c.metadata.namespace}/${c.metadata.name}`;
    const secret = secrets.get(spec.secretName);
    if (!secret) return [`${where}: Secret ${spec.secretName} was not created`];
    const data = secretData(secret);
    const missing = ['tls.crt', 'tls.key', 'ca.crt'].filter((k) => !data.get(k));
    if (missing.length) return [`${where}: Secret ${spec.secretName} lacks ${missing.join(', ')}`];
    const cert = new X509Certificate(data.get('tls.crt')!);
    const ca = new X509Certificate(data.get('ca.crt')!);
    const out: string[] = [];
    const sans = (cert.subjectAltName ?? '').split(', ').filter((s) => s.startsWith('DNS:')).map((s) => s.slice(4));
    for (const dns of spec.dnsNames ?? []) if (!sans.includes(dns)) out.push(`${where}: the issued certificate does not cover ${dns} (it covers ${sans.join(', ') || 'no DNS name'})`);
    if (cert.ca !== (spec.isCA ?? false)) out.push(`${where}: the issued certificate has CA=${cert.ca}, the Certificate asks isCA=${spec.isCA ?? false}`);
    if (!cert.checkIssued(ca) || !cert.verify(ca.publicKey)) out.push(`${where}: the certificate is not signed by the CA in ca.crt (${ca.subject})`);
    return out;
  });
}

/** Keys a template value reads (`{{ .KEY ... }}`). */
function templateKeys(template: string): string[] {
  return [...template.matchAll(/\{\{[^}]*?\.([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]!);
}

/**
 * Each ExternalSecret's Secret: it exists under the target name with every key the ExternalSecret
 * declares (fetched and templated); every fetched key holds the store's value for its remote
 * reference; every templated key embeds the values it reads intact (a URL's password decodes to
 * the value, so escaping is right; a bare `{{ .KEY }}` is the value).
 * @param storeValue the stand-in store's value for a remote reference of a store
 */
export function externalSecretProblems(
  externalSecrets: readonly Manifest[],
  secrets: ReadonlyMap<string, Json>,
  storeValue: (store: string, key: string, property?: string) => string | undefined,
): string[] {
  return externalSecrets.flatMap((es) => {
    const spec = es['spec'] as {
      secretStoreRef: { kind?: string; name: string };
      target?: { name?: string; template?: { data?: Record<string, string> } };
      data?: { secretKey: string; remoteRef: { key: string; property?: string } }[];
    };
    const where = `ExternalSecret ${es.metadata.namespace}/${es.metadata.name}`;
    const name = spec.target?.name ?? es.metadata.name;
    const secret = secrets.get(name);
    if (!secret) return [`${where}: Secret ${name} was not created`];
    const data = secretData(secret);
    const store = `${spec.secretStoreRef.kind ?? 'SecretStore'}/${spec.secretStoreRef.name}`;
    const out: string[] = [];
    const fetched = new Map<string, string>();
    for (const d of spec.data ?? []) {
      const want = storeValue(store, d.remoteRef.key, d.remoteRef.property);
      const got = data.get(d.secretKey);
      if (got === undefined) out.push(`${where}: Secret ${name} lacks key ${d.secretKey}`);
      else if (got !== want) out.push(`${where}: key ${d.secretKey} does not hold the store's value of ${d.remoteRef.key}${d.remoteRef.property ? ` property ${d.remoteRef.property}` : ''}`);
      if (want !== undefined) fetched.set(d.secretKey, want);
    }
    for (const [key, template] of Object.entries(spec.target?.template?.data ?? {})) {
      const got = data.get(key);
      if (got === undefined) {
        out.push(`${where}: Secret ${name} lacks templated key ${key}`);
        continue;
      }
      if (got.includes('<no value>')) out.push(`${where}: templated key ${key} renders "<no value>": the template reads a key the ExternalSecret does not fetch`);
      for (const k of templateKeys(template)) {
        const value = fetched.get(k);
        if (value === undefined) {
          out.push(`${where}: templated key ${key} reads .${k}, which the ExternalSecret does not fetch`);
          continue;
        }
        if (template.trim() === `{{ .${k} }}`) {
          if (got !== value) out.push(`${where}: templated key ${key} is not the value of ${k}`);
          continue;
        }
        let url: URL | undefined;
        try {
          url = new URL(got);
        } catch {
          url = undefined;
        }
        if (template.includes('://') && !url) {
          out.push(`${where}: templated key ${key} is not a valid URL once ${k} is filled in (escaping is wrong)`);
        } else if (url?.password) {
          if (decodeURIComponent(url.password) !== value) out.push(`${where}: templated key ${key}: the URL's password does not decode to the value of ${k} (escaping is wrong)`);
        } else if (!got.includes(value)) {
          out.push(`${where}: templated key ${key} does not contain the value of ${k}`);
        }
      }
    }
    return out;
  });
}

/** One Secret key something reads, and where. */
export interface SecretKeyRef {
  readonly secret: string;
  /** Undefined when the whole Secret is read (envFrom, a volume without items). */
  readonly key?: string;
  readonly where: string;
}

/**
 * Keys custom resources read from Secrets they name, as their operators document them:
 * CloudNativePG reads `username` and `password` from the superuser, initdb owner and managed-role
 * Secrets (internal/management/utils GetUserPasswordFromSecret, "a secret of type basic-auth").
 */
const RESOURCE_SECRET_KEYS: Record<string, { path: string[]; keys: string[]; each?: string[] }[]> = {
  'postgresql.cnpg.io/Cluster': [
    { path: ['spec', 'superuserSecret', 'name'], keys: ['username', 'password'] },
    { path: ['spec', 'bootstrap', 'initdb', 'secret', 'name'], keys: ['username', 'password'] },
    { each: ['spec', 'managed', 'roles'], path: ['passwordSecret', 'name'], keys: ['username', 'password'] },
  ],
};

/** Every non-optional Secret key that a workload, a Gateway listener or an operator's resource reads. */
export function secretKeyRefs(objects: readonly K8sObject[]): SecretKeyRef[] {
  const out: SecretKeyRef[] = [];
  for (const o of objects) {
    const self = `${kindOf(o)} ${namespaceOf(o) ?? ''}/${nameOf(o)}`;
    if (kindOf(o) === 'Gateway') {
      arr(at(o, 'spec', 'listeners')).forEach((l, i) =>
        arr(at(l, 'tls', 'certificateRefs')).forEach((r, j) => {
          if ((str(at(r, 'kind')) ?? 'Secret') === 'Secret' && str(at(r, 'name'))) {
            for (const key of ['tls.crt', 'tls.key']) out.push({ secret: str(at(r, 'name'))!, key, where: `${self} spec.listeners[${i}].tls.certificateRefs[${j}]` });
          }
        }),
      );
    }
    const group = apiGroupOf(o.apiVersion);
    for (const r of RESOURCE_SECRET_KEYS[`${group}/${kindOf(o)}`] ?? []) {
      const holders = r.each ? arr(at(o, ...r.each)) : [o];
      holders.forEach((h) => {
        const name = str(at(h, ...r.path));
        if (name) for (const key of r.keys) out.push({ secret: name, key, where: `${self} ${[...(r.each ?? []), ...r.path].join('.')}` });
      });
    }
    const t = podTemplateOf(o);
    if (!t) continue;
    const optional = (v: unknown): boolean => v === true;
    arr(t.spec['volumes']).forEach((v, i) => {
      const secret = rec(at(v, 'secret'));
      if (secret && str(secret['secretName']) && !optional(secret['optional'])) {
        const items = arr(secret['items']);
        if (items.length === 0) out.push({ secret: str(secret['secretName'])!, where: `${self} ${t.path}.volumes[${i}]` });
        items.forEach((it, j) => out.push({ secret: str(secret['secretName'])!, key: str(at(it, 'key')), where: `${self} ${t.path}.volumes[${i}].secret.items[${j}]` }));
      }
      arr(at(v, 'projected', 'sources')).forEach((s, j) => {
        const ps = rec(at(s, 'secret'));
        if (!ps || !str(ps['name']) || optional(ps['optional'])) return;
        const items = arr(ps['items']);
        if (items.length === 0) out.push({ secret: str(ps['name'])!, where: `${self} ${t.path}.volumes[${i}].projected.sources[${j}]` });
        items.forEach((it, k) => out.push({ secret: str(ps['name'])!, key: str(at(it, 'key')), where: `${self} ${t.path}.volumes[${i}].projected.sources[${j}].secret.items[${k}]` }));
      });
    });
    for (const c of containersOf(t)) {
      arr(c.container['env']).forEach((e, i) => {
        const ref = rec(at(e, 'valueFrom', 'secretKeyRef'));
        if (ref && str(ref['name']) && !optional(ref['optional'])) out.push({ secret: str(ref['name'])!, key: str(ref['key']), where: `${self} ${c.path}.env[${i}] (${str(at(e, 'name'))})` });
      });
      arr(c.container['envFrom']).forEach((e, i) => {
        const ref = rec(at(e, 'secretRef'));
        if (ref && str(ref['name']) && !optional(ref['optional'])) out.push({ secret: str(ref['name'])!, where: `${self} ${c.path}.envFrom[${i}]` });
      });
    }
  }
  return out;
}

/**
 * Every Secret key read in the environment (`secretKeyRefs`) whose Secret an ExternalSecret or a
 * Certificate produces must be in the live Secret. References to Secrets another operator
 * produces (CloudNativePG's `<cluster>-app`) are returned in `elsewhere`: those operators do not
 * run here. A reference to a Secret nothing produces is a problem.
 */
export function workloadKeyProblems(objects: readonly K8sObject[], secrets: ReadonlyMap<string, Json>): { problems: string[]; checked: number; elsewhere: string[] } {
  const ours = new Set<string>();
  const others = new Set<string>();
  for (const o of objects) {
    const produced = producedBy(o).secrets;
    for (const s of produced) (['ExternalSecret', 'Certificate'].includes(kindOf(o)) ? ours : others).add(s);
  }
  const problems: string[] = [];
  const elsewhere: string[] = [];
  let checked = 0;
  for (const r of secretKeyRefs(objects)) {
    if (!ours.has(r.secret)) {
      if (others.has(r.secret)) elsewhere.push(`${r.where}: ${r.secret}${r.key ? `/${r.key}` : ''}`);
      else problems.push(`${r.where}: reads Secret ${r.secret}, which nothing produces`);
      continue;
    }
    checked++;
    const live = secrets.get(r.secret);
    if (!live) problems.push(`${r.where}: Secret ${r.secret} does not exist`);
    else if (r.key !== undefined && !secretData(live).has(r.key)) problems.push(`${r.where}: Secret ${r.secret} has no key ${r.key} (it has ${[...secretData(live).keys()].sort().join(', ')})`);
  }
  return { problems, checked, elsewhere };
}

/**
 * `pulumi` delivery replaces each ExternalSecret with a Secret whose templated keys our own code
 * renders (stacks/pulumi/pulumi-secrets.ts, an emulation of ESO's `urlquery` and `replace`). Given
 * the same store values, that Secret must hold exactly what ESO wrote: same keys, same bytes.
 */
export function pulumiDeliveryProblems(
  externalSecrets: readonly Manifest[],
  secrets: ReadonlyMap<string, Json>,
  storeValue: (store: string, key: string, property?: string) => string | undefined,
  remoteKeyPrefix: string,
): string[] {
  return externalSecrets.flatMap((es) => {
    const where = `ExternalSecret ${es.metadata.namespace}/${es.metadata.name}`;
    const spec = es['spec'] as { secretStoreRef: { kind?: string; name: string }; data?: { remoteRef: { key: string; property?: string } }[] };
    const store = `${spec.secretStoreRef.kind ?? 'SecretStore'}/${spec.secretStoreRef.name}`;
    const plan = planSecret(es, remoteKeyPrefix);
    const values: Record<string, Record<string, string>> = {};
    for (const [i, e] of plan.entries.entries()) {
      const ref = spec.data![i]!.remoteRef;
      (values[e.configKey] ??= {})[e.property] = storeValue(store, ref.key, ref.property) ?? '';
    }
    const pulumi = pulumiSecretData(plan, values, 'harness');
    const live = secrets.get(plan.manifest.metadata.name);
    if (!live) return [`${where}: Secret ${plan.manifest.metadata.name} was not created by ESO`];
    const eso = secretData(live);
    const keys = [...new Set([...Object.keys(pulumi), ...eso.keys()])].sort();
    return keys.flatMap((k) => {
      if (!eso.has(k)) return [`${where}: pulumi delivery writes key ${k}, ESO does not`];
      if (!(k in pulumi)) return [`${where}: ESO writes key ${k}, pulumi delivery does not`];
      return eso.get(k) === pulumi[k] ? [] : [`${where}: key ${k} differs between ESO and pulumi delivery (stacks/pulumi/pulumi-secrets.ts renders the template differently)`];
    });
  });
}
