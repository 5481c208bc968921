/**
 * Objects that make other objects appear in the cluster: an ExternalSecret writes a Secret, a
 * cert-manager Certificate writes its TLS Secret, a CloudNativePG Cluster runs pods and writes
 * `<cluster>-app`, the Prometheus operator runs `prometheus-<name>` pods. Reference rules treat what
 * these produce as present (a StatefulSet its replicas' claims too), so a pod mounting `<cluster>-app` or a NetworkPolicy selecting
 * `cnpg.io/cluster: <cluster>` is not reported as dangling.
 *
 * Names and labels are the operators' documented conventions:
 * - CloudNativePG: https://cloudnative-pg.io/documentation/current/applications/ and .../labels_annotations/
 * - prometheus-operator: labels set by `prometheus-operator/pkg/prometheus/statefulset.go`
 * - ECK: https://www.elastic.co/guide/en/cloud-on-k8s/current/k8s-securing-stack.html
 */
import { apiGroupOf } from './api-version.ts';
import type { K8sObject } from './object.ts';
import { arr, at, rec, str, stringMap as stringLabels } from './read.ts';

/** Custom resources whose operators run pods in the resource's namespace (see {@link producedBy}). */
export const OPERATOR_POD_KINDS: readonly string[] = ['Cluster', 'Pooler', 'Prometheus', 'Alertmanager', 'Elasticsearch'];

/** Pods an operator runs for a custom resource, as far as selectors and ports are concerned. */
export interface ProducedPod {
  readonly labels: Record<string, string>;
  /** Container ports by name (numbers are matched as-is). */
  readonly ports: ReadonlyMap<string, number>;
  /** What these pods are, for messages: `CloudNativePG join Job pods`. */
  readonly role?: string;
}

/** A Secret an operator writes the store superuser's password into. */
export interface SuperuserSecret {
  readonly secret: string;
  /** Keys that carry the password (directly, or inside a connection string). */
  readonly keys: readonly string[];
  readonly user: string;
  /** What makes it, for messages: `superuserSecret of CloudNativePG Cluster agent-postgres`. */
  readonly from: string;
}

export interface Produced {
  readonly secrets: readonly string[];
  /** Those of {@link secrets} that hold a store superuser's credential. */
  readonly superuserSecrets: readonly SuperuserSecret[];
  readonly configMaps: readonly string[];
  readonly pvcs: readonly string[];
  readonly services: readonly { readonly name: string; readonly ports: readonly { name?: string; port: number }[] }[];
  readonly pods: readonly ProducedPod[];
}

const NOTHING: Produced = { secrets: [], superuserSecrets: [], configMaps: [], pvcs: [], services: [], pods: [] };

/** Keys of a CloudNativePG-generated `<cluster>-superuser` Secret that carry the password (all but `username`, `host`, ...). */
const CNPG_GENERATED_KEYS = ['password', 'pgpass', 'uri', 'jdbc-uri', 'fqdn-uri', 'fqdn-jdbc-uri'];

