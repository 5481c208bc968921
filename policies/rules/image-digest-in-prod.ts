import { DIGEST, parseImage } from '../images.ts';
import { containerLabel, eachContainer, str, WORKLOAD_KINDS } from '../objects.ts';
import type { Rule } from '../types.ts';

export const rule: Rule = {
  id: 'image-digest-in-prod',
  category: 'security',
  description: 'In production, images must be pinned by sha256 digest.',
  rationale: 'Tags are mutable: a re-pushed tag changes what production runs without a commit. A digest is the content itself, so what was reviewed and scanned is what runs.',
  severity: { production: 'error', other: 'off' },
  kinds: WORKLOAD_KINDS,
  scope: 'object',
  check: (o) =>
    eachContainer(o, (c) => {
      const image = str(c.container['image']) ?? '';
      const digest = parseImage(image).digest;
      return digest !== undefined && DIGEST.test(digest)
        ? undefined
        : { path: `${c.path}.image`, message: `${containerLabel(c)} uses "${image}" without a digest; expected repository:tag@sha256:<64 hex digits>` };
    }),
};
