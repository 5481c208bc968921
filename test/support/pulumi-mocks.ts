/**
 * Runs the real Pulumi program against Pulumi's own mock engine (`pulumi.runtime.setMocks`) and
 * records every resource it registers with the inputs the engine would receive. No Pulumi CLI, no
 * cloud, no cluster.
 */
import * as pulumi from '@pulumi/pulumi';
import { loadEnvironment } from '../../environments/load.ts';
import type { Environment } from '../../environments/schema/index.ts';
import { deployEnvironment, type ProgramInput, type ProgramResult } from '../../stacks/pulumi/program.ts';
import type { SecretValues } from '../../stacks/pulumi/pulumi-secrets.ts';
import { parseStackConfig, type StackConfig } from '../../stacks/pulumi/stack-config.ts';

export const ENVIRONMENTS_DIR = new URL('../../environments/', import.meta.url).pathname;

/** The resource options the engine received with a registration. */
export interface RegisteredOptions {
  readonly protect: boolean;
  readonly retainOnDelete: boolean;
  readonly deleteBeforeReplace: boolean;
  /** Go durations (`960s`), empty when not set. */
  readonly customTimeouts: { readonly create: string; readonly update: string; readonly delete: string };
  /** The value the engine diffs to decide a replacement, as it arrives (secrets keep their signature). */
  readonly replacementTrigger: unknown;
}

/** One resource as the engine saw it. */
export interface Registered {
  readonly type: string;
  readonly name: string;
  readonly inputs: Record<string, any>;
  /** Reference to the provider the resource is created with. */
  readonly provider: string;
  readonly options: RegisteredOptions;
}

/** A kubeconfig with one context, named after the environment's cluster, pointing at `server`. */
export function kubeconfigFor(env: Environment, server = env.gitops.cluster.server): string {
  const name = env.gitops.cluster.name;
  return [
    'apiVersion: v1',
    'kind: Config',
    `current-context: ${name}`,
    'clusters:',
    `  - name: ${name}`,
    `    cluster: { server: "${server}" }`,
    'contexts:',
    `  - name: ${name}`,
    `    context: { cluster: ${name}, user: ${name} }`,
    'users:',
    `  - name: ${name}`,
    '    user: { token: not-a-real-token }',
    '',
  ].join('\n');
}

/** What the mocked engine returns for outputs AWS computes (ARNs, endpoints). */
function computedState(type: string, inputs: Record<string, any>, account: string, region: string): Record<string, unknown> {
  switch (type) {
    case 'aws:s3/bucket:Bucket':
      return { arn: `arn:aws:s3:::${inputs['bucket']}`, bucket: inputs['bucket'] };
    case 'aws:iam/role:Role':
      return { arn: `arn:aws:iam::${account}:role/${inputs['name']}`, name: inputs['name'] };
    case 'aws:secretsmanager/secret:Secret':
      return { arn: `arn:aws:secretsmanager:${region}:${account}:secret:${inputs['name']}-AbCdEf` };
    case 'aws:rds/instance:Instance':
      return {
        address: `${inputs['identifier']}.c0ffee.${region}.rds.amazonaws.com`,
        masterUserSecrets: [{ secretArn: `arn:aws:secretsmanager:${region}:${account}:secret:rds!db-c0ffee-AbCdEf`, secretStatus: 'active' }],
      };
    case 'aws:elasticache/replicationGroup:ReplicationGroup':
      return { primaryEndpointAddress: `master.${inputs['replicationGroupId']}.c0ffee.euc1.cache.amazonaws.com` };
    case 'aws:opensearch/domain:Domain':
      return { endpoint: `vpc-${inputs['domainName']}-c0ffee.${region}.es.amazonaws.com` };
    default:
      return {};
  }
}

/** Stack config for an environment as the committed `Pulumi.<env>.yaml` sets it. */
export function stackConfigFor(env: Environment, overrides: Partial<StackConfig> = {}): StackConfig {
  const account = env.gitops.secretStore.roleArn.split(':')[4]!;
  return {
    ...parseStackConfig(
      { accountId: account, oidcProviderArn: `arn:aws:iam::${account}:oidc-provider/oidc.eks.eu-central-1.amazonaws.com/id/0A1B2C3D4E5F60718293A4B5C6D7E8F9` },
      env.name,
    ),
    ...overrides,
  };
}