/** What `o` makes appear in its namespace besides itself. */
export function producedBy(o: K8sObject): Produced {
  const name = str(o.metadata?.name) ?? '';
  const g = apiGroupOf(o.apiVersion);
  const kind = str(o.kind) ?? '';
  switch (kind) {
    case 'StatefulSet': {
      // Each replica gets `<template>-<statefulset>-<ordinal>`; backup and restore jobs mount them by that name.
      const replicas = at(o, 'spec', 'replicas');
      const n = typeof replicas === 'number' ? replicas : 1;
      const templates = arr(at(o, 'spec', 'volumeClaimTemplates')).flatMap((t) => (str(at(t, 'metadata', 'name')) ? [str(at(t, 'metadata', 'name'))!] : []));
      return { ...NOTHING, pvcs: templates.flatMap((t) => Array.from({ length: n }, (_, i) => `${t}-${name}-${i}`)) };
    }
    case 'ExternalSecret':
      if (g !== 'external-secrets.io') return NOTHING;
      return { ...NOTHING, secrets: [str(at(o, 'spec', 'target', 'name')) ?? name] };
    case 'SealedSecret':
      return { ...NOTHING, secrets: [str(at(o, 'spec', 'template', 'metadata', 'name')) ?? name] };
    case 'Certificate': {
      if (g !== 'cert-manager.io') return NOTHING;
      const secret = str(at(o, 'spec', 'secretName'));
      return { ...NOTHING, secrets: secret ? [secret] : [] };
    }
    case 'Gateway': {
      // cert-manager's gateway-shim issues a certificate for every HTTPS listener of an annotated Gateway.
      const annotations = rec(at(o, 'metadata', 'annotations')) ?? {};
      if (!('cert-manager.io/cluster-issuer' in annotations) && !('cert-manager.io/issuer' in annotations)) return NOTHING;
      const secrets = arr(at(o, 'spec', 'listeners')).flatMap((l) => arr(at(l, 'tls', 'certificateRefs')).flatMap((r) => (str(at(r, 'name')) ? [str(at(r, 'name'))!] : [])));
      return { ...NOTHING, secrets };
    }
    case 'Ingress': {
      // cert-manager's ingress-shim issues a certificate for every TLS block of an annotated Ingress.
      const annotations = rec(at(o, 'metadata', 'annotations')) ?? {};
      if (!('cert-manager.io/cluster-issuer' in annotations) && !('cert-manager.io/issuer' in annotations)) return NOTHING;
      const secrets = arr(at(o, 'spec', 'tls')).flatMap((t) => (str(at(t, 'secretName')) ? [str(at(t, 'secretName'))!] : []));
      return { ...NOTHING, secrets };
    }
    case 'Cluster': {
      if (g !== 'postgresql.cnpg.io') return NOTHING;
      const inherited = stringLabels(at(o, 'spec', 'inheritedMetadata', 'labels'));
      const ports = new Map([
        ['postgresql', 5432],
        ['metrics', 9187],
        ['status', 8000],
      ]);
      const pods: ProducedPod[] = ['primary', 'replica'].map((role) => ({
        labels: { ...inherited, 'cnpg.io/cluster': name, 'cnpg.io/podRole': 'instance', 'cnpg.io/instanceRole': role, role },
        ports,
        role: `CloudNativePG ${role} instance pods`,
      }));
      // The operator's bootstrap Jobs (`<instance>-initdb`, `<instance>-join`, ...) run pods labelled
      // with the cluster and `cnpg.io/jobRole` (cloudnative-pg pkg/specs/jobs.go, CreatePrimaryJob);
      // a join Job streams from `--parent-node <cluster>-rw`, so it needs the same network as an instance.
      for (const job of ['initdb', 'join']) {
        pods.push({ labels: { ...inherited, 'cnpg.io/cluster': name, 'cnpg.io/jobRole': job }, ports: new Map(), role: `CloudNativePG ${job} Job pods` });
      }
      const pg = [{ name: 'postgres', port: 5432 }];
      // A superuserSecret given in the spec holds `password`; the one the operator generates also
      // carries it inside connection strings.
      const given = str(at(o, 'spec', 'superuserSecret', 'name'));
      return {
        secrets: ['app', 'superuser', 'ca', 'server', 'replication'].map((s) => `${name}-${s}`),
        superuserSecrets: [
          { secret: given ?? `${name}-superuser`, keys: given ? ['password'] : CNPG_GENERATED_KEYS, user: 'postgres', from: `superuserSecret of CloudNativePG Cluster ${name}` },
        ],
        configMaps: [],
        pvcs: [],
        services: ['rw', 'ro', 'r'].map((s) => ({ name: `${name}-${s}`, ports: pg })),
        pods,
      };
    }
    case 'Pooler': {
      if (g !== 'postgresql.cnpg.io') return NOTHING;
      const labels = { ...stringLabels(at(o, 'spec', 'template', 'metadata', 'labels')), 'cnpg.io/poolerName': name };
      return { ...NOTHING, services: [{ name, ports: [{ name: 'pgbouncer', port: 5432 }] }], pods: [{ labels, ports: new Map([['pgbouncer', 5432], ['metrics', 9127]]) }] };
    }
    case 'Prometheus':
    case 'Alertmanager': {
      if (g !== 'monitoring.coreos.com') return NOTHING;
      const app = kind.toLowerCase();
      const port = app === 'prometheus' ? 9090 : 9093;
      const labels = {
        ...stringLabels(at(o, 'spec', 'podMetadata', 'labels')),
        'app.kubernetes.io/name': app,
        'app.kubernetes.io/instance': name,
        'app.kubernetes.io/managed-by': 'prometheus-operator',
        [app]: name,
        ...(app === 'prometheus' ? { 'operator.prometheus.io/name': name, 'operator.prometheus.io/shard': '0' } : {}),
      };
      return {
        ...NOTHING,
        services: [{ name: `${app}-operated`, ports: [{ name: 'web', port }] }],
        pods: [{ labels, ports: new Map([['web', port]]) }],
      };
    }
    case 'Elasticsearch': {
      if (g !== 'elasticsearch.k8s.elastic.co') return NOTHING;
      const base = { 'elasticsearch.k8s.elastic.co/cluster-name': name, 'common.k8s.elastic.co/type': 'elasticsearch' };
      const ports = new Map([
        ['https', 9200],
        ['http', 9200],
        ['transport', 9300],
      ]);
      const nodeSets = arr(at(o, 'spec', 'nodeSets'));
      const pods = (nodeSets.length > 0 ? nodeSets : [{}]).map((ns) => ({
        labels: { ...stringLabels(at(ns, 'podTemplate', 'metadata', 'labels')), ...base, 'elasticsearch.k8s.elastic.co/statefulset-name': `${name}-es-${str(at(ns, 'name')) ?? 'default'}` },
        ports,
      }));
      return {
        secrets: [`${name}-es-elastic-user`, `${name}-es-http-certs-public`, `${name}-es-http-ca-internal`, `${name}-es-http-certs-internal`],
        // ECK keeps the `elastic` user's password under the key `elastic` of `<es>-es-elastic-user`.
        // https://www.elastic.co/guide/en/cloud-on-k8s/current/k8s-security.html (`{{.data.elastic}}`)
        superuserSecrets: [{ secret: `${name}-es-elastic-user`, keys: ['elastic'], user: 'elastic', from: `ECK Elasticsearch ${name}` }],
        configMaps: [],
        pvcs: [],
        services: [{ name: `${name}-es-http`, ports: [{ name: 'https', port: 9200 }] }],
        pods,
      };
    }
    default:
      return NOTHING;
  }
}
