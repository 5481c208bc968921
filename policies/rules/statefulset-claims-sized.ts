import { arr, at, str } from '../objects.ts';
import type { Rule, Violation } from '../types.ts';

export const rule: Rule = {
  id: 'statefulset-claims-sized',
  category: 'reliability',
  description: 'StatefulSet volumeClaimTemplates must request a storage size and name access modes.',
  rationale: 'Claims without a size fail to bind or get a provisioner default nobody chose; the size is the capacity plan for the data, and it cannot be changed in the template afterwards.',
  severity: 'error',
  kinds: ['StatefulSet'],
  scope: 'object',
  check: (o) =>
    arr(at(o, 'spec', 'volumeClaimTemplates')).flatMap((c, i): Violation[] => {
      const name = str(at(c, 'metadata', 'name')) ?? String(i);
      const out: Violation[] = [];
      if (at(c, 'spec', 'resources', 'requests', 'storage') === undefined) out.push({ path: `spec.volumeClaimTemplates[${i}].spec.resources.requests.storage`, message: `claim template ${name} requests no storage; expected a size such as 10Gi` });
      if (arr(at(c, 'spec', 'accessModes')).length === 0) out.push({ path: `spec.volumeClaimTemplates[${i}].spec.accessModes`, message: `claim template ${name} names no access modes; expected e.g. [ReadWriteOnce]` });
      return out;
    }),
};
