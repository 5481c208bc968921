/** A reference to one key of a Kubernetes Secret: how every construct here receives a credential. */
import type { k8s } from './k8s.ts';

export interface SecretKeyRef {
  readonly name: string;
  readonly key: string;
}

/** `valueFrom` of an environment variable that reads the key; the value never enters the pod spec. */
export function fromSecret(ref: SecretKeyRef): k8s.EnvVarSource {
  return { secretKeyRef: { name: ref.name, key: ref.key } };
}
