import { arr, isRecord, podTemplateOf, str, WORKLOAD_KINDS } from '../objects.ts';
import type { Rule } from '../types.ts';

/** Volume sources the restricted Pod Security Standard allows. */
const ALLOWED = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret'];

export const rule: Rule = {
  id: 'allowed-volume-types',
  category: 'security',
  description: `Pod volumes must be one of: ${ALLOWED.join(', ')}.`,
  rationale:
    'Other sources (nfs, iscsi, rbd, gitRepo, ...) mount storage straight from the node with node credentials, bypassing the storage class and its access control; the restricted Pod Security Standard allows only these. hostPath has its own rule.',
  severity: 'error',
  kinds: WORKLOAD_KINDS,
  scope: 'object',
  check: (o) => {
    const t = podTemplateOf(o);
    if (!t) return [];
    return arr(t.spec['volumes']).flatMap((v, i) => {
      if (!isRecord(v)) return [];
      return Object.keys(v)
        .filter((k) => k !== 'name' && k !== 'hostPath' && !ALLOWED.includes(k))
        .map((k) => ({ path: `${t.path}.volumes[${i}].${k}`, message: `volume "${str(v['name']) ?? i}" is of type ${k}; expected one of ${ALLOWED.join(', ')}` }));
    });
  },
};
