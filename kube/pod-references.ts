/**
 * Every ConfigMap, Secret and claim a pod spec reads, how it reads it and which keys: the one walk
 * over volumes, projected sources, pull secrets, `env` and `envFrom` that the reference rules, the
 * credential index (policies/credentials.ts), `no-store-superuser`, the secret-reload annotation
 * and the Pulumi program's readiness share.
 */
import { containersOf, type ContainerAt, type PodTemplate } from './pod-template.ts';
import { arr, at, str } from './read.ts';

export interface PodReference {
  readonly kind: 'ConfigMap' | 'Secret' | 'PersistentVolumeClaim';
  readonly name: string;
  /** Dotted path of the field holding the name, e.g. `spec.template.spec.volumes[0].secret.secretName`. */
  readonly path: string;
  /** Dotted path of the reference itself, e.g. `spec.template.spec.containers[0].env[1].valueFrom.secretKeyRef`. */
  readonly at: string;
  readonly optional: boolean;
  /** How the pod reads it. */
  readonly via: 'volume' | 'projected' | 'imagePullSecrets' | 'env' | 'envFrom';
  /** The keys it reads; undefined when it reads every key. */
  readonly keys?: readonly string[];
  /** The container, for `env` and `envFrom`. */
  readonly container?: ContainerAt;
  /** The environment variable, for `env`. */
  readonly variable?: string;
  /** The volume's name, for `volume` and `projected`. */
  readonly volume?: string;
}

/** `items[].key` of a volume source, or undefined when it has none (every key is read). */
function itemKeys(items: unknown): string[] | undefined {
  const keys = arr(items).flatMap((i) => (str(at(i, 'key')) !== undefined ? [str(at(i, 'key'))!] : []));
  return arr(items).length > 0 ? keys : undefined;
}

export function podReferences(t: PodTemplate): PodReference[] {
  const out: PodReference[] = [];
  const add = (r: Omit<PodReference, 'name' | 'optional' | 'path'> & { field: string }, name: unknown, optional: unknown): void => {
    const { field, ...rest } = r;
    if (typeof name === 'string') out.push({ ...rest, name, path: `${r.at}.${field}`, optional: optional === true });
  };
  arr(t.spec['volumes']).forEach((v, i) => {
    const p = `${t.path}.volumes[${i}]`;
    const volume = str(at(v, 'name')) ?? String(i);
    add({ kind: 'ConfigMap', at: `${p}.configMap`, field: 'name', via: 'volume', volume, keys: itemKeys(at(v, 'configMap', 'items')) }, at(v, 'configMap', 'name'), at(v, 'configMap', 'optional'));
    add({ kind: 'Secret', at: `${p}.secret`, field: 'secretName', via: 'volume', volume, keys: itemKeys(at(v, 'secret', 'items')) }, at(v, 'secret', 'secretName'), at(v, 'secret', 'optional'));
    add({ kind: 'PersistentVolumeClaim', at: `${p}.persistentVolumeClaim`, field: 'claimName', via: 'volume', volume }, at(v, 'persistentVolumeClaim', 'claimName'), false);
    arr(at(v, 'projected', 'sources')).forEach((s, j) => {
      const sp = `${p}.projected.sources[${j}]`;
      add({ kind: 'ConfigMap', at: `${sp}.configMap`, field: 'name', via: 'projected', volume, keys: itemKeys(at(s, 'configMap', 'items')) }, at(s, 'configMap', 'name'), at(s, 'configMap', 'optional'));
      add({ kind: 'Secret', at: `${sp}.secret`, field: 'name', via: 'projected', volume, keys: itemKeys(at(s, 'secret', 'items')) }, at(s, 'secret', 'name'), at(s, 'secret', 'optional'));
    });
  });
  arr(t.spec['imagePullSecrets']).forEach((s, i) => add({ kind: 'Secret', at: `${t.path}.imagePullSecrets[${i}]`, field: 'name', via: 'imagePullSecrets' }, at(s, 'name'), false));
  for (const c of containersOf(t)) {
    arr(c.container['env']).forEach((e, i) => {
      const p = `${c.path}.env[${i}].valueFrom`;
      const variable = str(at(e, 'name')) ?? String(i);
      const cmKey = str(at(e, 'valueFrom', 'configMapKeyRef', 'key'));
      const secretKey = str(at(e, 'valueFrom', 'secretKeyRef', 'key'));
      add({ kind: 'ConfigMap', at: `${p}.configMapKeyRef`, field: 'name', via: 'env', container: c, variable, keys: cmKey === undefined ? undefined : [cmKey] }, at(e, 'valueFrom', 'configMapKeyRef', 'name'), at(e, 'valueFrom', 'configMapKeyRef', 'optional'));
      add({ kind: 'Secret', at: `${p}.secretKeyRef`, field: 'name', via: 'env', container: c, variable, keys: secretKey === undefined ? undefined : [secretKey] }, at(e, 'valueFrom', 'secretKeyRef', 'name'), at(e, 'valueFrom', 'secretKeyRef', 'optional'));
    });
    arr(c.container['envFrom']).forEach((e, i) => {
      const p = `${c.path}.envFrom[${i}]`;
      add({ kind: 'ConfigMap', at: `${p}.configMapRef`, field: 'name', via: 'envFrom', container: c }, at(e, 'configMapRef', 'name'), at(e, 'configMapRef', 'optional'));
      add({ kind: 'Secret', at: `${p}.secretRef`, field: 'name', via: 'envFrom', container: c }, at(e, 'secretRef', 'name'), at(e, 'secretRef', 'optional'));
    });
  }
  return out;
}

/** The Secrets the pod's processes read (pull secrets are the kubelet's, not theirs), by name, each with the keys read or undefined for all. */
export function secretsReadBy(t: PodTemplate): PodReference[] {
  return podReferences(t).filter((r) => r.kind === 'Secret' && r.via !== 'imagePullSecrets');
}
