/**
 * The edge of every environment as rendered: a Gateway API edge and nothing of ingress-nginx, the
 * API reachable only from its own Gateway's Envoy pods, and what the environment data asks for.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadEnvironments } from '../../environments/load.ts';
import { renderEnvironment } from '../../stacks/render.ts';
import type { Manifest } from '../../kube/object.ts';

type Obj = Record<string, any>;

const envs = loadEnvironments(join(import.meta.dirname, '..', '..', 'environments'));

describe.each(envs.map((e) => [e.name, e] as const))('the edge of %s', (_name, env) => {
  const rendered = renderEnvironment(env).then((files) => files.map((f) => f.manifest));
  const one = async (kind: string, name = 'agent-api') => {
    const m = (await rendered).find((x: Manifest) => x.kind === kind && x.metadata.name === name);
    if (!m) throw new Error(`no ${kind} ${name}`);
    return m as Obj;
  };

  it('renders no Ingress, only the Gateway API and Envoy Gateway kinds', async () => {
    const kinds = new Set((await rendered).map((m) => m.kind));
    expect(kinds.has('Ingress')).toBe(false);
    for (const k of ['Gateway', 'HTTPRoute', 'EnvoyProxy', 'ClientTrafficPolicy', 'BackendTrafficPolicy', 'Certificate']) expect(kinds).toContain(k);
  });

  it('serves the host of the environment data with its issuer and rate limit', async () => {
    expect((await one('Gateway')).spec.listeners.map((l: Obj) => l.hostname)).toEqual([env.ingress.host, env.ingress.host]);
    expect((await one('Certificate')).spec.issuerRef.name).toBe(env.ingress.clusterIssuer);
    const rules = (await one('BackendTrafficPolicy')).spec.rateLimit.global.rules;
    expect(rules.map((r: Obj) => r.limit)).toEqual([
      { requests: env.ingress.rateLimit.burst, unit: 'Minute' },
      { requests: env.ingress.rateLimit.requestsPerMinute * 60, unit: 'Hour' },
    ]);
    expect((await one('SecurityPolicy')).spec.cors.allowOrigins).toEqual(env.settings.corsOrigins);
  });

  it("admits only this environment's Envoy pods, in the gateway namespace, to the API on 8000", async () => {
    const np = await one('NetworkPolicy');
    const external = np.spec.ingress.filter((r: Obj) => r.from[0].namespaceSelector);
    const fromGateway = external.filter((r: Obj) => r.from[0].namespaceSelector.matchLabels['kubernetes.io/metadata.name'] === env.network.gatewayNamespace);
    expect(fromGateway).toEqual([
      {
        from: [
          {
            namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'envoy-gateway-system' } },
            podSelector: {
              matchLabels: {
                'app.kubernetes.io/name': 'envoy',
                'gateway.envoyproxy.io/owning-gateway-name': 'agent-api',
                'gateway.envoyproxy.io/owning-gateway-namespace': env.namespace,
              },
            },
          },
        ],
        ports: [{ port: 8000, protocol: 'TCP' }],
      },
    ]);
  });
});
