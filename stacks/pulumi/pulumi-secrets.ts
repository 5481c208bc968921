/**
 * In `pulumi` delivery, the ExternalSecrets of an environment become plain Kubernetes Secrets whose
 * values come from the stack's secret config, set with
 * `pulumi config set --secret --path 'secrets.<remote key>.<property>' <value>`, where `<remote key>`
 * is the ExternalSecret's remote key without the environment's `secrets.remoteKeyPrefix/`. Values
 * stay encrypted in the stack and in state; nothing of them reaches git.
 */
import type { Manifest } from '../../kube/object.ts';

/** Secret config as Pulumi holds it: remote key -> property -> value. */
export type SecretValues = Readonly<Record<string, Readonly<Record<string, string>> | undefined>>;

/** One Secret to create in place of one ExternalSecret. */
export interface SecretPlan {
  /** The Secret, without data (labels, name, namespace as the ExternalSecret's target). */
  readonly manifest: Manifest;
  /** The ExternalSecret it replaces. */
  readonly replaces: Manifest;
  /** Each key of the Secret and where in the secret config its value is. */
  readonly entries: readonly { readonly secretKey: string; readonly configKey: string; readonly property: string }[];
  /** Keys computed from the others (ESO template engine v2 `{{ .key }}` substitutions). */
  readonly templates: Readonly<Record<string, string>>;
}

interface ExternalSecretSpec {
  target?: { name?: string; template?: { data?: Record<string, string> } };
  data?: { secretKey: string; remoteRef: { key: string; property?: string } }[];
  dataFrom?: unknown[];
}

/** Plans the Secret replacing `externalSecret`; throws for what only the operator could compute. */
export function planSecret(externalSecret: Manifest, remoteKeyPrefix: string): SecretPlan {
  const spec = (externalSecret['spec'] ?? {}) as ExternalSecretSpec;
  const where = `ExternalSecret ${externalSecret.metadata.name}`;
  if (spec.dataFrom?.length) throw new Error(`${where}: dataFrom is not supported in pulumi delivery (list each key under data)`);
  const entries = (spec.data ?? []).map((d) => {
    if (!d.remoteRef.property) throw new Error(`${where}: key ${d.secretKey} reads a whole remote secret; pulumi delivery needs a property`);
    const key = d.remoteRef.key.startsWith(`${remoteKeyPrefix}/`) ? d.remoteRef.key.slice(remoteKeyPrefix.length + 1) : d.remoteRef.key;
    return { secretKey: d.secretKey, configKey: key, property: d.remoteRef.property };
  });
  const templates = spec.target?.template?.data ?? {};
  for (const [key, template] of Object.entries(templates)) renderTemplate(template, {}, `${where}: template ${key}`, true);
  const labels = externalSecret.metadata['labels'];
  return {
    manifest: {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: spec.target?.name ?? externalSecret.metadata.name,
        ...(externalSecret.metadata.namespace ? { namespace: externalSecret.metadata.namespace } : {}),
        ...(labels ? { labels } : {}),
      },
      type: 'Opaque',
    },
    replaces: externalSecret,
    entries,
    templates,
  };
}

/** Go's `url.QueryEscape`, which ESO's `urlquery` is: unreserved characters kept, space as `+`. */
function goQueryEscape(value: string): string {
  return Array.from(new TextEncoder().encode(value), (b) => {
    const c = String.fromCharCode(b);
    if (/[A-Za-z0-9\-_.~]/.test(c)) return c;
    return c === ' ' ? '+' : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }).join('');
}

/** `{{ .key }}`, `{{ .key | urlquery }}` and `{{ .key | urlquery | replace "+" "%20" }}` (user info, constructs/url-user-info.ts). */
const TEMPLATE_EXPR = /\{\{\s*\.([A-Za-z_][A-Za-z0-9_]*)\s*(\|\s*urlquery\s*(\|\s*replace\s+"\+"\s+"%20"\s*)?)?\}\}/g;

/** Substitutes the expressions of {@link TEMPLATE_EXPR}; anything else needs the real template engine. */
function renderTemplate(template: string, values: Readonly<Record<string, string>>, where: string, dryRun = false): string {
  const rest = template.replace(TEMPLATE_EXPR, '');
  if (rest.includes('{{')) throw new Error(`${where}: only {{ .key }} and {{ .key | urlquery }} are supported in pulumi delivery, got ${JSON.stringify(template)}`);
  if (dryRun) return template;
  return template.replace(TEMPLATE_EXPR, (_, key: string, query?: string, spaces?: string) => {
    const value = values[key];
    if (value === undefined) throw new Error(`${where}: refers to ${key}, which the Secret does not hold`);
    if (!query) return value;
    // After urlquery every `+` stands for a space (a literal `+` is `%2B`).
    return spaces ? goQueryEscape(value).replaceAll('+', '%20') : goQueryEscape(value);
  });
}

/**
 * The `stringData` of a planned Secret from the secret config. Throws listing every missing value
 * with the command that sets it.
 */
export function secretData(plan: SecretPlan, values: SecretValues, stack: string): Record<string, string> {
  const data: Record<string, string> = {};
  const missing: string[] = [];
  for (const e of plan.entries) {
    const value = values[e.configKey]?.[e.property];
    if (value === undefined) missing.push(`  pulumi config set --stack ${stack} --secret --path 'secrets.${e.configKey}.${e.property}' <value>`);
    else data[e.secretKey] = value;
  }
  if (missing.length > 0) throw new Error(`Secret ${plan.manifest.metadata.name}: secret config values are missing; set them with\n${missing.join('\n')}`);
  for (const [key, template] of Object.entries(plan.templates)) data[key] = renderTemplate(template, data, `Secret ${plan.manifest.metadata.name}: template ${key}`);
  return data;
}
