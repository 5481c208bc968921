/** Parsing image references (`registry/repo:tag@sha256:...`) the way container runtimes do. */
export interface ImageRef {
  readonly repository: string;
  readonly tag?: string;
  readonly digest?: string;
}

export function parseImage(image: string): ImageRef {
  const at = image.indexOf('@');
  const digest = at >= 0 ? image.slice(at + 1) : undefined;
  const rest = at >= 0 ? image.slice(0, at) : image;
  const slash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  // A colon before the last slash is a registry port (`registry:5000/app`), not a tag.
  const tag = colon > slash ? rest.slice(colon + 1) : undefined;
  const repository = colon > slash ? rest.slice(0, colon) : rest;
  return { repository, ...(tag !== undefined ? { tag } : {}), ...(digest !== undefined ? { digest } : {}) };
}

export const DIGEST = /^sha256:[0-9a-f]{64}$/;
