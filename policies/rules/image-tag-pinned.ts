import { parseImage } from '../images.ts';
import { containerLabel, eachContainer, str, WORKLOAD_KINDS } from '../objects.ts';
import type { Rule } from '../types.ts';

export const rule: Rule = {
  id: 'image-tag-pinned',
  category: 'security',
  description: 'Images must name an explicit tag other than `latest` (or a digest).',
  rationale: 'An untagged or `latest` image changes under the same manifest: two nodes can run different code, a rollback restores nothing, and a compromised upstream push is deployed by the next restart.',
  severity: 'error',
  kinds: WORKLOAD_KINDS,
  scope: 'object',
  check: (o) =>
    eachContainer(o, (c) => {
      const image = str(c.container['image']);
      const path = `${c.path}.image`;
      if (!image) return { path, message: `${containerLabel(c)} names no image; expected repository:tag` };
      const ref = parseImage(image);
      if (ref.digest) return undefined;
      if (ref.tag === undefined) return { path, message: `${containerLabel(c)} uses untagged image "${image}"; expected an explicit version tag` };
      if (ref.tag === 'latest') return { path, message: `${containerLabel(c)} uses "${image}"; expected a version tag, not latest` };
      return undefined;
    }),
};
