/** Reading YAML from anywhere: several documents per file, Lists, non-objects, bad YAML, field lines. */
import { describe, expect, it } from 'vitest';
import { parseDocuments } from '../../policies/documents.ts';
import { locateLine } from '../../policies/locate.ts';

const MULTI = `# two objects and a comment-only document
apiVersion: v1
kind: ConfigMap
metadata:
  name: a
---
---
apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: Service
    metadata: { name: b }
---
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources: [a.yaml]
---
replicaCount: 3
`;

describe('parseDocuments', () => {
  it('reads every document of a file, unwraps Lists and skips what is not applied to a cluster', () => {
    const { objects, problems } = parseDocuments(MULTI, 'x.yaml');
    expect(problems).toEqual([]);
    expect(objects.map((o) => `${o.object.kind} ${String(o.object.metadata?.name)} line ${o.line}`)).toEqual(['ConfigMap a line 1', 'Service b line 8']);
  });

  it('reports invalid YAML with its line and keeps the other documents', () => {
    const { objects, problems } = parseDocuments('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ok}\n---\nkind: [unclosed\n', 'bad.yaml');
    expect(objects).toHaveLength(1);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ file: 'bad.yaml', line: 6 });
    expect(problems[0]!.message).toMatch(/^not valid YAML: /);
  });
});

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  template:
    spec:
      containers:
      - name: sidecar
        image: a:1
      - name: api
        image: b:latest
        env:
          - name: A
            value: "1"
          - name: B
            value: "2"
        securityContext: { runAsUser: 0 }
`;

describe('locateLine', () => {
  it('finds a field under compact sequences and nested lists', () => {
    const lines = DEPLOYMENT.split('\n');
    expect(lines[locateLine(DEPLOYMENT, 'spec.template.spec.containers[1].image')]).toBe('        image: b:latest');
    expect(lines[locateLine(DEPLOYMENT, 'spec.template.spec.containers[1].env[1].value')]).toBe('            value: "2"');
  });

  it('stops at the deepest line it can find: inside flow style or at a missing field', () => {
    const lines = DEPLOYMENT.split('\n');
    expect(lines[locateLine(DEPLOYMENT, 'spec.template.spec.containers[1].securityContext.runAsUser')]).toBe('        securityContext: { runAsUser: 0 }');
    expect(lines[locateLine(DEPLOYMENT, 'spec.template.spec.containers[0].readinessProbe')]).toBe('      - name: sidecar');
    expect(locateLine(DEPLOYMENT, 'spec.replicas')).toBe(4);
  });
});
