/**
 * Cross-field rules of the environment schema normally run only when the whole document parsed,
 * so a rule like "production images carry a digest" would be reported only after every other
 * mistake is fixed. `validAt` lets such a rule run whenever the fields it reads are valid, so one
 * run reports everything.
 */
import type { z } from 'zod';

/** A zod `when` that is true when no issue so far lies under any of `paths` (each a field path). */
export function validAt(...paths: readonly (readonly PropertyKey[])[]): (payload: z.core.ParsePayload) => boolean {
  return (payload) =>
    typeof payload.value === 'object' &&
    payload.value !== null &&
    payload.issues.every((issue) => !paths.some((p) => p.every((key, i) => issue.path?.[i] === key)));
}
