/**
 * Our certificates and secrets, reconciled by the real cert-manager and External Secrets Operator
 * (test/cluster/issuers.ts) on a fresh control plane with the add-ons' CRDs: every environment's
 * Issuers, Certificates and ExternalSecrets are applied as rendered; every Certificate must become
 * Ready with a Secret of the declared name holding a certificate for the declared names, signed by
 * its issuer; every ExternalSecret must sync, each key holding the store's value and each template
 * rendering intact; every Secret key our workloads, Gateway listeners and CloudNativePG clusters
 * read must be in the Secret that is produced; and `pulumi` delivery, which renders the same
 * templates itself, must produce byte for byte what ESO produced. The Let's Encrypt
 * ClusterIssuers and AWS stores are stand-ins (see issuers.ts for what that leaves unproven).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { environmentNames } from '../../environments/load.ts';
import type { Manifest } from '../../stacks/render.ts';
import { describeWithBinaries } from '../support/binaries.ts';
import { CONTROL_PLANE_BINARIES, type ControlPlane, startControlPlane } from './control-plane.ts';
import { installCrds } from './crds.ts';
import { certificateProblems, externalSecretProblems, liveObjects, pulumiDeliveryProblems, waitReady, workloadKeyProblems } from './issuer-checks.ts';
import { installReplacing, ISSUER_BINARIES, type RenderedEnvironment, renderAll, type RunningIssuers, startIssuers } from './issuers.ts';

/** Kinds applied: the namespace and what cert-manager and ESO reconcile in it. */
const APPLIED_KINDS = new Set(['Namespace', 'Issuer', 'Certificate', 'ExternalSecret']);
const READY_TIMEOUT_MS = 180_000;

describeWithBinaries('cert-manager and External Secrets reconcile every environment', [...CONTROL_PLANE_BINARIES, ...ISSUER_BINARIES], 'build them with `npm run tools:build`', () => {
  let plane: ControlPlane | undefined;
  let issuers: RunningIssuers | undefined;
  let rendered: RenderedEnvironment[] = [];
  const of = (env: string): RenderedEnvironment => rendered.find((r) => r.env.name === env)!;
  const kind = (env: string, k: string): Manifest[] => of(env).manifests.filter((m) => m.kind === k);

  beforeAll(async () => {
    rendered = await renderAll();
    plane = await startControlPlane();
    installCrds(plane);
    issuers = await startIssuers(plane, { rendered });
    process.stderr.write(`issuers: control plane up in ${plane.startupMs} ms, cert-manager and ESO with their stand-ins Ready in ${issuers.readyMs} ms\n`);
    // Namespaces first: one apply does not order its objects.
    const applied = rendered.flatMap((r) => r.manifests.filter((m) => APPLIED_KINDS.has(m.kind)));
    installReplacing(plane, applied.filter((m) => m.kind === 'Namespace'));
    installReplacing(plane, applied.filter((m) => m.kind !== 'Namespace'));
  }, 600_000);

  afterAll(async () => {
    await issuers?.stop();
    await plane?.stop();
  }, 60_000);

  /** The stand-in store's value for a remote reference (the values live only in this process). */
  const storeValue = (store: string, key: string, property?: string): string | undefined => {
    const [kind, name] = store.split('/');
    const s = issuers!.standIns.find((o) => o.kind === kind && o.metadata.name === name);
    const entry = ((s?.['spec'] as { provider: { fake: { data: { key: string; value: string }[] } } } | undefined)?.provider.fake.data ?? []).find((d) => d.key === key);
    if (!entry) return undefined;
    return property === undefined ? entry.value : (JSON.parse(entry.value) as Record<string, string>)[property];
  };

  for (const env of environmentNames()) {
    describe(env, () => {
      it('every Certificate becomes Ready with a Secret of its name, for its names, signed by its issuer', async () => {
        const certificates = kind(env, 'Certificate');
        expect(certificates.length).toBeGreaterThan(0);
        const ns = of(env).env.namespace;
        const notReady = await waitReady(plane!, 'certificate', ns, certificates.map((c) => c.metadata.name), READY_TIMEOUT_MS);
        expect(notReady, issuers!.logs().slice(-4000)).toEqual([]);
        expect(certificateProblems(certificates, liveObjects(plane!, 'secret', ns))).toEqual([]);
      });

      it('every ExternalSecret syncs, each key holding the store value and each template intact', async () => {
        const externalSecrets = kind(env, 'ExternalSecret');
        expect(externalSecrets.length).toBeGreaterThan(0);
        const ns = of(env).env.namespace;
        const notReady = await waitReady(plane!, 'externalsecret', ns, externalSecrets.map((e) => e.metadata.name), READY_TIMEOUT_MS);
        expect(notReady, issuers!.logs().slice(-4000)).toEqual([]);
        expect(externalSecretProblems(externalSecrets, liveObjects(plane!, 'secret', ns), storeValue)).toEqual([]);
      });

      it('pulumi delivery would write the same Secrets as ESO, byte for byte', async () => {
        const externalSecrets = kind(env, 'ExternalSecret');
        const ns = of(env).env.namespace;
        await waitReady(plane!, 'externalsecret', ns, externalSecrets.map((e) => e.metadata.name), READY_TIMEOUT_MS);
        expect(pulumiDeliveryProblems(externalSecrets, liveObjects(plane!, 'secret', ns), storeValue, of(env).env.secrets.remoteKeyPrefix)).toEqual([]);
      });

      it('every Secret key a workload, listener or database cluster reads is in the Secret produced', async () => {
        const ns = of(env).env.namespace;
        // The Secrets exist once the two tests above passed; wait again so this one also stands alone.
        await waitReady(plane!, 'externalsecret', ns, kind(env, 'ExternalSecret').map((e) => e.metadata.name), READY_TIMEOUT_MS);
        await waitReady(plane!, 'certificate', ns, kind(env, 'Certificate').map((c) => c.metadata.name), READY_TIMEOUT_MS);
        const { problems, checked } = workloadKeyProblems(of(env).manifests, liveObjects(plane!, 'secret', ns));
        expect(checked).toBeGreaterThan(0);
        expect(problems).toEqual([]);
      });
    });
  }
});
