/** Where the cluster services the workload talks to live, for its NetworkPolicies. */
import { z } from 'zod';
import { cidr } from './cidr.ts';
import { labels } from './label.ts';
import { dnsLabel } from './common.ts';

export const network = z
  .strictObject({
    /**
     * Namespace Envoy Gateway runs the Gateways' Envoy pods in (its own, the default deploy mode):
     * only this environment's Envoy pods there may reach the API.
     */
    gatewayNamespace: dnsLabel.default('envoy-gateway-system'),
    /** Namespace of cert-manager, whose metrics report the expiry of the environment's certificates. */
    certManagerNamespace: dnsLabel.default('cert-manager'),
    /** Namespace and pod label of the cluster DNS. */
    dnsNamespace: dnsLabel.default('kube-system'),
    dnsPodLabel: labels.default({ 'k8s-app': 'kube-dns' }),
    /**
     * Address ranges pods may never reach through the "internet" egress rule (the LLM APIs):
     * private networks and the cloud metadata endpoint.
     */
    internetEgressExcept: z
      .array(cidr)
      .default(['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16', '100.64.0.0/10']),
  })
  .prefault({});
