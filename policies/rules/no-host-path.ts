import { arr, at, podTemplateOf, str, WORKLOAD_KINDS } from '../objects.ts';
import type { Rule } from '../types.ts';

export const rule: Rule = {
  id: 'no-host-path',
  category: 'security',
  description: 'Pods must not mount hostPath volumes.',
  rationale: 'A hostPath mount reads or writes the node file system (the container runtime socket, kubelet credentials); logs go to stdout and data to PersistentVolumeClaims instead.',
  severity: 'error',
  kinds: WORKLOAD_KINDS,
  scope: 'object',
  check: (o) => {
    const t = podTemplateOf(o);
    if (!t) return [];
    return arr(t.spec['volumes']).flatMap((v, i) =>
      at(v, 'hostPath') === undefined
        ? []
        : [{ path: `${t.path}.volumes[${i}].hostPath`, message: `volume "${str(at(v, 'name')) ?? i}" mounts host path ${JSON.stringify(at(v, 'hostPath', 'path') ?? '')}; expected a PersistentVolumeClaim or emptyDir` }],
    );
  },
};