export interface MockedRun {
  readonly env: Environment;
  readonly result: ProgramResult;
  readonly registered: readonly Registered[];
  /** Registered resources of a type token, e.g. `aws:s3/bucket:Bucket`. */
  ofType(type: string): Registered[];
}

export interface RunOptions {
  readonly delivery?: Environment['delivery'];
  /** kubeconfig text the entry point would have read; defaults to one pointing at the environment's cluster. */
  readonly kubeconfig?: string;
  readonly secrets?: SecretValues;
  readonly config?: Partial<StackConfig>;
  readonly input?: Partial<ProgramInput>;
}

/** What the program had registered when it failed. */
export interface FailedRun extends Error {
  readonly registered: readonly Registered[];
}

/**
 * Loads `environments/<name>.yaml`, runs the program on the mock engine and waits for every
 * registration. A failure is rethrown with what had been registered (`FailedRun`).
 */
export async function runProgram(name: string, options: RunOptions = {}): Promise<MockedRun> {
  const loaded = loadEnvironment(ENVIRONMENTS_DIR, name);
  const env: Environment = { ...loaded, delivery: options.delivery ?? loaded.delivery };
  const config = stackConfigFor(env, options.config);
  const registered: Registered[] = [];
  const optionsOf = new Map<string, RegisteredOptions>();
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        registered.push({ type: args.type, name: args.name, inputs: args.inputs, provider: args.provider ?? '', options: optionsOf.get(`${args.type}::${args.name}`)! });
        return { id: `${args.name}-id`, state: { ...args.inputs, ...computedState(args.type, args.inputs, config.accountId, env.gitops.secretStore.region) } };
      },
      call(args) {
        return args.inputs;
      },
    },
    'agent-platform',
    env.name,
    false,
  );
  // The mock monitor hands `newResource` the inputs only; the options are read off the request.
  const monitor = pulumi.runtime.getMonitor() as any;
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req: any, callback: unknown) => {
    const timeouts = req.getCustomtimeouts();
    optionsOf.set(`${req.getType()}::${req.getName()}`, {
      protect: req.getProtect() ?? false,
      retainOnDelete: req.getRetainondelete() ?? false,
      deleteBeforeReplace: req.getDeletebeforereplace(),
      customTimeouts: { create: timeouts?.getCreate() ?? '', update: timeouts?.getUpdate() ?? '', delete: timeouts?.getDelete() ?? '' },
      replacementTrigger: req.hasReplacementTrigger() ? req.getReplacementTrigger().toJavaScript() : undefined,
    });
    return register(req, callback);
  };
  try {
    const result = await deployEnvironment({
      env,
      stack: env.name,
      config,
      secrets: pulumi.secret(pulumi.output<SecretValues | undefined>(options.secrets)),
      ...(env.delivery === 'pulumi' ? { kubeconfig: { text: options.kubeconfig ?? kubeconfigFor(env), source: 'the test kubeconfig' } } : {}),
      ...options.input,
    });
    // Waits until every registration, including those waiting on other resources' outputs, is done.
    await pulumi.runtime.disconnect();
    return { env, result, registered, ofType: (type) => registered.filter((r) => r.type === type) };
  } catch (e) {
    await pulumi.runtime.disconnect().catch(() => undefined);
    throw Object.assign(e as Error, { registered: [...registered] });
  }
}

/** How the engine receives a value marked secret (Pulumi's wire format for secrets). */
const SECRET_SIGNATURE_KEY = '4dabf18193072939515e22adb298388d';
const SECRET_SIGNATURE = '1b47061264138c4ac30d75fd1eb44270';

/** Whether a registered input arrived at the engine marked secret. */
export function isSecretInput(value: unknown): value is { value: unknown } {
  return typeof value === 'object' && value !== null && (value as Record<string, unknown>)[SECRET_SIGNATURE_KEY] === SECRET_SIGNATURE;
}

/** A registered input with its secret marking removed. */
export function reveal<T>(value: unknown): T {
  return (isSecretInput(value) ? value.value : value) as T;
}

/** The value an Output settles to. */
export function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply(resolve));
}
