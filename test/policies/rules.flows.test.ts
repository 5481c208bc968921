/**
 * The passing shapes of the flow rules, beside the failing ones in rules.test.ts: what the fixed
 * environments render, and the near misses a rule must not report.
 */
import { describe, expect, it } from 'vitest';
import { checkObjects, sourced } from '../../policies/engine.ts';
import { rule as egressReachesDns } from '../../policies/rules/egress-reaches-dns.ts';
import { rule as initJobNotPostsync } from '../../policies/rules/init-job-not-postsync.ts';
import type { CheckEnvironment } from '../../policies/types.ts';
import { find, goodSet, initJob, type Obj } from './support/good-set.ts';

const PROD: CheckEnvironment = { name: 'prod', production: true };
const findings = (set: Obj[], rule: typeof egressReachesDns) => checkObjects(sourced(set), { env: PROD, rules: [rule] }).findings;

describe('init-job-not-postsync passes', () => {
  it('a Sync hook that sets up the account the API signs in with', () => {
    expect(findings([...goodSet(), initJob('Sync')], initJobNotPostsync)).toEqual([]);
  });

  it('a PostSync Job whose only credential-sharing workload is the store it talks to', () => {
    const set = goodSet();
    // The store reads the credential too, but the Job names the store's Service: it is the store's client.
    const job = initJob('PostSync');
    job.spec.template.spec.containers[0].env[0].value = 'db-headless';
    find(set, 'StatefulSet', 'db').spec.template.spec.containers[0].env = [{ name: 'POSTGRES_PASSWORD', valueFrom: { secretKeyRef: { name: 'pg-app', key: 'password' } } }];
    delete find(set, 'Deployment', 'api').spec.template.spec.containers[0].env[1];
    find(set, 'Deployment', 'api').spec.template.spec.containers[0].env = find(set, 'Deployment', 'api').spec.template.spec.containers[0].env.filter(Boolean);
    expect(findings([...set, job], initJobNotPostsync)).toEqual([]);
  });

  it('a PostSync Job sharing nothing with a workload', () => {
    const job = initJob('PostSync');
    job.spec.template.spec.containers[0].env.pop();
    expect(findings([...goodSet(), job], initJobNotPostsync)).toEqual([]);
  });
});

describe('egress-reaches-dns passes', () => {
  it('a CloudNativePG cluster whose policy lets it out and to the cluster DNS', () => {
    const dns = { to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }], ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }] };
    const pg = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'pg', namespace: 'shop' }, spec: { podSelector: { matchLabels: { 'cnpg.io/cluster': 'pg' } }, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ port: 443 }] }, dns] } };
    expect(findings([...goodSet(), pg], egressReachesDns)).toEqual([]);
  });

  it('pods whose policies allow no egress at all (the default deny only)', () => {
    const set = goodSet();
    find(set, 'NetworkPolicy', 'api').spec = { podSelector: { matchLabels: { app: 'api' } }, policyTypes: ['Ingress'], ingress: [{}] };
    expect(findings(set, egressReachesDns)).toEqual([]);
  });

  it('but not DNS to a same-namespace pod selector', () => {
    const set = goodSet();
    find(set, 'NetworkPolicy', 'api').spec.egress[1].to = [{ podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }];
    expect(findings(set, egressReachesDns).map((f) => f.message)).toEqual([expect.stringContaining('allows UDP and TCP port 53')]);
  });
});
