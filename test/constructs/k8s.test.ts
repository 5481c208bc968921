/** constructs/k8s.ts builds on one cdk8s-plus line, and that line models a Kubernetes API close to the target. */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { k8s, KUBERNETES_VERSION } from '../../constructs/k8s.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const { dependencies } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
const LINE = /^cdk8s-plus-(\d+)$/;
const lines = Object.keys(dependencies).filter((name) => LINE.test(name));

describe('the cdk8s-plus line', () => {
  it('is one dependency, the one constructs/k8s.ts exports', async () => {
    expect(lines).toHaveLength(1);
    const plus = (await import(lines[0]!)) as { k8s: unknown };
    expect(k8s).toBe(plus.k8s);
  });

  // cdk8s-plus-NN is generated from the Kubernetes 1.NN API (its package description says so). A line
  // above the target would type fields the target's API server does not serve; a line below it lacks
  // fields the target serves. Lines trail the Kubernetes releases (the newest on npm is 34 on
  // 2026-11-28, with the target at 1.36), so the bound allows two minors of lag: the span of the three
  // lines cdk8s-plus maintains at a time (cdk8s-plus-34's README lists 1.32 to 1.34).
  it('models a Kubernetes minor from two below the target up to the target', () => {
    const [name] = lines as [string];
    const { description } = createRequire(join(ROOT, 'package.json'))(`${name}/package.json`) as { description: string };
    const modelled = /for Kubernetes 1\.(\d+)\.\d+$/.exec(description)?.[1];
    expect(modelled, `${name}'s description "${description}" names no Kubernetes version`).toBe(LINE.exec(name)![1]);
    const line = Number(modelled);
    const target = Number(KUBERNETES_VERSION.split('.')[1]);
    expect(line, `${name} models Kubernetes 1.${line}, above the target ${KUBERNETES_VERSION}`).toBeLessThanOrEqual(target);
    expect(line, `${name} models Kubernetes 1.${line}, more than two minors below the target ${KUBERNETES_VERSION}`).toBeGreaterThanOrEqual(target - 2);
  });
});
