/**
 * A ConfigMap of plain (non-secret) settings, handed to containers whole through `envFrom`.
 * Its checksum goes into the pod template, so changing a setting rolls the pods that read it.
 */
import { createHash } from 'node:crypto';
import { Construct } from 'constructs';
import { k8s } from './k8s.ts';
import { componentLabels } from './labels.ts';

export interface SettingsConfigMapProps {
  readonly name: string;
  readonly component: string;
  /** Settings by environment-variable name. */
  readonly data: Record<string, string>;
}

const SECRET_LOOKING = /(PASSWORD|SECRET|TOKEN|API_KEY|PRIVATE_KEY|CREDENTIAL)/i;

export class SettingsConfigMap extends Construct {
  readonly configMapName: string;
  /** sha256 of the data, for a `checksum/...` pod annotation. */
  readonly checksum: string;

  constructor(scope: Construct, id: string, props: SettingsConfigMapProps) {
    super(scope, id);
    const leaked = Object.keys(props.data).filter((k) => SECRET_LOOKING.test(k));
    if (leaked.length > 0) {
      throw new Error(`SettingsConfigMap ${props.name}: ${leaked.join(', ')} look secret; secrets go through an ExternalSecret, not a ConfigMap`);
    }
    // Sorted so the rendered order, and the checksum, do not depend on how the caller built the map.
    const data = Object.fromEntries(Object.entries(props.data).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    this.configMapName = props.name;
    this.checksum = createHash('sha256').update(JSON.stringify(data)).digest('hex');
    new k8s.KubeConfigMap(this, 'config-map', {
      metadata: { name: props.name, labels: componentLabels(props.name, props.component) },
      data,
    });
  }

  /** `envFrom` entry that exposes every setting as an environment variable. */
  envFrom(): k8s.EnvFromSource {
    return { configMapRef: { name: this.configMapName } };
  }
}
