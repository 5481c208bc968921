/**
 * The Go tools the suite runs (tools/go-tools/pins.ts): their versions follow the images we deploy,
 * they live in a cache outside the work tree, and the binaries found are those releases.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { IMAGES } from '../../../constructs/versions.ts';
import { KUBERNETES_VERSION } from '../../../constructs/k8s.ts';
import { resolveLocalReplace } from '../../../tools/go-tools/local-replaces.ts';
import { GO_TOOLS, type GoTool, goToolPath, goToolsCache, KUBERNETES_RELEASE, kubernetesStagingVersion, prometheusModuleVersion } from '../../../tools/go-tools/pins.ts';
import { describeWithBinaries } from '../../support/binaries.ts';

describe('pinned Go tools', () => {
  it('maps a Prometheus 3.x image tag to its Go module version', () => {
    expect(prometheusModuleVersion('v3.13.2')).toBe('v0.313.2');
    expect(prometheusModuleVersion('v3.5.0')).toBe('v0.305.0');
    expect(() => prometheusModuleVersion('v2.55.1')).toThrow(/IMAGES\.prometheus\.tag "v2\.55\.1"/);
  });

  it('builds promtool and amtool at the deployed servers\' versions', () => {
    const byModule = Object.fromEntries(GO_TOOLS.map((t) => [t.module, t.version]));
    expect(byModule['github.com/prometheus/prometheus']).toBe(prometheusModuleVersion(IMAGES.prometheus.tag));
    expect(byModule['github.com/prometheus/alertmanager']).toBe(IMAGES.alertmanager.tag);
  });

  it('builds the control plane at the Kubernetes minor the output targets, its staging modules at v0.MINOR.PATCH', () => {
    expect(KUBERNETES_RELEASE.startsWith(`v${KUBERNETES_VERSION}.`)).toBe(true);
    expect(kubernetesStagingVersion('v1.36.3')).toBe('v0.36.3');
    expect(() => kubernetesStagingVersion('1.36')).toThrow(/Kubernetes release "1\.36"/);
    const k8s = (GO_TOOLS as readonly GoTool[]).find((t) => t.module === 'k8s.io/kubernetes')!;
    expect(k8s.version).toBe(KUBERNETES_RELEASE);
    expect(resolveLocalReplace(k8s, './staging/src/k8s.io/client-go')).toBe(kubernetesStagingVersion(KUBERNETES_RELEASE));
  });

  it('says which published version a local replace stands for, by the pin\'s rules only', () => {
    const tool = { module: 'example.com/x', version: 'v1.2.3', localReplaces: [{ dir: '../*', version: 'v1.2.3' }, { dir: './GUARD', version: null }] };
    expect(resolveLocalReplace(tool, '../api')).toBe('v1.2.3');
    expect(resolveLocalReplace(tool, './GUARD')).toBeNull();
    // `*` is exactly one path element, never an empty one or a parent.
    expect(() => resolveLocalReplace(tool, '../client/pkg')).toThrow('example.com/x@v1.2.3: go.mod replaces a module with the local directory "../client/pkg"');
    expect(() => resolveLocalReplace(tool, '../..')).toThrow(/"\.\.\/\.\."/);
    expect(() => resolveLocalReplace({ module: 'example.com/y', version: 'v1.0.0' }, './sdk')).toThrow(/localReplaces of its entry in tools\/go-tools\/pins\.ts/);
  });

  it('names every binary once across the pins', () => {
    const names = (GO_TOOLS as readonly GoTool[]).flatMap((t) => Object.keys(t.commands));
    expect(new Set(names).size).toBe(names.length);
  });

  it('caches outside the work tree, per module and version', () => {
    expect(goToolsCache({ XDG_CACHE_HOME: '/x' })).toBe('/x/agent-platform-tools');
    expect(goToolsCache({ AGENT_PLATFORM_TOOLS_CACHE: '/y', XDG_CACHE_HOME: '/x' })).toBe('/y');
    expect(goToolPath('promtool', { XDG_CACHE_HOME: '/x' })).toBe(join('/x/agent-platform-tools', `github.com/prometheus/prometheus@${prometheusModuleVersion(IMAGES.prometheus.tag)}`, 'promtool'));
    expect(goToolsCache().startsWith(join(import.meta.dirname, '..', '..', '..'))).toBe(false);
  });
});

describeWithBinaries('the tools the monitoring tests run', ['promtool', 'amtool'], 'build them with `npm run tools:build`', (bin) => {
  it('are the releases we deploy', () => {
    const version = (b: string): string => execFileSync(b, ['--version'], { encoding: 'utf8' }).split('\n')[0]!;
    expect(version(bin['promtool']!)).toBe(`promtool, version ${IMAGES.prometheus.tag.slice(1)} (branch: , revision: unknown)`);
    expect(version(bin['amtool']!)).toBe(`amtool, version ${IMAGES.alertmanager.tag.slice(1)} (branch: , revision: unknown)`);
  });
});
