/**
 * Schema validation of rendered objects: built-in kinds against the Kubernetes OpenAPI schemas
 * (`kubernetes-models`), custom resources against their CRDs' schemas (`@kubernetes-models/*`).
 * An object whose kind has no known schema is refused too: unvalidated output is never written.
 */
import { isBuiltInGroup, parseApiVersion } from '../kube/api-version.ts';

type Manifest = Record<string, unknown>;
type Validator = (data: Manifest) => void;

/** Which package holds the models of an API group. Built-in groups live in `kubernetes-models`. */
const CRD_PACKAGES: Record<string, string> = {
  'cert-manager.io': '@kubernetes-models/cert-manager',
  'acme.cert-manager.io': '@kubernetes-models/cert-manager',
  'external-secrets.io': '@kubernetes-models/external-secrets',
  'argoproj.io': '@kubernetes-models/argo-cd',
  'monitoring.coreos.com': '@kubernetes-models/prometheus-operator',
  'postgresql.cnpg.io': '@kubernetes-models/cloudnative-pg',
  // Models generated from the upstream Go API types (sigs.k8s.io/gateway-api, and
  // github.com/envoyproxy/gateway/api/v1alpha1 for ClientTrafficPolicy, BackendTrafficPolicy,
  // SecurityPolicy, EnvoyProxy, ...).
  'gateway.networking.k8s.io': '@kubernetes-models/gateway-api',
  'gateway.envoyproxy.io': '@kubernetes-models/envoy-gateway',
};

/**
 * Models written in this repository, by `<apiVersion>/<kind>`, for custom resources no package
 * models (paths relative to this file).
 */
const LOCAL_MODELS: Record<string, string> = {
  'barmancloud.cnpg.io/v1/ObjectStore': './models/barmancloud-object-store.ts',
};

/** A rendered object that failed validation, with the field at fault. */
export class ManifestValidationError extends Error {
  readonly object: string;
  readonly field: string;
  constructor(object: string, field: string, problem: string) {
    super(`${object}: ${field ? `${field}: ` : ''}${problem}`);
    this.name = 'ManifestValidationError';
    this.object = object;
    this.field = field;
  }
}

const cache = new Map<string, Promise<Validator>>();

function modulePath(apiVersion: string, kind: string): string | undefined {
  const local = LOCAL_MODELS[`${apiVersion}/${kind}`];
  if (local) return local;
  const { group, version } = parseApiVersion(apiVersion);
  if (isBuiltInGroup(group) && !(group in CRD_PACKAGES)) return `kubernetes-models/${group ? `${group}/` : ''}${version}/${kind}`;
  const pkg = CRD_PACKAGES[group];
  return pkg ? `${pkg}/${group}/${version}/${kind}` : undefined;
}

async function loadValidator(apiVersion: string, kind: string): Promise<Validator> {
  const path = modulePath(apiVersion, kind);
  if (!path) throw new Error(`no schema is known for ${apiVersion} ${kind}; add its models package to stacks/validate.ts`);
  let mod: Record<string, unknown>;
  try {
    mod = (await import(path)) as Record<string, unknown>;
  } catch {
    throw new Error(`no schema is known for ${apiVersion} ${kind} (looked for ${path})`);
  }
  const Model = mod[kind] as (new (data: Manifest) => { validate(): void }) | undefined;
  if (!Model) throw new Error(`${path} has no model ${kind}`);
  return (data) => new Model(data).validate();
}

/** `spec.containers[0].ports` from an ajv instance path `/spec/containers/0/ports`. */
export function fieldPath(instancePath: string): string {
  return instancePath
    .split('/')
    .slice(1)
    .map((seg) => seg.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((out, seg) => (/^[0-9]+$/.test(seg) ? `${out}[${seg}]` : out ? `${out}.${seg}` : seg), '');
}

interface AjvError {
  instancePath?: string;
  message?: string;
  params?: Record<string, unknown>;
}

/**
 * Validates one object; throws a {@link ManifestValidationError} naming `label` and the first
 * failing field (with every failing field in the message).
 */
export async function validateManifest(manifest: Manifest, label: string): Promise<void> {
  const apiVersion = String(manifest['apiVersion'] ?? '');
  const kind = String(manifest['kind'] ?? '');
  if (!apiVersion || !kind) throw new ManifestValidationError(label, '', 'has no apiVersion or kind');
  const key = `${apiVersion}/${kind}`;
  let validator = cache.get(key);
  if (!validator) {
    validator = loadValidator(apiVersion, kind);
    cache.set(key, validator);
  }
  const validate = await validator.catch((e: Error) => {
    throw new ManifestValidationError(label, '', e.message);
  });
  try {
    validate(manifest);
  } catch (e) {
    const errors = ((e as { errors?: AjvError[] }).errors ?? []).filter((x) => x.message);
    const first = errors[0];
    if (!first) throw new ManifestValidationError(label, '', (e as Error).message);
    const allowed = (x: AjvError) => (x.params?.['allowedValues'] ? ` (${JSON.stringify(x.params['allowedValues'])})` : '');
    // One problem: "<field>: <problem>". Several: all of them, each with its own field.
    const problem =
      errors.length === 1
        ? `${first.message}${allowed(first)}`
        : errors.map((x) => `${fieldPath(x.instancePath ?? '') || '(root)'}: ${x.message}${allowed(x)}`).join('; ');
    throw new ManifestValidationError(label, errors.length === 1 ? fieldPath(first.instancePath ?? '') : '', problem);
  }
}
