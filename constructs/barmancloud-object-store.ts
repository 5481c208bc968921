/**
 * The type of the Barman Cloud plugin's `ObjectStore` (`barmancloud.cnpg.io/v1`), which no
 * `@kubernetes-models/*` package models: the plugin's Go types (`api/v1/objectstore_types.go` of
 * cloudnative-pg/plugin-barman-cloud v0.14-v0.15), whose `spec.configuration` is barman-cloud's
 * `BarmanObjectStoreConfiguration`. stacks/models/barmancloud-object-store.ts validates the same
 * shape at render time.
 */
import type { IObjectMeta } from '@kubernetes-models/apimachinery/apis/meta/v1/ObjectMeta';
import type { IBarmanObjectStoreConfiguration } from '@kubernetes-models/cloudnative-pg/github.com/cloudnative-pg/barman-cloud/pkg/api/BarmanObjectStoreConfiguration';
import type { IEnvVar } from 'kubernetes-models/v1/EnvVar';
import type { IResourceRequirements } from 'kubernetes-models/v1/ResourceRequirements';

export interface IObjectStore {
  apiVersion: 'barmancloud.cnpg.io/v1';
  kind: 'ObjectStore';
  metadata?: IObjectMeta;
  spec: {
    configuration: IBarmanObjectStoreConfiguration;
    /** `<n>d`, `<n>w` or `<n>m`. */
    retentionPolicy?: string;
    instanceSidecarConfiguration?: {
      env?: IEnvVar[];
      retentionPolicyIntervalSeconds?: number;
      resources?: IResourceRequirements;
      additionalContainerArgs?: string[];
      logLevel?: 'error' | 'warning' | 'info' | 'debug' | 'trace';
    };
  };
}
