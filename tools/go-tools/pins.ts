/**
 * The Go programs the test suite runs for real, each built from the Go module proxy at a version
 * pinned here (never downloaded as a release binary: release sites and container registries are
 * out of reach), and where the build lands. `npm run tools:build` (./build.ts) builds what is
 * missing; tests ask `goToolPath()` where a binary is.
 *
 * Versions of tools that check configuration for a server we deploy are derived from that server's
 * image tag in constructs/versions.ts, so the checker always is the deployed release.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { KUBERNETES_VERSION } from '../../constructs/k8s.ts';
import { ARGO_CD, CHARTS, IMAGES } from '../../constructs/versions.ts';

/** One Go module at one version, and the commands (`main` packages) built from it. */
export interface GoTool {
  /** Module path on the Go module proxy. */
  readonly module: string;
  /** Exact module version (a semver tag the proxy serves). */
  readonly version: string;
  /**
   * Binary name -> package path inside the module (e.g. `promtool` -> `cmd/promtool`; `'.'` for a
   * `main` package at the module's root).
   */
  readonly commands: Readonly<Record<string, string>>;
  /**
   * Binary name -> directory under tools/go-tools/ holding a `main` package of ours, compiled
   * against the pinned module: for a module whose own command is a separate module the proxy does
   * not serve. The build cache key includes a hash of those sources, so an edit rebuilds.
   * @default - none
   */
  readonly localCommands?: Readonly<Record<string, string>>;
  /** `-X` link flags (package.variable -> value), e.g. the version the binary reports. */
  readonly ldflags?: Readonly<Record<string, string>>;
  /**
   * What the module's `replace` directives to local directories stand for. Such a replace points
   * into upstream's repository (k8s.io/kubernetes: `k8s.io/api => ./staging/src/k8s.io/api`), which
   * the module zip does not hold; the directory is the source of the replaced module as published
   * at a version, and the wrapper replaces the module with that version instead. A local replace
   * no entry matches fails the build with its directory named.
   * @default none (a local replace is an error)
   */
  readonly localReplaces?: readonly LocalReplace[];
  /**
   * Commands whose main package embeds files upstream generates at release time, absent from the
   * module zip (pulumi-kubernetes' provider embeds `schema-embed.json`, which its `generate.go`
   * writes from the committed `schema.json`). The command's directory is copied into the wrapper,
   * `go run <script>` (upstream's own generator) runs there with `env`, and the copy is built: the
   * same `main` package, importing the module's packages at the pinned version.
   * @default none
   */
  readonly generate?: Readonly<Record<string, { readonly script: string; readonly env?: Readonly<Record<string, string>> }>>;
}

/**
 * One rule for local `replace` directives: every replace whose directory matches `dir` stands for
 * the replaced module itself (the directive's left-hand side) at `version`.
 */
