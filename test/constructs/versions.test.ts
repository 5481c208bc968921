/** The pins of constructs/versions.ts are the ones the rendering and the instructions use. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ARGO_CD } from '../../constructs/versions.ts';

const gitops = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'gitops.md'), 'utf8');

describe('constructs/versions.ts', () => {
  it('pins the Argo CD docs/gitops.md installs', () => {
    const bootstrap = gitops.slice(gitops.indexOf('**Bootstrap (once per Argo CD):**'));
    expect(bootstrap).toContain(ARGO_CD.installManifest);
    expect(ARGO_CD.installManifest).toContain(`/${ARGO_CD.version}/`);
    expect(bootstrap).toContain(`\`ARGO_CD\`, ${ARGO_CD.version}`);
  });
});
