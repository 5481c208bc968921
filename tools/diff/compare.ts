/**
 * Object-level comparison of two renderings: which resources were added, removed or changed, and
 * for a changed one the field paths with old and new values.
 *
 * Lists of named things (containers, env, ports, volumes, volumeMounts, ExternalSecret data, ...)
 * are matched by their identity field, so reordering them is not a change; lists of scalars
 * (`command`, `args`) keep their order, which is meaningful there. Secret-looking values never
 * reach the output.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** A rendered object as the diff sees it. */
export interface Resource {
  /** Top-level group of `generated/`: the environment name, or `argocd`. */
  readonly env: string;
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly body: JsonObject;
  /** The file text, when known: identical text is skipped without walking the object. */
  readonly text?: string;
}

/** `Deployment agent-platform-prod/agent-api`. */
export function resourceLabel(r: Pick<Resource, 'kind' | 'namespace' | 'name'>): string {
  return `${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name}`;
}

/** Identity of a resource within its environment. */
function resourceKey(r: Pick<Resource, 'kind' | 'namespace' | 'name'>): string {
  return `${r.kind}/${r.namespace}/${r.name}`;
}

/** One changed field. `undefined` means absent on that side. */
export interface FieldChange {
  /** `spec.template.spec.containers[api].image`. */
  readonly path: string;
  /** The same path as segments, for rules: `['spec','template','spec','containers','[api]','image']`. */
  readonly segments: readonly string[];
  readonly old: Json | undefined;
  readonly new: Json | undefined;
}

export interface ResourceDiff {
  readonly env: string;
  readonly change: 'added' | 'removed' | 'changed';
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly old?: Resource;
  readonly new?: Resource;
  /** For `changed`: every field that differs, sorted by path. */
  readonly fields: readonly FieldChange[];
}

/** Fields, in order of preference, that identify an item of a list of objects. */
const IDENTITY_FIELDS = ['name', 'mountPath', 'devicePath', 'secretKey', 'containerPort', 'port', 'host', 'path', 'secretName', 'key', 'type', 'group', 'namespace', 'server'];

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The field that identifies every item of both lists uniquely, if any. */
function identityOf(a: readonly Json[], b: readonly Json[]): string | undefined {
  if (!a.every(isObject) || !b.every(isObject) || a.length + b.length === 0) return undefined;
  for (const field of IDENTITY_FIELDS) {
    const unique = (list: readonly Json[]) => {
      const values = list.map((x) => (x as JsonObject)[field]);
      return values.every((v) => typeof v === 'string' || typeof v === 'number') && new Set(values).size === values.length;
    };
    // Identity must also be the same notion on both sides: an item keyed by `name` on one side only is not matched.
    if (unique(a) && unique(b)) return field;
  }
  return undefined;
}

function formatKey(key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_-]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

/** `spec.containers[api].env[X].value`, `metadata.annotations["checksum/settings"]`. */
export function joinPath(segments: readonly string[]): string {
  return segments.map((s) => (s.startsWith('[') ? s : formatKey(s))).join('').replace(/^\./, '');
}

function deepEqual(a: Json | undefined, b: Json | undefined): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || a === undefined || b === undefined) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => deepEqual(x, b[i]));
  }
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => k in b && deepEqual(a[k], b[k]));
  }
  return false;
}

/** Every differing field between two values, depth first, lists of named objects matched by name. */
export function diffValues(a: Json | undefined, b: Json | undefined, segments: string[] = [], out: FieldChange[] = []): FieldChange[] {
  if (deepEqual(a, b)) return out;
  if (isObject(a) && isObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    for (const k of keys) diffValues(a[k], b[k], [...segments, k], out);
    return out;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    const id = identityOf(a, b);
    if (id) {
      const byId = (list: Json[]) => new Map(list.map((x) => [String((x as JsonObject)[id]), x]));
      const ma = byId(a);
      const mb = byId(b);
      const ids = [...new Set([...ma.keys(), ...mb.keys()])];
      for (const key of ids) diffValues(ma.get(key), mb.get(key), [...segments, `[${key}]`], out);
      return out;
    }
  }
  out.push({ path: joinPath(segments), segments, old: a, new: b });
  return out;
}

