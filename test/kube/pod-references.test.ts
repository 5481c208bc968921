import { describe, expect, it } from 'vitest';
import { podReferences, secretsReadBy } from '../../kube/pod-references.ts';
import { podTemplateOf } from '../../kube/pod-template.ts';

const job = {
  kind: 'Job',
  spec: {
    template: {
      spec: {
        imagePullSecrets: [{ name: 'pull' }],
        volumes: [
          { name: 'certs', secret: { secretName: 'tls', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
          { name: 'all', projected: { sources: [{ secret: { name: 'whole' } }, { configMap: { name: 'cm', optional: true } }] } },
        ],
        containers: [{ name: 'c', env: [{ name: 'PW', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } }], envFrom: [{ secretRef: { name: 'env' } }] }],
      },
    },
  },
};

describe('podReferences', () => {
  it('names each reference, how the pod reads it, which keys and where', () => {
    const refs = podReferences(podTemplateOf(job)!);
    expect(refs.map((r) => [r.kind, r.name, r.via, r.keys, r.at])).toEqual([
      ['Secret', 'tls', 'volume', ['ca.crt'], 'spec.template.spec.volumes[0].secret'],
      ['Secret', 'whole', 'projected', undefined, 'spec.template.spec.volumes[1].projected.sources[0].secret'],
      ['ConfigMap', 'cm', 'projected', undefined, 'spec.template.spec.volumes[1].projected.sources[1].configMap'],
      ['Secret', 'pull', 'imagePullSecrets', undefined, 'spec.template.spec.imagePullSecrets[0]'],
      ['Secret', 'db', 'env', ['password'], 'spec.template.spec.containers[0].env[0].valueFrom.secretKeyRef'],
      ['Secret', 'env', 'envFrom', undefined, 'spec.template.spec.containers[0].envFrom[0].secretRef'],
    ]);
    expect(refs.find((r) => r.name === 'cm')).toMatchObject({ optional: true, path: 'spec.template.spec.volumes[1].projected.sources[1].configMap.name', volume: 'all' });
    expect(refs.find((r) => r.name === 'db')).toMatchObject({ variable: 'PW', container: { name: 'c' } });
  });

  it("leaves the kubelet's pull secrets out of what the pod's processes read", () => {
    expect(secretsReadBy(podTemplateOf(job)!).map((r) => r.name)).toEqual(['tls', 'whole', 'db', 'env']);
  });
});
