/**
 * An independent network-policy engine checks our NetworkPolicies: np-guard's netpol-analyzer
 * (`k8snetpolicy`, built by `npm run tools:build`, tools/go-tools/pins.ts) computes what every environment's
 * rendered policies allow, and that is compared with the flow contract people wrote
 * (test/cluster/flows.yaml and components/<name>/flows.yaml): every contracted flow allowed,
 * nothing else allowed.
 *
 * The analyzer sees generated/<env>/, the cluster configuration the environment's cluster gets
 * (generated/argocd/clusters/<cluster>/) and stand-in Pods for what no manifest declares as a
 * workload: operator-created pods and the add-ons' pods in other namespaces (./standins.ts).
 * Connections among stand-ins only (add-on to add-on) are not ours and are left out.
 *
 * Without the built analyzer the suite is skipped with the reason; under CI=true it fails.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadEnvironments } from '../../environments/load.ts';
import { kindOf, namespaceOf } from '../../policies/objects.ts';
import { analyze, type Flow, flowKey, readObjects, writeInput } from './connectivity.ts';
import { componentFlowFiles, contractFor, readContract } from './flow-contract.ts';
import { standIns } from './standins.ts';
import { describeWithBinaries } from '../support/binaries.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const CONTRACT = join(import.meta.dirname, 'flows.yaml');

function show(flows: Iterable<Flow>): string {
  return [...flows].map((f) => `  ${flowKey(f)}`).sort().join('\n');
}

const envs = loadEnvironments(join(ROOT, 'environments'));
describeWithBinaries('network flows (netpol-analyzer)', ['k8snetpolicy'], 'run `npm run tools:build` (needs Go)', (paths) => {
  const binary = paths['k8snetpolicy']!;
  const contract = readContract(CONTRACT, envs.map((e) => e.name), componentFlowFiles(ROOT));
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  describe.each(envs.map((e) => [e.name, e] as const))('network flows of %s (netpol-analyzer)', (name, env) => {
    const objects = readObjects(join(ROOT, 'generated', name));
    const cluster = readObjects(join(ROOT, 'generated', 'argocd', 'clusters', env.gitops.cluster.name));
    const dir = writeInput({ environment: objects, cluster, 'stand-ins': standIns(objects, env.namespace) });
    dirs.push(dir);
    const allowed = analyze(binary, dir);
    // Ours: the environment's namespace and the namespaces the cluster configuration runs pods in.
    const workloadKinds = new Set(['Deployment', 'StatefulSet', 'DaemonSet']);
    const ours = new Set([env.namespace, ...cluster.filter((o) => workloadKinds.has(kindOf(o))).flatMap((o) => namespaceOf(o) ?? [])]);
    const isOurs = (peer: string) => ours.has(peer.split('/')[0]!);
    const relevant = new Map(allowed.filter((f) => isOurs(f.from) || isOurs(f.to)).map((f) => [flowKey(f), f]));
    const { needed, accepted } = contractFor(contract, name, env.namespace);

    it('the analyzer sees the environment (its workloads reach something)', () => {
      expect([...relevant.values()].some((f) => f.from.startsWith(`${env.namespace}/`))).toBe(true);
    });

    it('allows every flow of the contract', () => {
      const missing = [...needed.values()].filter((f) => !relevant.has(flowKey(f)));
      expect(missing, `contracted flows the policies block (test/cluster/flows.yaml):\n${show(missing)}`).toEqual([]);
    });

    it('allows nothing the contract does not name', () => {
      const extra = [...relevant.values()].filter((f) => !needed.has(flowKey(f)) && !accepted.has(flowKey(f)));
      expect(extra, `flows the policies allow that no row of test/cluster/flows.yaml needs:\n${show(extra)}`).toEqual([]);
    });

    it('still allows each accepted excess (remove the entry once fixed)', () => {
      const gone = [...accepted.values()].filter((f) => !relevant.has(flowKey(f)));
      expect(gone, `accepted flows no longer allowed; remove them from test/cluster/flows.yaml:\n${show(gone)}`).toEqual([]);
    });
  });
});