/** Names that say their value is secret: `DB_PASSWORD`, `api-key`, `token`, `privateKey`. */
const SECRET_NAME = /passw(or)?d|(^|[-_.[])pass($|[-_.\]])|secret|token|api[-_]?key|private[-_]?key|credential|dsn/i;
export const REDACTED = '«redacted»';

/** Removes the password of a `scheme://user:password@host` URL. */
function redactUrl(text: string): string {
  return text.replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:)([^@\s/]+)@/gi, `$1${REDACTED}@`);
}

/**
 * The value as it may be shown. Secret data, values of secret-named env vars and map keys, and
 * passwords embedded in URLs are replaced; references to secrets (`secretKeyRef`) are kept, since
 * they hold names, not values.
 */
export function redact(value: Json | undefined, segments: readonly string[], kind: string): Json | undefined {
  if (value === undefined || value === null) return value;
  const top = segments[0];
  if (kind === 'Secret' && (top === 'data' || top === 'stringData')) return redactAll(value);
  // env[NAME].value: the env var's name is the list key.
  const last = segments[segments.length - 1];
  const parent = segments[segments.length - 2];
  if (last === 'value' && parent?.startsWith('[') && SECRET_NAME.test(parent)) return redactAll(value);
  if (last !== undefined && !last.startsWith('[') && SECRET_NAME.test(last) && typeof value === 'string' && !isReferenceContext(segments)) return REDACTED;
  if (typeof value === 'string') return redactUrl(value);
  if (Array.isArray(value)) return value.map((v, i) => redact(v, [...segments, `[${i}]`], kind) as Json);
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redact(v, [...segments, k], kind) as Json]));
  return value;
}

/** Inside a reference to a secret (secretKeyRef, secretRef, secretName), values are names, not secrets. */
function isReferenceContext(segments: readonly string[]): boolean {
  const last = segments[segments.length - 1] ?? '';
  return /Ref$|Name$|^secretKey$/.test(last) || segments.some((s) => /Ref$|^remoteRef$|^secretStoreRef$/.test(s));
}

function redactAll(value: Json): Json {
  if (Array.isArray(value)) return value.map(redactAll);
  if (isObject(value)) return Object.fromEntries(Object.keys(value).map((k) => [k, REDACTED]));
  return REDACTED;
}

/** Compares the resources of two renderings. Pure; output sorted by environment, kind, namespace, name. */
export function compareRenderings(oldResources: readonly Resource[], newResources: readonly Resource[]): ResourceDiff[] {
  const key = (r: Resource) => `${r.env}\u0000${resourceKey(r)}`;
  const before = new Map(oldResources.map((r) => [key(r), r]));
  const after = new Map(newResources.map((r) => [key(r), r]));
  const diffs: ResourceDiff[] = [];
  for (const [k, o] of before) {
    const n = after.get(k);
    const base = { env: o.env, kind: o.kind, namespace: o.namespace, name: o.name };
    if (!n) {
      diffs.push({ ...base, change: 'removed', old: o, fields: [] });
      continue;
    }
    if (o.text !== undefined && o.text === n.text) continue;
    const fields = diffValues(o.body, n.body).map((f) => ({ ...f, old: redact(f.old, f.segments, o.kind), new: redact(f.new, f.segments, n.kind) }));
    if (fields.length > 0) diffs.push({ ...base, change: 'changed', old: o, new: n, fields });
  }
  for (const [k, n] of after) {
    if (!before.has(k)) diffs.push({ env: n.env, kind: n.kind, namespace: n.namespace, name: n.name, change: 'added', new: n, fields: [] });
  }
  const order = (d: ResourceDiff) => `${d.env}\u0000${d.kind}\u0000${d.namespace}\u0000${d.name}`;
  return diffs.sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0));
}
