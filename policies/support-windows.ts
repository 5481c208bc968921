/**
 * The end-of-support data of every pinned component (`constructs/versions.ts`), indexed the way
 * rendered objects name them: images by `repository:tag`, charts by `repoURL`, `chart` and
 * version. The versions file owns the facts; this only looks them up.
 */
import { ARGO_CD, CHARTS, IMAGES, KUBERNETES, type PinnedChart, type PinnedImage, type SupportWindow } from '../constructs/versions.ts';
import { parseImage } from './images.ts';
import { isDate } from './dates.ts';

/** A pinned component and its window, as found for a rendered reference. */
export interface PinnedComponent {
  /** `redis:7.4.11-bookworm`, `chart cert-manager v1.21.1`, `Argo CD v3.5.1`. */
  readonly name: string;
  /** Undefined when versions.ts has the component without (valid) support data. */
  readonly support?: SupportWindow;
}

/** How far ahead an end of support is announced as a warning. */
export const SUPPORT_WARNING_DAYS = 60;


function valid(w: SupportWindow | undefined): SupportWindow | undefined {
  return w && isDate(w.endOfSupport) && w.source.trim().length > 0 ? w : undefined;
}

/** A pinned release of a platform piece (Argo CD, the Kubernetes target) and its window. */
export interface PinnedRelease {
  readonly version: string;
  readonly support?: SupportWindow;
}

/** The windows of a set of pinned images and charts; `pinned()` uses the ones in versions.ts. */
export class SupportIndex {
  private readonly images = new Map<string, PinnedImage>();
  private readonly repositories = new Set<string>();
  private readonly charts = new Map<string, PinnedChart>();
  readonly argoCd: PinnedComponent;
  private readonly kubernetesTarget: PinnedRelease;

  /** @param kubernetes the Kubernetes target the output is written for (versions.ts `KUBERNETES`) */
  constructor(images: readonly PinnedImage[], charts: readonly PinnedChart[], argoCd: PinnedRelease, kubernetes: PinnedRelease) {
    this.kubernetesTarget = kubernetes;
    for (const i of images) {
      this.images.set(`${i.repository}:${i.tag}`, i);
      this.repositories.add(i.repository);
    }
    for (const c of charts) this.charts.set(`${c.repoURL}\u0000${c.chart}\u0000${c.version}`, c);
    this.argoCd = { name: `Argo CD ${argoCd.version}`, ...(valid(argoCd.support) ? { support: argoCd.support! } : {}) };
  }

  /**
   * The pinned component an image reference names, if its repository is one versions.ts pins; an
   * unknown tag of a pinned repository is a component without support data. Other repositories
   * (the service's own image, promoted per environment) are not pinned components.
   */
  image(reference: string): PinnedComponent | undefined {
    const { repository, tag } = parseImage(reference);
    if (!this.repositories.has(repository)) return undefined;
    const pinned = this.images.get(`${repository}:${tag ?? ''}`);
    const support = valid(pinned?.support);
    return { name: `${repository}:${tag ?? '(no tag)'}`, ...(support ? { support } : {}) };
  }

  /**
   * The Kubernetes minor a namespace's Pod Security version label (`v1.36`) names: the output is
   * written for that release, so it must be the pinned target, and the target must be supported.
   */
  kubernetes(label: string): PinnedComponent {
    const version = label.replace(/^v/, '');
    const support = version === this.kubernetesTarget.version ? valid(this.kubernetesTarget.support) : undefined;
    return { name: `Kubernetes ${version}`, ...(support ? { support } : {}) };
  }

  /** The pinned chart an Argo CD source names; every chart source is a pinned component. */
  chart(repoURL: string, chart: string, version: string): PinnedComponent {
    const support = valid(this.charts.get(`${repoURL}\u0000${chart}\u0000${version}`)?.support);
    return { name: `chart ${chart} ${version} (${repoURL})`, ...(support ? { support } : {}) };
  }
}

let index: SupportIndex | undefined;

/** The index of constructs/versions.ts, built once. */
export function pinned(): SupportIndex {
  index ??= new SupportIndex(Object.values(IMAGES), Object.values(CHARTS), ARGO_CD, KUBERNETES);
  return index;
}
