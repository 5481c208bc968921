/**
 * A ConfigMap holding scripts from `constructs/scripts/` (and components' folders), mounted read-only and executable. The
 * scripts are real files, so the tests run exactly what the cluster runs; they are read as source,
 * like modules, and the same checkout always renders the same bytes.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { Construct } from 'constructs';
import { k8s } from './k8s.ts';
import { componentLabels } from './labels.ts';

const SCRIPTS_DIR = new URL('./scripts/', import.meta.url);

/** The text of a script in `constructs/scripts/`, or in one of `dirs` (a component's folder). */
export function scriptSource(file: string, dirs: readonly URL[] = []): string {
  const url = /^[a-z0-9-]+\.(sh|sql)$/.test(file) ? [SCRIPTS_DIR, ...dirs].map((d) => new URL(file, d)).find((u) => existsSync(u)) : undefined;
  if (!url) throw new Error(`no script ${JSON.stringify(file)} in constructs/scripts/${dirs.length ? ' or a component folder' : ''}`);
  return readFileSync(url, 'utf8');
}

export interface ScriptConfigMapProps {
  readonly name: string;
  readonly component: string;
  /** File names in `constructs/scripts/` or in `dirs`. */
  readonly scripts: readonly string[];
  /** Folders holding scripts of their own (a component's), searched after `constructs/scripts/`. @default - none */
  readonly dirs?: readonly URL[];
}

export class ScriptConfigMap extends Construct {
  readonly configMapName: string;
  /** Where `mount()` puts the scripts. */
  readonly mountPath = '/scripts';
  /** sha256 of the scripts, for a pod annotation: a changed script rolls the pods that run it. */
  readonly checksum: string;
  private readonly files: ReadonlySet<string>;

  constructor(scope: Construct, id: string, props: ScriptConfigMapProps) {
    super(scope, id);
    if (props.scripts.length === 0) throw new Error(`ScriptConfigMap ${props.name}: give at least one script`);
    const sorted = [...new Set(props.scripts)].sort();
    const data = Object.fromEntries(sorted.map((f) => [f, scriptSource(f, props.dirs)]));
    this.configMapName = props.name;
    this.files = new Set(sorted);
    this.checksum = createHash('sha256').update(JSON.stringify(data)).digest('hex');
    new k8s.KubeConfigMap(this, 'config-map', {
      metadata: { name: props.name, labels: componentLabels(props.name, props.component) },
      data,
    });
  }

  /** The pod volume (read-only, executable). */
  volume(name = 'scripts'): k8s.Volume {
    return { name, configMap: { name: this.configMapName, defaultMode: 0o555 } };
  }

  /** The container mount of `volume()`. */
  mount(name = 'scripts'): k8s.VolumeMount {
    return { name, mountPath: this.mountPath, readOnly: true };
  }

  /** `bash /scripts/<file>`, refusing a file the ConfigMap does not hold. */
  command(file: string): string[] {
    if (!this.files.has(file)) throw new Error(`ScriptConfigMap ${this.configMapName} has no ${JSON.stringify(file)} (it has ${[...this.files].join(', ')})`);
    return ['bash', `${this.mountPath}/${file}`];
  }
}
