/**
 * The Go programs the test suite runs for real, each built from the Go module proxy at a version
 * pinned here (never downloaded as a release binary: release sites and container registries are
 * out of reach), and where the build lands. `npm run tools:build` (./build.ts) builds what is
 * missing; tests ask `goToolPath()` where a binary is.
 *
 * Versions of tools that check configuration for a server we deploy are derived from that server's
 * image tag in constructs/versions.ts, so the checker always is the deployed release.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { IMAGES } from '../../constructs/versions.ts';

/** One Go module at one version, and the commands (`main` packages) built from it. */
export interface GoTool {
  /** Module path on the Go module proxy. */
  readonly module: string;
  /** Exact module version (a semver tag the proxy serves). */
  readonly version: string;
  /** Binary name -> package path inside the module (e.g. `promtool` -> `cmd/promtool`). */
  readonly commands: Readonly<Record<string, string>>;
  /** `-X` link flags (package.variable -> value), e.g. the version the binary reports. */
  readonly ldflags?: Readonly<Record<string, string>>;
}

/**
 * Prometheus 3.x tags its Go module `v0.3MM.P` for release `v3.MM.P` (upstream's scheme since 3.0:
 * the Go module stayed at major version 0, https://github.com/prometheus/prometheus/blob/main/RELEASE.md).
 * @param tag an image tag such as `v3.13.2`
 */
export function prometheusModuleVersion(tag: string): string {
  const m = /^v3\.(\d+)\.(\d+)$/.exec(tag);
  if (!m) throw new Error(`constructs/versions.ts: IMAGES.prometheus.tag "${tag}" is not a v3.MINOR.PATCH release; map it to its Go module version in tools/go-tools/pins.ts`);
  return `v0.3${m[1]!.padStart(2, '0')}.${m[2]}`;
}

const COMMON_VERSION = 'github.com/prometheus/common/version';

/** Binary name of a tool in GO_TOOLS. */
export type GoToolName = 'promtool' | 'amtool' | 'k8snetpolicy';

export const GO_TOOLS: readonly GoTool[] = [
  {
    // promtool with every service discovery compiled in (Debian's build lacks Kubernetes SD), so the
    // rendered `kubernetes_sd_configs` are checked as the server reads them.
    module: 'github.com/prometheus/prometheus',
    version: prometheusModuleVersion(IMAGES.prometheus.tag),
    commands: { promtool: 'cmd/promtool' },
    ldflags: { [`${COMMON_VERSION}.Version`]: IMAGES.prometheus.tag.slice(1) },
  },
  {
    module: 'github.com/prometheus/alertmanager',
    version: IMAGES.alertmanager.tag,
    commands: { amtool: 'cmd/amtool' },
    ldflags: { [`${COMMON_VERSION}.Version`]: IMAGES.alertmanager.tag.slice(1) },
  },
  {
    // np-guard's netpol-analyzer, the independent engine test/cluster/network-flows.test.ts checks
    // our NetworkPolicies with. v1.4.4 is the newest tag the module proxy serves: it lists no
    // versions for this module, so exact tags were asked one by one (v1.4.5-v1.4.10, v1.5.x and
    // v1.6.x are not served). Its main package is cmd/netpolicy; the command it documents is k8snetpolicy.
    module: 'github.com/np-guard/netpol-analyzer',
    version: 'v1.4.4',
    commands: { k8snetpolicy: 'cmd/netpolicy' },
  },
];

/**
 * Root of the build cache, outside the work tree so every checkout and CI run on a machine shares
 * it: `$AGENT_PLATFORM_TOOLS_CACHE`, else `$XDG_CACHE_HOME/agent-platform-tools`, else
 * `~/.cache/agent-platform-tools`.
 */
export function goToolsCache(env: NodeJS.ProcessEnv = process.env): string {
  if (env['AGENT_PLATFORM_TOOLS_CACHE']) return env['AGENT_PLATFORM_TOOLS_CACHE'];
  return join(env['XDG_CACHE_HOME'] || join(homedir(), '.cache'), 'agent-platform-tools');
}

/** Directory holding the binaries of one tool: `<cache>/<module>@<version>/`. */
export function goToolDir(tool: GoTool, env: NodeJS.ProcessEnv = process.env): string {
  return join(goToolsCache(env), `${tool.module}@${tool.version}`);
}

/** Absolute path the binary `name` has once built (it may not exist yet). */
export function goToolPath(name: GoToolName, env: NodeJS.ProcessEnv = process.env): string {
  const tool = GO_TOOLS.find((t) => name in t.commands);
  if (!tool) throw new Error(`tools/go-tools/pins.ts: no Go tool builds "${name}"`);
  return join(goToolDir(tool, env), name);
}
