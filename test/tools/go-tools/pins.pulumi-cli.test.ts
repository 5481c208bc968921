/**
 * The Pulumi CLI the cluster test builds (tools/go-tools/pins.ts) must be no older than the
 * @pulumi/pulumi the program runs with (package-lock.json): the README's requirement for every
 * `pulumi up`, since the SDK sends resource options (replacementTrigger) only a CLI of its own
 * release or newer understands.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PULUMI_CLI_RELEASE } from '../../../tools/go-tools/pins.ts';

const lock = JSON.parse(readFileSync(new URL('../../../package-lock.json', import.meta.url), 'utf8')) as { packages: Record<string, { version?: string }> };

const parts = (v: string): number[] => v.replace(/^v/, '').split('.').map(Number);
function compare(a: string, b: string): number {
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return 0;
}

describe('the pinned Pulumi CLI', () => {
  it('is no older than the @pulumi/pulumi in package-lock.json', () => {
    const sdk = lock.packages['node_modules/@pulumi/pulumi']?.version;
    expect(sdk, 'package-lock.json has no node_modules/@pulumi/pulumi').toBeDefined();
    expect(compare(PULUMI_CLI_RELEASE, sdk!), `CLI ${PULUMI_CLI_RELEASE} vs @pulumi/pulumi ${sdk}`).toBeGreaterThanOrEqual(0);
  });

  it('compares versions numerically', () => {
    expect(compare('v3.276.0', '3.270.0')).toBeGreaterThan(0);
    expect(compare('v3.99.0', '3.270.0')).toBeLessThan(0);
  });
});
