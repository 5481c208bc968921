/**
 * The CrossGuard pack, as the Pulumi CLI runs it: `pulumi preview|up --policy-pack policies/pulumi-pack`.
 * The Node.js host (`@pulumi/pulumi/cmd/run-policy-pack`) does `require(<this directory>)`, which
 * reaches this module through `main.cjs`. The environment is the stack's (`PULUMI_NODEJS_STACK`),
 * its production flag and delivery come from `environments/<env>.yaml`, the waivers from
 * `policies/waivers.yaml`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PolicyPack } from '@pulumi/policy';
import { environmentNames, loadEnvironment } from '../../environments/load.ts';
import { RULES } from '../rules/index.ts';
import { parseWaivers } from '../waivers.ts';
import { buildPolicies } from './policies.ts';
import { environmentOfStack } from './stack-environment.ts';

const root = resolve(import.meta.dirname, '..', '..');
const environments = join(root, 'environments');
const name = environmentOfStack(process.env, environmentNames(environments));
const environment = loadEnvironment(environments, name);
const env = { name, production: environment.production, delivery: environment.delivery, dns: { namespace: environment.network.dnsNamespace, podLabels: environment.network.dnsPodLabel } };
const waiversFile = join(root, 'policies', 'waivers.yaml');
const waivers = existsSync(waiversFile) ? parseWaivers(readFileSync(waiversFile, 'utf8'), waiversFile, new Set(RULES.map((r) => r.id))) : [];

new PolicyPack('agent-platform-kubernetes', {
  description: 'The agent platform’s Kubernetes rules (policies/rules), the same ones `npm run policy` runs on rendered YAML.',
  policies: buildPolicies({ env, waivers, today: new Date().toISOString().slice(0, 10) }),
});
