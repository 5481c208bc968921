/**
 * A private CA certificate that clients verify a server against: one key of a Secret (the `ca.crt`
 * that cert-manager writes beside a certificate issued by a CA Issuer), mounted read-only as a
 * single file. Only that key is projected, so a client pod never sees the server's private key.
 */
import type { k8s } from './k8s.ts';

export interface CaBundle {
  /** Secret holding the CA certificate, e.g. `elasticsearch-http-tls`. */
  readonly secretName: string;
  /** Key of the PEM certificate in that Secret. */
  readonly key: string;
  /** Volume name in the client's pod, e.g. `elasticsearch-ca`. */
  readonly volumeName: string;
  /** Directory it is mounted at, e.g. `/etc/elasticsearch-ca`. */
  readonly mountPath: string;
}

/** Path of the PEM file inside the client's container. */
export function caFile(ca: CaBundle): string {
  return `${ca.mountPath}/${ca.key}`;
}

/** The pod volume: only the certificate key of the Secret. */
export function caVolume(ca: CaBundle): k8s.Volume {
  return { name: ca.volumeName, secret: { secretName: ca.secretName, items: [{ key: ca.key, path: ca.key }] } };
}

export function caVolumeMount(ca: CaBundle): k8s.VolumeMount {
  return { name: ca.volumeName, mountPath: ca.mountPath, readOnly: true };
}
