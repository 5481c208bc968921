/**
 * Entry point of the CrossGuard pack: `pulumi preview --policy-pack policies/pulumi-pack`.
 * The environment comes from AGENT_PLATFORM_ENV (default `prod`, the strictest), its production
 * flag from `environments/<env>.yaml`, the waivers from `policies/waivers.yaml`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PolicyPack } from '@pulumi/policy';
import { loadEnvironment } from '../../environments/load.ts';
import { RULES } from '../rules/index.ts';
import { parseWaivers } from '../waivers.ts';
import { buildPolicies } from './policies.ts';

const root = resolve(import.meta.dirname, '..', '..');
const name = process.env['AGENT_PLATFORM_ENV'] ?? 'prod';
const environment = loadEnvironment(join(root, 'environments'), name);
const env = { name, production: environment.production, delivery: environment.delivery };
const waiversFile = join(root, 'policies', 'waivers.yaml');
const waivers = existsSync(waiversFile) ? parseWaivers(readFileSync(waiversFile, 'utf8'), waiversFile, new Set(RULES.map((r) => r.id))) : [];

new PolicyPack('agent-platform-kubernetes', {
  description: 'The agent platform’s Kubernetes rules (policies/rules), the same ones `npm run policy` runs on rendered YAML.',
  policies: buildPolicies({ env, waivers, today: new Date().toISOString().slice(0, 10) }),
});
