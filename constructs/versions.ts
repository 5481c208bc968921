/**
 * Every third-party image and Helm chart version, in one place (STYLE lesson 4). Our own service
 * image is per environment (`environments/<env>.yaml`, `images.service`), because environments
 * promote it at their own pace.
 *
 * Images are pinned to an exact release tag; production environments additionally require digests
 * where the policy says so.
 */

/** A third-party image: repository and exact tag. */
export interface PinnedImage {
  readonly repository: string;
  readonly tag: string;
  /** Content digest, when known; appended as `@sha256:...`. */
  readonly digest?: string;
}

export const IMAGES = {
  // Entries are added by the components that use them (data tier, monitoring).
} as const satisfies Record<string, PinnedImage>;

/** `repository:tag[@digest]` of a pinned image. */
export function pinnedImageRef(image: PinnedImage): string {
  return `${image.repository}:${image.tag}${image.digest ? `@${image.digest}` : ''}`;
}
