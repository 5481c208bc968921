/**
 * Every environment rendered once, the way the GitOps tests take it: the files (what
 * `renderGitOps` reads) and, kept by the environment that rendered them rather than read back from
 * the paths, each environment's manifests and reported facts by its name (what `buildGitOps` reads).
 */
import type { Environment } from '../../environments/schema/index.ts';
import type { Manifest } from '../../kube/object.ts';
import type { PlatformFacts } from '../../stacks/platform-chart.ts';
import { renderPlatform, type RenderedFile, type RenderedPlatform } from '../../stacks/render.ts';

/** One environment's objects and facts, both the test's to change. */
export interface EditableEnvironment {
  manifests: Manifest[];
  facts: PlatformFacts;
}

export interface RenderedEnvironments {
  /** Every file of every environment, in the order of `envs`. */
  readonly files: RenderedFile[];
  /** The manifests and facts of each environment by its name; a new map on each call, for a test to change. */
  byEnvironment(): Map<string, EditableEnvironment>;
}

export async function renderEnvironments(envs: readonly Environment[]): Promise<RenderedEnvironments> {
  const perEnv = new Map<string, RenderedPlatform>();
  for (const e of envs) perEnv.set(e.name, await renderPlatform(e));
  return {
    files: [...perEnv.values()].flatMap((p) => p.files),
    byEnvironment: () => new Map([...perEnv].map(([name, p]) => [name, { manifests: [...p.environment.manifests], facts: { ...p.environment.facts } }])),
  };
}
