/**
 * Every environment rendered once, the way the GitOps tests take it: the files (what
 * `renderGitOps` reads) and, kept by the environment that rendered them rather than read back from
 * the paths, the manifests by environment name (what `buildGitOps` reads).
 */
import type { Environment } from '../../environments/schema/index.ts';
import type { Manifest } from '../../kube/object.ts';
import { renderEnvironment, type RenderedFile } from '../../stacks/render.ts';

export interface RenderedEnvironments {
  /** Every file of every environment, in the order of `envs`. */
  readonly files: RenderedFile[];
  /** The manifests of each environment by its name; a new map on each call, for a test to change. */
  byEnvironment(): Map<string, Manifest[]>;
}

export async function renderEnvironments(envs: readonly Environment[]): Promise<RenderedEnvironments> {
  const perEnv = new Map<string, RenderedFile[]>();
  for (const e of envs) perEnv.set(e.name, await renderEnvironment(e));
  return {
    files: [...perEnv.values()].flat(),
    byEnvironment: () => new Map([...perEnv].map(([name, files]) => [name, files.map((f) => f.manifest)])),
  };
}
