/**
 * Schema validation of the Barman Cloud plugin's `ObjectStore` (`barmancloud.cnpg.io/v1`), which
 * no `@kubernetes-models/*` package models. The shape follows the plugin's Go types
 * (`api/v1/objectstore_types.go` of cloudnative-pg/plugin-barman-cloud v0.14-v0.15, CRD
 * `config/crd/bases/barmancloud.cnpg.io_objectstores.yaml`): `spec.configuration` is barman-cloud's
 * `BarmanObjectStoreConfiguration`, the very type the in-tree `barmanObjectStore` used, so it is
 * checked with that model from `@kubernetes-models/cloudnative-pg`; the rest is written out here,
 * including the CRD's CEL rules (no `serverName` in the configuration, no `--log-level` in the
 * sidecar arguments).
 */
import { validate as objectMeta } from '@kubernetes-models/apimachinery/_schemas/IoK8sApimachineryPkgApisMetaV1ObjectMeta';
import { BarmanObjectStoreConfiguration } from '@kubernetes-models/cloudnative-pg/github.com/cloudnative-pg/barman-cloud/pkg/api/BarmanObjectStoreConfiguration';
import { validate as envVar } from 'kubernetes-models/_schemas/IoK8sApiCoreV1EnvVar';
import { validate as resourceRequirements } from 'kubernetes-models/_schemas/IoK8sApiCoreV1ResourceRequirements';
import { runValidateFunc, type ValidateFunc } from '@kubernetes-models/validate';

/** One problem, in the shape ajv (and so `stacks/validate.ts`) reports it. */
interface SchemaError {
  readonly instancePath: string;
  readonly message: string;
  readonly params?: Record<string, unknown>;
}

const SPEC_FIELDS = new Set(['configuration', 'retentionPolicy', 'instanceSidecarConfiguration']);
const SIDECAR_FIELDS = new Set(['env', 'retentionPolicyIntervalSeconds', 'resources', 'additionalContainerArgs', 'logLevel']);
const LOG_LEVELS = ['error', 'warning', 'info', 'debug', 'trace'];

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Runs a generated schema validator (messages localised as the models do), its paths under `at`. */
function run(fn: unknown, data: unknown, at: string, out: SchemaError[]): void {
  try {
    runValidateFunc(fn as ValidateFunc<unknown>, data);
  } catch (e) {
    for (const x of (e as { errors?: SchemaError[] }).errors ?? []) out.push({ instancePath: `${at}${x.instancePath}`, message: x.message, ...(x.params ? { params: x.params } : {}) });
  }
}

function unknownFields(data: Record<string, unknown>, known: ReadonlySet<string>, path: string, out: SchemaError[]): void {
  for (const key of Object.keys(data)) if (!known.has(key)) out.push({ instancePath: `${path}/${key}`, message: `is not a field of the ObjectStore CRD; expected one of ${[...known].join(', ')}` });
}

/** Every problem of `data` as an ObjectStore; empty when it is valid. */
function objectStoreErrors(data: Record<string, unknown>): SchemaError[] {
  const out: SchemaError[] = [];
  if (data['apiVersion'] !== 'barmancloud.cnpg.io/v1') out.push({ instancePath: '/apiVersion', message: 'must be equal to one of the allowed values', params: { allowedValues: ['barmancloud.cnpg.io/v1'] } });
  if (data['kind'] !== 'ObjectStore') out.push({ instancePath: '/kind', message: 'must be equal to one of the allowed values', params: { allowedValues: ['ObjectStore'] } });
  if (data['metadata'] === undefined) out.push({ instancePath: '', message: "must have required property 'metadata'" });
  else run(objectMeta, data['metadata'], '/metadata', out);
  const spec = data['spec'];
  if (!isObject(spec)) {
    out.push({ instancePath: spec === undefined ? '' : '/spec', message: spec === undefined ? "must have required property 'spec'" : 'must be object' });
    return out;
  }
  unknownFields(spec, SPEC_FIELDS, '/spec', out);
  const configuration = spec['configuration'];
  if (configuration === undefined) out.push({ instancePath: '/spec', message: "must have required property 'configuration'" });
  else {
    try {
      new BarmanObjectStoreConfiguration(configuration as never).validate();
    } catch (e) {
      const errors = (e as { errors?: SchemaError[] }).errors ?? [{ instancePath: '', message: (e as Error).message }];
      out.push(...errors.map((x) => ({ ...x, instancePath: `/spec/configuration${x.instancePath}` })));
    }
    if (isObject(configuration) && configuration['serverName'] !== undefined) {
      out.push({ instancePath: '/spec/configuration/serverName', message: "must not be set; use the 'serverName' plugin parameter in the Cluster resource" });
    }
  }
  const retention = spec['retentionPolicy'];
  if (retention !== undefined && !(typeof retention === 'string' && /^[1-9][0-9]*[dwm]$/.test(retention))) {
    out.push({ instancePath: '/spec/retentionPolicy', message: 'must match pattern "^[1-9][0-9]*[dwm]$"' });
  }
  const sidecar = spec['instanceSidecarConfiguration'];
  if (sidecar !== undefined) {
    if (!isObject(sidecar)) out.push({ instancePath: '/spec/instanceSidecarConfiguration', message: 'must be object' });
    else {
      const at = '/spec/instanceSidecarConfiguration';
      unknownFields(sidecar, SIDECAR_FIELDS, at, out);
      const env = sidecar['env'];
      if (env !== undefined) {
        if (!Array.isArray(env)) out.push({ instancePath: `${at}/env`, message: 'must be array' });
        else env.forEach((v, i) => run(envVar, v, `${at}/env/${i}`, out));
      }
      if (sidecar['resources'] !== undefined) run(resourceRequirements, sidecar['resources'], `${at}/resources`, out);
      const interval = sidecar['retentionPolicyIntervalSeconds'];
      if (interval !== undefined && !Number.isInteger(interval)) out.push({ instancePath: `${at}/retentionPolicyIntervalSeconds`, message: 'must be integer' });
      const level = sidecar['logLevel'];
      if (level !== undefined && !LOG_LEVELS.includes(String(level))) out.push({ instancePath: `${at}/logLevel`, message: 'must be equal to one of the allowed values', params: { allowedValues: LOG_LEVELS } });
      const args = sidecar['additionalContainerArgs'];
      if (args !== undefined) {
        if (!Array.isArray(args) || args.some((a) => typeof a !== 'string')) out.push({ instancePath: `${at}/additionalContainerArgs`, message: 'must be array of strings' });
        else if (args.some((a: string) => a.startsWith('--log-level'))) out.push({ instancePath: `${at}/additionalContainerArgs`, message: 'must not set --log-level; use spec.instanceSidecarConfiguration.logLevel' });
      }
    }
  }
  return out;
}

/** The model `stacks/validate.ts` loads for `barmancloud.cnpg.io/v1` `ObjectStore`. */
export class ObjectStore {
  private readonly data: Record<string, unknown>;
  constructor(data: Record<string, unknown>) {
    this.data = data;
  }
  validate(): void {
    const errors = objectStoreErrors(this.data);
    if (errors.length > 0) throw Object.assign(new Error(errors.map((e) => `${e.instancePath || '(root)'} ${e.message}`).join('; ')), { errors });
  }
}
