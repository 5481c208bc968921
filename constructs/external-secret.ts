/**
 * An External Secrets Operator `ExternalSecret`: the only way a secret value reaches a pod in this
 * platform. The operator copies the named keys from the environment's secret store into a
 * Kubernetes Secret of the same name; git only ever holds the key names.
 */
import { CustomResource } from './custom-resource.ts';
import type { IExternalSecret } from '@kubernetes-models/external-secrets/external-secrets.io/v1/ExternalSecret';
import { Construct } from 'constructs';
import { k8s } from './k8s.ts';
import { componentLabels } from './labels.ts';

export interface ExternalSecretProps {
  /** Name of the ExternalSecret and of the Secret it produces. */
  readonly name: string;
  readonly component: string;
  /** The store to read from. */
  readonly store: { readonly kind: 'ClusterSecretStore' | 'SecretStore'; readonly name: string };
  /** Remote secret holding the values (one JSON document whose properties are the keys). */
  readonly remoteKey: string;
  /** Keys of the produced Secret; each is read from the property of the same name. */
  readonly keys: readonly string[];
  /**
   * How often the operator re-reads the store (a Go duration).
   * @default '1h'
   */
  readonly refreshInterval?: string;
  /**
   * Templates for keys computed from the fetched values (ESO template engine v2), e.g. a connection
   * URL that embeds a password without the password ever being written down.
   * @default - none
   */
  readonly templates?: Record<string, string>;
}

export class ExternalSecret extends Construct {
  /** Name of the Kubernetes Secret the operator creates. */
  readonly secretName: string;
  /** Keys the produced Secret holds. */
  readonly keys: readonly string[];
  /** The entry of the secret store it reads (a Secrets Manager secret the AWS side creates). */
  readonly remoteKey: string;

  constructor(scope: Construct, id: string, props: ExternalSecretProps) {
    super(scope, id);
    if (props.keys.length === 0) throw new Error(`ExternalSecret ${props.name}: needs at least one key`);
    const dup = props.keys.find((k, i) => props.keys.indexOf(k) !== i);
    if (dup) throw new Error(`ExternalSecret ${props.name}: key ${JSON.stringify(dup)} listed twice`);
    this.secretName = props.name;
    this.remoteKey = props.remoteKey;
    const templated = Object.keys(props.templates ?? {});
    this.keys = [...props.keys, ...templated];
    new CustomResource<IExternalSecret>(this, 'external-secret', {
      apiVersion: 'external-secrets.io/v1',
      kind: 'ExternalSecret',
      metadata: { name: props.name, labels: componentLabels(props.name, props.component) },
      spec: {
        refreshInterval: props.refreshInterval ?? '1h',
        secretStoreRef: { kind: props.store.kind, name: props.store.name },
        target: {
          name: props.name,
          // The Secret belongs to this ExternalSecret: deleting one deletes the other, nothing lingers.
          creationPolicy: 'Owner',
          template: templated.length
            ? {
                engineVersion: 'v2',
                // Keep the fetched keys as well as the computed ones.
                mergePolicy: 'Merge',
                data: { ...props.templates },
              }
            : undefined,
        },
        data: props.keys.map((key) => ({
          secretKey: key,
          remoteRef: { key: props.remoteKey, property: key },
        })),
      },
    });
  }

  /**
   * An environment variable that reads `key` from the produced Secret: the value never appears in
   * the pod spec. Throws if the Secret will not hold that key.
   */
  envVar(key: string, name: string = key): k8s.EnvVar {
    if (!this.keys.includes(key)) {
      throw new Error(`ExternalSecret ${this.secretName} has no key ${JSON.stringify(key)} (it has ${this.keys.join(', ')})`);
    }
    return { name, valueFrom: { secretKeyRef: { name: this.secretName, key } } };
  }
}
