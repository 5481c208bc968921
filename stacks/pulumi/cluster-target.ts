/**
 * The cluster `pulumi` delivery applies to, checked against the environment before anything is
 * registered. A kubeconfig context is only a name: whatever API server it points at would receive
 * the objects. So the program resolves the context to its server itself, refuses a server other
 * than the environment's `gitops.cluster.server`, and hands the provider exactly the kubeconfig,
 * context and cluster it checked (the provider never looks at the ambient kubeconfig again).
 */
import yaml from 'js-yaml';
import type { Environment } from '../../environments/schema/index.ts';

/** kubeconfig text and where it came from (a path, `KUBECONFIG`, or the stack config). */
export interface KubeconfigSource {
  readonly text: string;
  readonly source: string;
}

export interface ClusterTarget {
  /** The kubeconfig the provider gets, unchanged (may hold credentials: pass it as a secret). */
  readonly kubeconfig: string;
  readonly context: string;
  /** Name of the kubeconfig cluster entry the context uses. */
  readonly cluster: string;
  /** Its API server, equal to the environment's `gitops.cluster.server`. */
  readonly server: string;
}

interface Named<T> {
  readonly name?: unknown;
  readonly context?: T;
  readonly cluster?: T;
}

/** Trailing slashes and a default port do not make another server. */
function normalise(server: string): string {
  return server.replace(/\/+$/, '').replace(/^(https:\/\/[^/]+):443$/, '$1');
}

/**
 * Resolves `context` (empty: the kubeconfig's current context) to its API server and refuses one
 * that is not the environment's cluster. Errors name the kubeconfig's source and the fix.
 */
export function clusterTargetOf(kubeconfig: KubeconfigSource, context: string, env: Environment): ClusterTarget {
  const where = `stack ${env.name}: kubeconfig (${kubeconfig.source})`;
  let parsed: unknown;
  try {
    parsed = yaml.load(kubeconfig.text);
  } catch (e) {
    throw new Error(`${where} is not YAML: ${(e as Error).message.split('\n')[0]}`);
  }
  const config = (parsed ?? {}) as { 'current-context'?: unknown; contexts?: Named<{ cluster?: unknown }>[]; clusters?: Named<{ server?: unknown }>[] };
  const contextName = context || (typeof config['current-context'] === 'string' ? config['current-context'] : '');
  if (!contextName) throw new Error(`${where} has no current context and the stack names none; set it with pulumi config set --stack ${env.name} kubeContext <context>`);
  const entry = (config.contexts ?? []).find((c) => c.name === contextName);
  if (!entry) throw new Error(`${where} has no context ${JSON.stringify(contextName)}; contexts: ${(config.contexts ?? []).map((c) => String(c.name)).join(', ') || 'none'}`);
  const clusterName = String(entry.context?.cluster ?? '');
  const server = (config.clusters ?? []).find((c) => c.name === clusterName)?.cluster?.server;
  if (typeof server !== 'string') throw new Error(`${where}: context ${JSON.stringify(contextName)} names cluster ${JSON.stringify(clusterName)}, which has no server`);
  const expected = env.gitops.cluster.server;
  if (normalise(server) !== normalise(expected)) {
    throw new Error(
      `${where}: context ${JSON.stringify(contextName)} points at ${server}, but environments/${env.name}.yaml delivers to gitops.cluster.server ${expected}; ` +
        `refusing to apply to another cluster (point kubeContext at the environment's cluster: pulumi config set --stack ${env.name} kubeContext <context>)`,
    );
  }
  return { kubeconfig: kubeconfig.text, context: contextName, cluster: clusterName, server };
}