export interface LocalReplace {
  /** The directory exactly as upstream's go.mod writes it; a `*` matches one path element. */
  readonly dir: string;
  /**
   * The version of the replaced module the directory holds, or `null` for a guard directory that
   * must stay unused (etcd's `./FORBIDDEN_DEPENDENCY`): the wrapper drops it, and a build that did
   * need the module fails on the missing requirement.
   */
  readonly version: string | null;
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

/**
 * The External Secrets Operator release the harness runs. Our chart pin (CHARTS.externalSecrets,
 * 2.9.0) cannot be built here: the Go module proxy answers 403 "not available" for
 * github.com/external-secrets/external-secrets@v2.9.0 (also `+incompatible`) and for the `/v2`
 * module path, and lists only v0.16.2 and v1.3.2. v1.3.2 moved `apis/`, every provider and every
 * generator into nested modules that its go.mod replaces with local directories (`=> ./apis`),
 * which the module zip leaves out and the proxy does not serve as modules of their own. v0.16.2 is
 * one module with every provider under pkg/provider, serves external-secrets.io/v1 (its
 * config/crds/bases), and is the newest release that builds from the proxy.
 */
export const EXTERNAL_SECRETS_BUILD = { version: 'v0.16.2', chartVersion: CHARTS.externalSecrets.version } as const;

/**
 * The Kubernetes release the control plane of test/cluster/ is built from: the newest patch of
 * {@link KUBERNETES_VERSION} the Go module proxy serves (`go list -m -versions k8s.io/kubernetes`,
 * 2026-11-28: v1.36.3).
 */
export const KUBERNETES_RELEASE = `v${KUBERNETES_VERSION}.3`;

/**
 * k8s.io/kubernetes `v1.MINOR.PATCH` publishes its staging repositories (k8s.io/api,
 * k8s.io/client-go, ...) as `v0.MINOR.PATCH` (https://github.com/kubernetes/kubernetes/blob/master/staging/README.md).
 * @param release a Kubernetes release tag such as `v1.36.3`
 */
export function kubernetesStagingVersion(release: string): string {
  const m = /^v1\.(\d+)\.(\d+)$/.exec(release);
  if (!m) throw new Error(`tools/go-tools/pins.ts: Kubernetes release "${release}" is not a v1.MINOR.PATCH tag`);
  return `v0.${m[1]}.${m[2]}`;
}

/** The version stamp hack/lib/version.sh links into every Kubernetes binary (`kubectl version` shows it). */
function kubernetesLdflags(release: string): Record<string, string> {
  const [major, minor] = release.slice(1).split('.') as [string, string];
  const flags: Record<string, string> = {};
  for (const pkg of ['k8s.io/component-base/version', 'k8s.io/client-go/pkg/version']) {
    Object.assign(flags, { [`${pkg}.gitVersion`]: release, [`${pkg}.gitMajor`]: major, [`${pkg}.gitMinor`]: minor, [`${pkg}.gitTreeState`]: 'clean' });
  }
  return flags;
}

/** Release of the Pulumi CLI (pkg/v3 and the sdk/v3 it replaces locally); see the GO_TOOLS entry. */
export const PULUMI_CLI_RELEASE = 'v3.276.0';

/** The pulumi-kubernetes release the one served provider/v4 commit is tagged as; see the GO_TOOLS entry. */
const KUBERNETES_PROVIDER_RELEASE = '4.25.0';

/** etcd's release the control plane stores its state in; see the GO_TOOLS entry. */
const ETCD_RELEASE = 'v3.6.16';

export const GO_TOOLS = [
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
  {
    // The control plane of test/cluster/: one build of the four commands, at the Kubernetes minor
    // the output targets. Its go.mod replaces every staging module with ./staging/src/k8s.io/<name>.
    module: 'k8s.io/kubernetes',
    version: KUBERNETES_RELEASE,
    commands: {
      'kube-apiserver': 'cmd/kube-apiserver',
      'kube-controller-manager': 'cmd/kube-controller-manager',
      'kube-scheduler': 'cmd/kube-scheduler',
      kubectl: 'cmd/kubectl',
    },
    ldflags: kubernetesLdflags(KUBERNETES_RELEASE),
    localReplaces: [{ dir: './staging/src/k8s.io/*', version: kubernetesStagingVersion(KUBERNETES_RELEASE) }],
  },
  {
    // etcd's main package is the root of its server module (server/main.go); go.etcd.io/etcd/v3,
    // the repository root, is served only up to v3.6.8. v3.6.16 is the newest 3.6 patch the proxy
    // serves; Kubernetes 1.36 is built and tested against etcd 3.6 (its go.mod requires
    // go.etcd.io/etcd/server/v3 v3.6.8, cluster/images/etcd and build/dependencies.yaml name 3.6.x).
    // Its sibling modules in upstream's repository (api, client/pkg, ...) are released at the same tag.
    module: 'go.etcd.io/etcd/server/v3',
    version: ETCD_RELEASE,
    commands: { etcd: '.' },
    localReplaces: [
      { dir: '../*', version: ETCD_RELEASE },
      { dir: '../*/*', version: ETCD_RELEASE },
      { dir: './FORBIDDEN_DEPENDENCY', version: null },
    ],
  },
  {
    // kwok fakes nodes and pod lifecycle for the control plane of test/cluster/. v0.8.0 is the
    // newest release the module proxy serves (`go list -m -versions sigs.k8s.io/kwok`).
    module: 'sigs.k8s.io/kwok',
    version: 'v0.8.0',
    commands: { kwok: 'cmd/kwok' },
  },
  {
    // cert-manager's controllers at our chart's version, run out of cluster by test/cluster/issuers.ts.
    // Upstream's main (cmd/controller) is a module of its own the proxy does not serve, so the
    // command is ours (./cert-manager-controller/main.go explains); the controllers are upstream's.
    module: 'github.com/cert-manager/cert-manager',
    version: CHARTS.certManager.version,
    commands: {},
    localCommands: { 'cert-manager-controller': 'cert-manager-controller' },
    // The version cert-manager reports in its user agent and events (pkg/util/version.go).
    ldflags: { 'github.com/cert-manager/cert-manager/pkg/util.AppVersion': CHARTS.certManager.version },
  },
  {
    // External Secrets Operator's controller (main.go at the module root), run out of cluster by
    // test/cluster/issuers.ts; EXTERNAL_SECRETS_BUILD says why this release.
    module: 'github.com/external-secrets/external-secrets',
    version: EXTERNAL_SECRETS_BUILD.version,
    commands: { 'external-secrets': '.' },
  },
  {
    // Argo CD's application controller and repo server for test/cluster/argo-cd.ts: upstream's one
    // `cmd` main, which runs the component named by the name it is called by (the harness links
    // argocd-application-controller and argocd-repo-server to it), at the version we pin for users.
    // go.mod replaces github.com/argoproj/argo-cd/gitops-engine with ./gitops-engine, a nested
    // module the zip leaves out. The proxy serves that module at the commit of v3.5.3 (pseudo-version
    // dated 2026-09-14T07:15:20Z, the tag's time; the proxy's `@v/list` for the module, 2026-11-28, lists it
    // with v3.5.2's and an earlier one), not at v3.5.1's, hence ARGO_CD v3.5.3.
    module: 'github.com/argoproj/argo-cd/v3',
    version: ARGO_CD.version,
    commands: { argocd: 'cmd' },
    // Makefile LDFLAGS: -X ${PACKAGE}.version=$(cat VERSION), PACKAGE=github.com/argoproj/argo-cd/v3/common.
    ldflags: { 'github.com/argoproj/argo-cd/v3/common.version': ARGO_CD.version.slice(1) },
    localReplaces: [{ dir: './gitops-engine', version: 'v0.0.0-20260914071520-c9c369efcc5b' }],
  },
  {
    // The Pulumi CLI of the pulumi stage (test/cluster/pulumi-stack.ts). The proxy serves pkg/v3
    // only from v3.273.0 on (`go list -m -versions github.com/pulumi/pulumi/pkg/v3`, 2026-11-28;
    // not the v3.270.0 of our @pulumi/pulumi), so this is the newest, v3.276.0: docs/pulumi.md asks for a
    // CLI no older than the SDK, and test/tools/go-tools/pins.pulumi-cli.test.ts holds the two to
    // that. pkg's go.mod replaces the SDK with its sibling directory `sdk`, released as
    // github.com/pulumi/pulumi/sdk/v3 at the same tag.
    module: 'github.com/pulumi/pulumi/pkg/v3',
    version: PULUMI_CLI_RELEASE,
    commands: { pulumi: 'cmd/pulumi' },
    ldflags: { 'github.com/pulumi/pulumi/sdk/v3/go/common/version.Version': PULUMI_CLI_RELEASE },
    localReplaces: [{ dir: '../sdk', version: PULUMI_CLI_RELEASE }],
  },
  {
    // The kubernetes resource provider of the pulumi stage (test/cluster/pulumi-stack.ts). The proxy lists one
    // version of provider/v4 (`go list -m -versions`, 2026-11-28): this pseudo-version of commit
    // f47bc2d6f199, which pulumi/pulumi-kubernetes tags v4.25.0. Our @pulumi/kubernetes is 4.34.2,
    // whose commit is not served; docs/cluster-harness.md says what the difference means.
    // Its go.mod replaces the SDK with its sibling directory `sdk`, released as
    // pulumi-kubernetes/sdk/v4 at the same tag.
    module: 'github.com/pulumi/pulumi-kubernetes/provider/v4',
    version: 'v4.0.0-20260115033456-f47bc2d6f199',
    commands: { 'pulumi-resource-kubernetes': 'cmd/pulumi-resource-kubernetes' },
    ldflags: { 'github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version.Version': KUBERNETES_PROVIDER_RELEASE },
    localReplaces: [{ dir: '../sdk', version: `v${KUBERNETES_PROVIDER_RELEASE}` }],
    generate: { 'pulumi-resource-kubernetes': { script: 'generate.go', env: { VERSION: KUBERNETES_PROVIDER_RELEASE } } },
  },
] as const satisfies readonly GoTool[];

/** Binary name of a tool in GO_TOOLS, derived from the pins. */
export type GoToolName = (typeof GO_TOOLS)[number] extends infer T
  ? (T extends { commands: infer C } ? keyof C & string : never) | (T extends { localCommands: infer L } ? keyof L & string : never)
  : never;

/** Every binary a tool builds: upstream's commands and ours. */
export function commandNames(tool: GoTool): string[] {
  return [...Object.keys(tool.commands), ...Object.keys(tool.localCommands ?? {})];
}

/** Directory of a tool's own `main` package under tools/go-tools/. */
export function localCommandDir(dir: string): string {
  return join(import.meta.dirname, dir);
}

/** Short hash of the sources of a tool's own commands: part of its cache key. */
function localSourcesHash(tool: GoTool): string {
  const hash = createHash('sha256');
  for (const dir of Object.values(tool.localCommands ?? {}).sort()) {
    const abs = localCommandDir(dir);
    for (const f of readdirSync(abs).sort()) hash.update(`${dir}/${f}\0`).update(readFileSync(join(abs, f))).update('\0');
  }
  return hash.digest('hex').slice(0, 12);
}

/**
 * Root of the build cache, outside the work tree so every checkout and CI run on a machine shares
 * it: `$AGENT_PLATFORM_TOOLS_CACHE`, else `$XDG_CACHE_HOME/agent-platform-tools`, else
 * `~/.cache/agent-platform-tools`.
 */
export function goToolsCache(env: NodeJS.ProcessEnv = process.env): string {
  if (env['AGENT_PLATFORM_TOOLS_CACHE']) return env['AGENT_PLATFORM_TOOLS_CACHE'];
  return join(env['XDG_CACHE_HOME'] || join(homedir(), '.cache'), 'agent-platform-tools');
}

/**
 * Directory holding the binaries of one tool: `<cache>/<module>@<version>/`, or
 * `<module>@<version>+local-<hash>` when it builds commands of ours.
 */
export function goToolDir(tool: GoTool, env: NodeJS.ProcessEnv = process.env): string {
  const local = tool.localCommands ? `+local-${localSourcesHash(tool)}` : '';
  return join(goToolsCache(env), `${tool.module}@${tool.version}${local}`);
}

/** Absolute path the binary `name` has once built (it may not exist yet). */
export function goToolPath(name: GoToolName, env: NodeJS.ProcessEnv = process.env): string {
  const tool = (GO_TOOLS as readonly GoTool[]).find((t) => commandNames(t).includes(name));
  if (!tool) throw new Error(`tools/go-tools/pins.ts: no Go tool builds "${name}"`);
  return join(goToolDir(tool, env), name);
}
