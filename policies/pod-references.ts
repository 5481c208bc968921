/** Every ConfigMap, Secret, PVC a pod spec refers to, with the field path and whether it is optional. */
import { arr, at, containersOf, type PodTemplate } from './objects.ts';

export interface PodReference {
  readonly kind: 'ConfigMap' | 'Secret' | 'PersistentVolumeClaim';
  readonly name: string;
  readonly path: string;
  readonly optional: boolean;
}

export function podReferences(t: PodTemplate): PodReference[] {
  const out: PodReference[] = [];
  const add = (kind: PodReference['kind'], name: unknown, path: string, optional: unknown): void => {
    if (typeof name === 'string') out.push({ kind, name, path, optional: optional === true });
  };
  arr(t.spec['volumes']).forEach((v, i) => {
    const p = `${t.path}.volumes[${i}]`;
    add('ConfigMap', at(v, 'configMap', 'name'), `${p}.configMap.name`, at(v, 'configMap', 'optional'));
    add('Secret', at(v, 'secret', 'secretName'), `${p}.secret.secretName`, at(v, 'secret', 'optional'));
    add('PersistentVolumeClaim', at(v, 'persistentVolumeClaim', 'claimName'), `${p}.persistentVolumeClaim.claimName`, false);
    arr(at(v, 'projected', 'sources')).forEach((s, j) => {
      add('ConfigMap', at(s, 'configMap', 'name'), `${p}.projected.sources[${j}].configMap.name`, at(s, 'configMap', 'optional'));
      add('Secret', at(s, 'secret', 'name'), `${p}.projected.sources[${j}].secret.name`, at(s, 'secret', 'optional'));
    });
  });
  arr(t.spec['imagePullSecrets']).forEach((s, i) => add('Secret', at(s, 'name'), `${t.path}.imagePullSecrets[${i}].name`, false));
  for (const c of containersOf(t)) {
    arr(c.container['env']).forEach((e, i) => {
      const p = `${c.path}.env[${i}].valueFrom`;
      add('ConfigMap', at(e, 'valueFrom', 'configMapKeyRef', 'name'), `${p}.configMapKeyRef.name`, at(e, 'valueFrom', 'configMapKeyRef', 'optional'));
      add('Secret', at(e, 'valueFrom', 'secretKeyRef', 'name'), `${p}.secretKeyRef.name`, at(e, 'valueFrom', 'secretKeyRef', 'optional'));
    });
    arr(c.container['envFrom']).forEach((e, i) => {
      const p = `${c.path}.envFrom[${i}]`;
      add('ConfigMap', at(e, 'configMapRef', 'name'), `${p}.configMapRef.name`, at(e, 'configMapRef', 'optional'));
      add('Secret', at(e, 'secretRef', 'name'), `${p}.secretRef.name`, at(e, 'secretRef', 'optional'));
    });
  }
  return out;
}

export function nsLabel(ns: string): string {
  return ns === '' ? 'the unspecified namespace' : `namespace ${ns}`;
}
