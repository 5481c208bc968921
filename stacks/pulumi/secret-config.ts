/**
 * Secret config must never sit in a stack file in plain text: `Pulumi.<stack>.yaml` is committed.
 * Pulumi can enforce that itself only for keys declared `secret: true` in Pulumi.yaml, and a
 * declared key without a default is required of every stack, while a secret key may not have a
 * plain default (the CLI refuses it as unencrypted). Ours are needed only by some environments
 * (`secrets` in pulumi delivery, the tokens with managed stores), and `secrets` is an object of
 * per-value secrets. So the entry point checks the stack file at start-up instead, and names each
 * plain value's key with the command that stores it encrypted, never the value.
 */
import yaml from 'js-yaml';
import { SECRET_CONFIG_KEYS } from './stack-config.ts';

/** How the CLI writes an encrypted value: `{ secure: v1:... }`. */
const isEncrypted = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 1 && typeof (v as { secure?: unknown }).secure === 'string';

/** Config paths (`redisAuthToken`, `secrets.service.OPENAI_API_KEY`) holding a plain value. */
export function plaintextSecretConfig(config: Readonly<Record<string, unknown>>, project: string): string[] {
  const found: string[] = [];
  const walk = (value: unknown, path: string) => {
    if (value === null || value === undefined || isEncrypted(value)) return;
    if (typeof value === 'object') {
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) walk(v, Array.isArray(value) ? `${path}[${k}]` : `${path}.${k}`);
    } else found.push(path);
  };
  for (const key of SECRET_CONFIG_KEYS) walk(config[`${project}:${key}`], key);
  return found;
}

/** Throws when the stack file's text holds any secret config in plain text. */
export function checkSecretConfig(stackFileText: string, project: string, stack: string): void {
  const config = ((yaml.load(stackFileText) ?? {}) as { config?: Record<string, unknown> }).config ?? {};
  const plain = plaintextSecretConfig(config, project);
  if (plain.length === 0) return;
  const commands = plain.map((path) => `  pulumi config set --stack ${stack} --secret ${path.includes('.') || path.includes('[') ? `--path '${path}'` : path} <value>`);
  throw new Error(
    `Pulumi.${stack}.yaml holds secret config in plain text (${plain.join(', ')}); the file is committed, so treat the values as leaked: ` +
      `rotate them, then store them encrypted with\n${commands.join('\n')}`,
  );
}
